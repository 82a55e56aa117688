"""Members review draft minutes: comments anchored to a passage, replies, resolution,
« lu et approuvé », and what each reader last read."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from groupes.auth.models import User
from groupes.dbtypes import utcnow
from groupes.extensions import db
from groupes.minutes.models import Comment, Minutes, MinutesReader, MinutesSection, MinutesStatus
from groupes.minutes.writing import MinutesError
from groupes.site.text import plain_words

MAX_COMMENT = 5000
MAX_QUOTE = 1000


def reader_row(minutes: Minutes, user: User) -> MinutesReader:
    """The reader's row, made on their first reading. Two first readings at once (two tabs, a
    double click on « lu et approuvé ») both find none: the second one's insert fails alone, in
    its savepoint, and it takes the row the first one made."""
    query = sa.select(MinutesReader).where(MinutesReader.minutes_id == minutes.id, MinutesReader.user_id == user.id)
    row = db.session.scalar(query)
    if row is None:
        try:
            with db.session.begin_nested():
                row = MinutesReader(minutes=minutes, user=user, read_revision=0)
                db.session.add(row)
        except IntegrityError:
            row = db.session.scalar(query)
    return row


def mark_read(minutes: Minutes, user: User) -> int:
    """Record that this reader saw the current text; returns the revision they had read before (0: none)."""
    row = reader_row(minutes, user)
    before = row.read_revision
    if minutes.revision > before:
        row.read_revision, row.read_at = minutes.revision, utcnow()
        db.session.commit()  # deliberate: reading a page records it, and a page read commits nothing else
    return before


def last_read(minutes: Minutes, user: User) -> int:
    row = db.session.scalar(
        sa.select(MinutesReader.read_revision).where(
            MinutesReader.minutes_id == minutes.id, MinutesReader.user_id == user.id
        )
    )
    return row or 0


def approve(minutes: Minutes, user: User, *, revision: int | None = None, outcomes_version: int | None = None) -> None:
    """« Lu et approuvé » of what the reader was shown: the text of ``revision`` and the
    outcomes of ``outcomes_version`` (as the page gave them); refused if either has changed since."""
    if minutes.status != MinutesStatus.REVIEW:
        raise MinutesError("status", "Seul un compte-rendu en relecture peut être approuvé.")
    if (revision, outcomes_version) != (None, None) and (revision, outcomes_version) != (
        minutes.revision,
        minutes.outcomes_version,
    ):
        raise MinutesError(
            "status",
            "Le compte-rendu (texte, décisions, actions ou éléments de synthèse) a changé pendant votre lecture : "
            "relisez-le avant de l’approuver.",
        )
    row = reader_row(minutes, user)
    row.approved_revision, row.approved_at = minutes.revision, utcnow()
    row.approved_outcomes_version = minutes.outcomes_version
    row.read_revision, row.read_at = max(row.read_revision, minutes.revision), utcnow()
    db.session.flush()


@dataclass
class Approval:
    name: str
    revision: int
    at: object
    current: bool  # approved the text and outcomes as they stand


def approved_by(minutes: Minutes, user: User) -> bool | None:
    """Whether this reader approved the minutes as they stand (False: an earlier version;
    None: never)."""
    row = db.session.scalar(
        sa.select(MinutesReader).where(MinutesReader.minutes_id == minutes.id, MinutesReader.user_id == user.id)
    )
    if row is None or row.approved_revision is None:
        return None
    return row.approves_current(minutes)


def approvals(minutes: Minutes) -> list[Approval]:
    rows = db.session.execute(
        sa.select(MinutesReader, User)
        .join(User, MinutesReader.user_id == User.id)
        .where(MinutesReader.minutes_id == minutes.id, MinutesReader.approved_revision.is_not(None))
        .options(joinedload(User.person))
        .order_by(MinutesReader.approved_at)
    ).all()
    return [
        Approval(user.person.name, row.approved_revision, row.approved_at, row.approves_current(minutes))
        for row, user in rows
    ]


def add_comment(
    minutes: Minutes, *, user: User, body: str, section_id: int | None, parent_id: int | None = None, quote: str = ""
) -> Comment:
    """A remark on one part of the minutes, or a reply in its thread."""
    if minutes.status == MinutesStatus.VALIDATED:
        raise MinutesError("body", "Le compte-rendu est validé : il ne reçoit plus de commentaires.")
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise MinutesError("body", "Écrivez votre commentaire.")
    if len(body) > MAX_COMMENT:
        raise MinutesError("body", f"Un commentaire compte au plus {MAX_COMMENT} caractères.")
    quote = " ".join((quote or "").split())
    if len(quote) > MAX_QUOTE:
        raise MinutesError("quote", f"Le passage cité compte au plus {MAX_QUOTE} caractères : citez-en le début.")
    parent = None
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.minutes_id != minutes.id:
            raise MinutesError("body", "Ce commentaire n’existe plus.")
        parent = parent.parent or parent  # one level of replies: answer the thread
        section_id = parent.section_id
    elif section_id is not None:
        section = next((s for s in minutes.sections if s.id == section_id), None)
        if section is None:
            raise MinutesError("body", "Cette partie du compte-rendu n’existe plus : rechargez la page.")
        if quote and quote not in plain_words(section.body):
            raise MinutesError(
                "quote",
                "Ce passage ne figure pas dans cette partie : sélectionnez-le dans le texte, "
                "copiez-le tel quel, ou laissez ce champ vide.",
            )
    comment = Comment(
        minutes=minutes,
        section_id=section_id,
        parent=parent,
        revision=minutes.revision,
        quote="" if parent else quote,
        body=body,
        author=user,
    )
    if parent is not None and parent.resolved_at is not None:
        parent.resolved_at, parent.resolved_by = None, None  # a new reply reopens the thread
    db.session.add(comment)
    db.session.flush()
    return comment


def set_resolved(comment: Comment, user: User, resolved: bool) -> None:
    comment.resolved_at, comment.resolved_by = (utcnow(), user) if resolved else (None, None)
    db.session.flush()


def threads(minutes: Minutes) -> dict[int | None, list[Comment]]:
    """The opening comments by part (None: on the minutes as a whole), replies loaded, open first."""
    comments = db.session.scalars(
        sa.select(Comment)
        .where(Comment.minutes_id == minutes.id, Comment.parent_id.is_(None))
        .options(
            joinedload(Comment.author).joinedload(User.person),
            selectinload(Comment.replies).joinedload(Comment.author).joinedload(User.person),
        )
        .order_by(Comment.resolved_at.is_not(None), Comment.created_at, Comment.id)
    ).all()
    by_part: dict[int | None, list[Comment]] = {}
    for comment in comments:
        by_part.setdefault(comment.section_id, []).append(comment)
    return by_part


def open_comment_counts(minutes: Minutes) -> dict[int | None, int]:
    """How many threads still wait for an answer, by part."""
    rows = db.session.execute(
        sa.select(Comment.section_id, sa.func.count())
        .where(Comment.minutes_id == minutes.id, Comment.parent_id.is_(None), Comment.resolved_at.is_(None))
        .group_by(Comment.section_id)
    ).all()
    return dict(rows)


def quote_still_there(comment: Comment, section: MinutesSection | None) -> bool:
    """Whether the quoted passage is still in the text (else it was rewritten since)."""
    if not comment.quote or section is None:
        return True
    return comment.quote in plain_words(section.body)
