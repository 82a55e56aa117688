"""Members review draft minutes: comments anchored to a passage or to a decision, an action or
a finding, replies, resolution, « lu et approuvé », what each reader last read, and what the
facilitator is shown before validating."""

import hashlib
from dataclasses import dataclass
from itertools import groupby

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from groupes.auth.models import User
from groupes.dbtypes import utcnow
from groupes.extensions import db
from groupes.meetings.models import Meeting
from groupes.minutes.models import Comment, Minutes, MinutesReader, MinutesSection, MinutesStatus
from groupes.minutes.parts import PartKey
from groupes.minutes.writing import MinutesError
from groupes.site.text import plain_words

MAX_COMMENT = 5000
MAX_QUOTE = 1000
OUTCOME_KINDS = ("d", "a", "f")  # decision, action, finding, as PartKey letters


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


def commented_outcome(meeting: Meeting, key: str):
    """The decision, action or finding of this meeting that ``key`` (d…, a…, f…) names."""
    try:
        part = PartKey.parse(key, kinds=OUTCOME_KINDS)
    except ValueError:
        raise MinutesError("body", "Ce que vous commentez n’existe pas : rechargez la page.") from None
    rows = {"d": meeting.decisions, "a": meeting.actions, "f": meeting.findings}[part.kind]
    outcome = next((row for row in rows if row.id == part.id), None)
    if outcome is None:
        raise MinutesError("body", "Cette décision, action ou élément n’existe plus : rechargez la page.")
    return part, outcome


def add_comment(
    minutes: Minutes,
    *,
    user: User,
    body: str,
    section_id: int | None,
    parent_id: int | None = None,
    quote: str = "",
    outcome: str = "",
) -> Comment:
    """A remark on one part of the minutes or on one outcome (``outcome``: its part key), or a
    reply in its thread."""
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
    elif outcome:
        key, row = commented_outcome(minutes.meeting, outcome)
        section_id, quote = None, ""
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
    if parent is not None:  # a reply is about what its thread is about (and withheld with it)
        comment.decision_id, comment.action_id = parent.decision_id, parent.action_id
        comment.finding_id = parent.finding_id
    elif outcome:
        setattr(comment, {"d": "decision", "a": "action", "f": "finding"}[key.kind], row)
    if parent is not None and parent.resolved_at is not None:
        parent.resolved_at, parent.resolved_by = None, None  # a new reply reopens the thread
    db.session.add(comment)
    db.session.flush()
    return comment


def set_resolved(comment: Comment, user: User, resolved: bool) -> None:
    comment.resolved_at, comment.resolved_by = (utcnow(), user) if resolved else (None, None)
    db.session.flush()


def anchor(comment: Comment) -> int | PartKey | None:
    """Where a thread is shown: the id of its part of the text, the key of its outcome, or
    None for a remark on the minutes as a whole."""
    return comment.outcome_key or comment.section_id


def threads(minutes: Minutes) -> dict[int | PartKey | None, list[Comment]]:
    """The opening comments by anchor (see ``anchor``), replies loaded, open first."""
    comments = db.session.scalars(
        sa.select(Comment)
        .where(Comment.minutes_id == minutes.id, Comment.parent_id.is_(None))
        .options(
            joinedload(Comment.author).joinedload(User.person),
            selectinload(Comment.replies).joinedload(Comment.author).joinedload(User.person),
        )
        .order_by(Comment.resolved_at.is_not(None), Comment.created_at, Comment.id)
    ).all()
    by_part: dict[int | PartKey | None, list[Comment]] = {}
    for comment in comments:
        by_part.setdefault(anchor(comment), []).append(comment)
    return by_part


def open_comment_counts(minutes: Minutes) -> dict[int | None, int]:
    """How many threads on the text still wait for an answer, by part (None: general remarks)."""
    rows = db.session.execute(
        sa.select(Comment.section_id, sa.func.count())
        .where(
            Comment.minutes_id == minutes.id,
            Comment.parent_id.is_(None),
            Comment.resolved_at.is_(None),
            Comment.decision_id.is_(None),
            Comment.action_id.is_(None),
            Comment.finding_id.is_(None),
        )
        .group_by(Comment.section_id)
    ).all()
    return dict(rows)


def quote_still_there(comment: Comment, section: MinutesSection | None) -> bool:
    """Whether the quoted passage is still in the text (else it was rewritten since)."""
    if not comment.quote or section is None:
        return True
    return comment.quote in plain_words(section.body)


@dataclass
class ValidationSummary:
    """What the facilitator is shown before validating, and the state of the minutes it was
    made from (``stamp``): a confirmation sent from an older summary is refused."""

    open_comments: list[Comment]
    earlier_approvals: list[Approval]  # given on a text or outcomes that changed since
    incomplete_actions: list  # actions without an owner or a due date
    stamp: str

    @property
    def is_clear(self) -> bool:
        return not (self.open_comments or self.earlier_approvals or self.incomplete_actions)


def summary_stamp(minutes: Minutes) -> str:
    """The text's revision, the outcomes' version, the latest comment and which comments are
    open (not only how many: one dealt with and another reopened is another summary): what
    the summary was made of."""
    last_comment = db.session.scalar(sa.select(sa.func.max(Comment.id)).where(Comment.minutes_id == minutes.id))
    open_ids = db.session.scalars(
        sa.select(Comment.id)
        .where(Comment.minutes_id == minutes.id, Comment.resolved_at.is_(None))
        .order_by(Comment.id)
    ).all()
    digest = hashlib.blake2b(",".join(map(str, open_ids)).encode(), digest_size=8).hexdigest()
    return f"{minutes.revision}.{minutes.outcomes_version}.{last_comment or 0}.{digest}"


def validation_summary(meeting: Meeting) -> ValidationSummary:
    minutes = meeting.minutes
    every_thread = threads(minutes)
    return ValidationSummary(
        open_comments=[c for thread in every_thread.values() for c in thread if c.resolved_at is None],
        earlier_approvals=[a for a in approvals(minutes) if not a.current],
        incomplete_actions=[a for a in meeting.actions if a.owner_name is None or a.due is None],
        stamp=summary_stamp(minutes),
    )


@dataclass
class OutlineEntry:
    """A point of the agenda on the review page: its notes and what was recorded under it,
    then its sub-points. ``point`` None gathers what was recorded under no point."""

    point: object  # privacy.reading.Point, or None
    part: object  # privacy.reading.Part: the point's notes, or None
    decisions: list
    actions: list
    findings: list  # runs of one kind: (FindingKind, [Finding])
    children: list["OutlineEntry"]

    @property
    def is_empty(self) -> bool:
        return not (self.part or self.decisions or self.actions or self.findings or self.children)


def review_outline(view) -> list[OutlineEntry]:
    """The minutes as a reader's view (``privacy.reading.reader_view``) gives them, nested as
    the agenda: each point with its notes, decisions, actions and findings, then its
    sub-points; last, what was recorded under no point of the agenda."""
    notes = {p.point_id: p for p in view.notes}
    findings = [f for _, run in view.findings for f in run]
    placed: set[int] = set()

    def under(rows, item_id):
        return [row for row in rows if row.agenda_item_id == item_id]

    def runs(rows):
        return [(kind, list(items)) for kind, items in groupby(rows, key=lambda f: f.kind)]

    def entry(point) -> OutlineEntry:
        placed.add(point.id)
        return OutlineEntry(
            point,
            notes.get(point.id),
            under(view.decisions, point.id),
            under(view.actions, point.id),
            runs(under(findings, point.id)),
            [entry(child) for child in point.children],
        )

    entries = [entry(point) for point in view.agenda]
    elsewhere = OutlineEntry(
        None,
        None,
        [d for d in view.decisions if d.agenda_item_id not in placed],
        [a for a in view.actions if a.agenda_item_id not in placed],
        runs([f for f in findings if f.agenda_item_id not in placed]),
        [],
    )
    return entries if elsewhere.is_empty else [*entries, elsewhere]
