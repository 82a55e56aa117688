"""Writing the minutes: saving a part without overwriting anyone, and the workflow.

Every save names the version of the part it started from. If someone saved
that part meanwhile, nothing is written and a ``Conflict`` carries both texts
so that the writer can choose or merge. Each accepted save is kept in a revision:
a new one, or the author's last one when they are still at it (``REVISION_SPAN``).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from groupes.auth.models import User
from groupes.dbtypes import utcnow
from groupes.errors import DomainError
from groupes.extensions import db
from groupes.meetings.numbering import freeze_number
from groupes.minutes.models import Minutes, MinutesRevision, MinutesSection, MinutesStatus
from groupes.minutes.parts import PartKey
from groupes.site.formatting import number

# An author's successive saves of a draft within this time make one revision (a few minutes of
# work, not a full copy of every part at each autosave), as long as nobody else saved the part
# in between; a new section, a removal, submission, validation and reopening make their own.
REVISION_SPAN = timedelta(minutes=10)

# A part holds at most this many characters (a long section is about 10,000):
# a paste beyond it is refused whole rather than cut.
MAX_PART_LENGTH = 100_000


class MinutesError(DomainError, ValueError):
    """A change the minutes refuse; ``field`` names the form field at fault."""


@dataclass
class Conflict(Exception):
    """Someone saved this part since the version the writer started from."""

    key: str
    mine: str
    theirs: str
    version: int
    by: str
    at: datetime | None


@dataclass(frozen=True)
class SavedPart:
    """A saved part, and what the writer's page needs to go on: read before the commit,
    which expires them (reading them after would cost the autosave a round trip each)."""

    section: MinutesSection
    key: str
    version: int
    revision: int


def ensure_editable(minutes: Minutes) -> None:
    if minutes.is_frozen:
        raise MinutesError(
            "body", "Le compte-rendu est validé : il ne peut plus être modifié sans être rouvert (avec un motif)."
        )


def check_length(text: str, field: str = "body") -> None:
    if len(text) > MAX_PART_LENGTH:
        raise MinutesError(
            field,
            f"Ce texte compte {number(len(text))} caractères, pour {number(MAX_PART_LENGTH)} au plus par partie : "
            "coupez-le en plusieurs sections.".replace(",", "\u202f"),
        )


def parse_part_key(key: str) -> PartKey:
    try:
        return PartKey.parse(key)
    except ValueError:
        raise MinutesError("body", "Partie du compte-rendu inconnue.") from None


def named_section(minutes: Minutes, key: PartKey) -> MinutesSection | None:
    """The part a key names, or None for an agenda item without notes yet.

    A key that names nothing of these minutes is refused.
    """
    if key.is_section:
        section = next((s for s in minutes.sections if s.id == key.id and s.agenda_item_id is None), None)
        if section is None:
            raise MinutesError("body", "Cette section n’existe plus : elle a peut-être été supprimée.")
        return section
    if not any(item.id == key.id for item in minutes.meeting.agenda_items):
        raise MinutesError("body", "Ce point n’appartient pas à l’ordre du jour de cette réunion.")
    return next((s for s in minutes.sections if s.agenda_item_id == key.id), None)


def _conflict(key: str, mine: str, section: MinutesSection | None) -> Conflict:
    return Conflict(
        key=key,
        mine=mine,
        theirs=section.body if section else "",
        version=section.version if section else 0,
        by=section.updated_by.person.name if section and section.updated_by else "quelqu’un",
        at=section.updated_at if section else None,
    )


def save_part(
    minutes: Minutes, *, key: str, base_version: int, body: str, user: User, heading: str | None = None
) -> SavedPart:
    """Save one part, starting from ``base_version`` (0 for notes not yet written).

    Saves of other parts landing at the same moment are not conflicts: the
    save is tried again on fresh data, and only a change of this very part
    since ``base_version`` is reported as a Conflict. ``heading`` is a free section's
    (an agenda item's notes have none: it is left aside for them).
    """
    ensure_editable(minutes)
    body = body.replace("\r\n", "\n")  # browsers send a textarea's lines with CRLF
    check_length(body)
    part = parse_part_key(key)
    if not part.is_section:
        heading = None
    if heading is not None:
        check_length(heading, "heading")
    for _attempt in range(3):
        section = named_section(minutes, part)
        current = section.version if section else 0
        if current != base_version:
            if section is not None and section.body == body and (heading is None or section.heading == heading):
                # The same text saved twice (a retry): nothing to do.
                return SavedPart(section, key, section.version, minutes.revision)
            raise _conflict(key, body, section)
        # Who saved this part last: the author's own run of saves goes on in one revision.
        own_run = section is not None and section.updated_by_id == user.id
        if section is None:
            section = MinutesSection(agenda_item_id=part.id, position=0, body="", version=0)
            minutes.sections.append(section)
        section.body = body
        if heading is not None:
            section.heading = heading
        section.version += 1
        section.updated_at, section.updated_by = utcnow(), user
        try:
            db.session.flush()
            saved_key, version = str(PartKey.of(section)), section.version
            revision = _flush_with_revision(minutes, user, gather=own_run)
            # Committed here, not by the view: a save that lost the race is retried above in a new
            # transaction, and the autosave answers with what it read before its commit.
            db.session.commit()
            return SavedPart(section, saved_key, version, revision)
        except (StaleDataError, IntegrityError):
            # Another save of these minutes reached the database between our read
            # and our write. Start again from what is there now.
            db.session.rollback()
            db.session.expire_all()
            ensure_editable(minutes)
    raise MinutesError("body", "Le compte-rendu change trop vite en ce moment : votre texte est gardé, réessayez.")


def store_derived(minutes: Minutes, part: PartKey, body: str, user: User) -> MinutesSection:
    """Store the Markdown derived from a part's shared document (``groupes.minutes.cowriting``).

    There is no version to start from: the document merges everyone's typing, so its
    Markdown is always the part's latest text. Each author's saves within ``REVISION_SPAN``
    gather in one revision of theirs, even when co-writers save the same part in between.
    Flushes; the caller commits (and starts again on a lost race).
    """
    ensure_editable(minutes)
    check_length(body)
    section = named_section(minutes, part)
    if section is not None and section.body == body:
        return section
    if section is None:
        section = MinutesSection(agenda_item_id=part.id, position=0, body="", version=0)
        minutes.sections.append(section)
    section.body = body
    section.version += 1
    section.updated_at, section.updated_by = utcnow(), user
    _flush_with_revision(minutes, user, gather=True)
    return section


def rename_section(minutes: Minutes, *, key: str, heading: str, user: User) -> MinutesSection:
    """Change a free section's title alone (the room's editors write its text live). Flushes."""
    ensure_editable(minutes)
    part = parse_part_key(key)
    if not part.is_section:
        raise MinutesError("heading", "Seule une section libre a un titre.")
    check_length(heading, "heading")
    section = named_section(minutes, part)
    if section.heading != heading:
        section.heading = heading
        section.version += 1
        section.updated_at, section.updated_by = utcnow(), user
        _flush_with_revision(minutes, user, gather=True)
    return section


def _flush_with_revision(minutes: Minutes, user: User | None, reason: str = "", *, gather: bool = False) -> int:
    """Flush the change with its revision (``gather``: the author's latest one, if it may take
    it); the revision's number."""
    db.session.flush()
    if gather:
        minutes.revision += 1
        db.session.flush()  # the counter first: a save that got in meanwhile is known now
        if not _gathered(minutes, user):
            minutes.record_revision(author=user, at=utcnow())
    else:
        minutes.add_revision(author=user, reason=reason, at=utcnow())
    number = minutes.revision
    db.session.flush()
    return number


def _gathered(minutes: Minutes, user: User) -> bool:
    """Move the author's latest revision of this draft to the new number with the current text,
    if it is an ordinary save begun less than ``REVISION_SPAN`` ago and no submission or
    reopening came after it; whether it did. Its place in the history is taken by the next
    revision (each revision is a whole copy of the minutes), so that several people writing
    at once keep one revision each rather than one per autosave. One statement, run beside the
    session (no page the session holds shows a revision's text)."""
    if minutes.status != MinutesStatus.DRAFT:
        return False
    revisions, mine, later = (
        MinutesRevision.__table__,
        MinutesRevision.__table__.alias("mine"),
        MinutesRevision.__table__.alias("later"),
    )
    latest = (
        sa.select(sa.func.max(mine.c.number))
        .where(mine.c.minutes_id == minutes.id, mine.c.author_id == user.id)
        .scalar_subquery()
    )
    step_after = sa.exists().where(later.c.minutes_id == minutes.id, later.c.number > latest, later.c.reason != "")
    began, now = sa.func.coalesce(revisions.c.started_at, revisions.c.created_at), utcnow()
    result = db.session.connection().execute(
        sa.update(revisions)
        .where(
            revisions.c.minutes_id == minutes.id,
            revisions.c.number == latest,
            revisions.c.status == MinutesStatus.DRAFT,
            revisions.c.reason == "",
            began > now - REVISION_SPAN,
            ~step_after,
        )
        .values(number=minutes.revision, content=minutes.snapshot(), created_at=now, started_at=began)
    )
    return result.rowcount == 1


def _record(minutes: Minutes, user: User | None, reason: str = "") -> None:
    """Write a change and its revision, or nothing if another save got in first."""
    try:
        _flush_with_revision(minutes, user, reason)
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise MinutesError("body", "Une autre modification vient d’être enregistrée : rechargez la page.") from None


def add_section(minutes: Minutes, *, heading: str, body: str, user: User) -> MinutesSection:
    ensure_editable(minutes)
    if not heading.strip() and not body.strip():
        raise MinutesError("heading", "Donnez un titre ou un texte à la nouvelle section.")
    check_length(heading, "heading")
    check_length(body)
    free = [s for s in minutes.sections if s.agenda_item_id is None]
    section = MinutesSection(
        heading=heading.strip(),
        body=body,
        position=max((s.position for s in free), default=-1) + 1,
        version=1,
        updated_at=utcnow(),
        updated_by=user,
    )
    minutes.sections.append(section)
    _record(minutes, user)
    return section


def delete_section(minutes: Minutes, section: MinutesSection, user: User) -> None:
    """Remove a free section; its text stays in the earlier revisions."""
    ensure_editable(minutes)
    minutes.sections.remove(section)
    db.session.delete(section)
    _record(minutes, user)


def submit_for_review(minutes: Minutes, user: User) -> None:
    if minutes.status != MinutesStatus.DRAFT:
        raise MinutesError("status", "Seul un brouillon peut être soumis à la relecture.")
    minutes.status = MinutesStatus.REVIEW
    _record(minutes, user, "Soumis à la relecture")


def validate(minutes: Minutes, user: User, reason: str = "") -> None:
    """Validate: who and when are recorded, and that revision is the frozen text. Minutes that
    did not go through the members' review are validated only with a stated reason, kept in
    the history."""
    if minutes.status == MinutesStatus.VALIDATED:
        raise MinutesError("status", "Ce compte-rendu est déjà validé.")
    reason = " ".join((reason or "").split())
    if minutes.status == MinutesStatus.DRAFT and not reason:
        raise MinutesError(
            "reason",
            "Ce compte-rendu n’a pas été soumis à la relecture des membres : "
            "indiquez pourquoi vous le validez sans relecture.",
        )
    check_length(reason, "reason")
    record = f"Validé sans relecture\u00a0: {reason}" if minutes.status == MinutesStatus.DRAFT else "Validé"
    minutes.status = MinutesStatus.VALIDATED
    minutes.validated_at, minutes.validated_by = utcnow(), user
    minutes.validated_revision = minutes.revision + 1
    freeze_number(minutes.meeting)
    _record(minutes, user, record)


def reopen(minutes: Minutes, user: User, reason: str) -> None:
    if minutes.status != MinutesStatus.VALIDATED:
        raise MinutesError("reason", "Seul un compte-rendu validé peut être rouvert.")
    if not reason.strip():
        raise MinutesError("reason", "Indiquez pourquoi le compte-rendu est rouvert.")
    check_length(reason, "reason")
    minutes.status = MinutesStatus.DRAFT
    freeze_number(minutes.meeting)
    _record(minutes, user, f"Rouvert : {reason.strip()}")
