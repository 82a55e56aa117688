"""Minutes (comptes-rendus): their parts, every saved revision, and comments.

The current text lives in ``MinutesSection`` rows: the free sections
(heading + Markdown) and the notes of each agenda item. Each part carries a
``version`` so that a save based on an older version is detected instead of
overwriting someone's text. Every save also appends a ``MinutesRevision``
holding a snapshot of all parts, which is the history, the base of diffs and,
once validated, the frozen text (the pattern of Indico's event notes).
"""

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, WriteOnlyMapped, mapped_column, relationship
from sqlalchemy.orm.util import identity_key

from groupes.dbtypes import UTCDateTime, enum_column_type, utcnow
from groupes.extensions import db
from groupes.minutes.parts import PartKey

if TYPE_CHECKING:
    from groupes.auth.models import User
    from groupes.meetings.models import AgendaItem, Meeting
    from groupes.outcomes.models import Action, Decision, Finding


class MinutesStatus(enum.StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    VALIDATED = "validated"

    @property
    def label(self) -> str:
        return {"draft": "Brouillon", "review": "En relecture", "validated": "Validé"}[self.value]


class Minutes(db.Model):
    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    status: Mapped[MinutesStatus] = mapped_column(
        enum_column_type(MinutesStatus, "status"), default=MinutesStatus.DRAFT
    )
    # Number of the latest revision (0: nothing saved yet).
    revision: Mapped[int] = mapped_column(default=0)
    validated_revision: Mapped[int | None]
    validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    validated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Raised on every change of the decisions, actions and findings: with ``revision``, it
    # names what a reader approved (the outcomes are part of what « lu et approuvé » covers).
    outcomes_version: Mapped[int] = mapped_column(default=0, server_default="0")

    meeting: Mapped["Meeting"] = relationship(back_populates="minutes")
    sections: Mapped[list["MinutesSection"]] = relationship(
        back_populates="minutes", order_by="MinutesSection.position", cascade="all, delete-orphan", passive_deletes=True
    )
    revisions: WriteOnlyMapped["MinutesRevision"] = relationship(
        back_populates="minutes", order_by="MinutesRevision.number", cascade="all, delete-orphan", passive_deletes=True
    )
    validated_by: Mapped[Optional["User"]] = relationship()

    __table_args__ = (sa.CheckConstraint("revision >= 0", name="revision_not_negative"),)
    # Every change of the minutes row says which revision it started from
    # (UPDATE … WHERE revision = old): two saves at once cannot both win.
    __mapper_args__ = {"version_id_col": revision, "version_id_generator": False}

    @property
    def is_frozen(self) -> bool:
        """Validated minutes freeze their meeting: its number, date, place, title, agenda,
        attendance, text, outcomes, documents and huis clos marks, until reopened with a reason.
        Every edit path asks this (through ``Meeting.is_frozen`` outside the minutes)."""
        return self.status == MinutesStatus.VALIDATED

    @property
    def is_draft(self) -> bool:
        return self.status == MinutesStatus.DRAFT

    @property
    def in_review(self) -> bool:
        return self.status == MinutesStatus.REVIEW

    @property
    def is_validated(self) -> bool:
        return self.status == MinutesStatus.VALIDATED

    @property
    def free_sections(self) -> list["MinutesSection"]:
        return [s for s in self.sections if s.agenda_item is None]

    @property
    def item_notes(self) -> dict[int, "MinutesSection"]:
        """The notes written on each agenda item, by the item's id."""
        return {s.agenda_item_id: s for s in self.sections if s.agenda_item_id is not None}

    def snapshot(self) -> dict[str, Any]:
        """Every part as plain data, the content of a revision."""
        return {
            "sections": [
                {
                    "id": s.id,
                    "agenda_item_id": s.agenda_item_id,
                    "heading": s.heading,
                    "body": s.body,
                    "confidential": s.is_confidential,
                }
                for s in self.sections
            ]
        }

    def add_revision(
        self, author: Optional["User"] = None, reason: str = "", at: datetime | None = None
    ) -> "MinutesRevision":
        """Record the current state of every part as the next revision.

        The parts must have been flushed: the snapshot names them by id.
        """
        self.revision += 1
        return self.record_revision(author, reason, at)

    def record_revision(
        self, author: Optional["User"] = None, reason: str = "", at: datetime | None = None
    ) -> "MinutesRevision":
        """Record the current state of every part as revision ``self.revision``, already counted."""
        revision = MinutesRevision(
            number=self.revision, status=self.status, author=author, reason=reason, content=self.snapshot()
        )
        if at is not None:
            revision.created_at = at
        self.revisions.add(revision)
        return revision


def meetings_of_minutes(session: Session, minutes_ids: set[int]) -> set[int]:
    """The meetings of these minutes: from the session where it holds them (a minutes' meeting
    never changes), in one query for the others."""
    meetings, unknown = set(), set()
    for ident in minutes_ids:
        minutes = session.identity_map.get(identity_key(Minutes, ident))
        if minutes is not None and "meeting_id" in minutes.__dict__:
            meetings.add(minutes.meeting_id)
        else:
            unknown.add(ident)
    if unknown:
        with session.no_autoflush:
            meetings.update(session.scalars(sa.select(Minutes.meeting_id).where(Minutes.id.in_(unknown))))
    return meetings


class MinutesSection(db.Model):
    """One part of the minutes: a free section, or the notes of an agenda item."""

    __tablename__ = "minutes_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), unique=True
    )
    position: Mapped[int] = mapped_column(default=0)
    heading: Mapped[str] = mapped_column(sa.String(500), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    # Raised on every change of this part; a save names the version it started from.
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Huis clos (free sections; the notes of a point follow their point).
    confidential: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    minutes: Mapped[Minutes] = relationship(back_populates="sections")
    agenda_item: Mapped[Optional["AgendaItem"]] = relationship()
    updated_by: Mapped[Optional["User"]] = relationship()

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def is_confidential(self) -> bool:
        return self.confidential or (self.agenda_item is not None and self.agenda_item.is_confidential)


class MinutesRevision(db.Model):
    __tablename__ = "minutes_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes.id", ondelete="CASCADE"))
    number: Mapped[int]
    status: Mapped[MinutesStatus] = mapped_column(enum_column_type(MinutesStatus, "status"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # When its text was saved; a revision that gathers an author's successive saves (see
    # ``groupes.minutes.writing``) also keeps when the first of them was made.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why this revision was made when it is not an ordinary save (reopening…).
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)

    minutes: Mapped[Minutes] = relationship(back_populates="revisions")
    author: Mapped[Optional["User"]] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("minutes_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )


ANCHORS = ("section_id", "decision_id", "action_id", "finding_id")


class Comment(db.Model):
    """A member's remark on a passage of draft minutes, or on a decision, an action or a
    finding (at most one of them); replies thread under it. Without any, a general remark."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("minutes_sections.id", ondelete="SET NULL"), index=True
    )
    # An outcome removed later leaves its comments as general remarks, as a removed section does.
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id", ondelete="SET NULL"), index=True)
    action_id: Mapped[int | None] = mapped_column(sa.ForeignKey("actions.id", ondelete="SET NULL"), index=True)
    finding_id: Mapped[int | None] = mapped_column(sa.ForeignKey("findings.id", ondelete="SET NULL"), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    # The revision the commenter was reading, and the passage they quoted.
    revision: Mapped[int]
    quote: Mapped[str] = mapped_column(sa.Text, default="")
    body: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    minutes: Mapped[Minutes] = relationship()
    section: Mapped[MinutesSection | None] = relationship()
    decision: Mapped[Optional["Decision"]] = relationship()
    action: Mapped[Optional["Action"]] = relationship()
    finding: Mapped[Optional["Finding"]] = relationship()
    parent: Mapped[Optional["Comment"]] = relationship(back_populates="replies", remote_side=[id])
    replies: Mapped[list["Comment"]] = relationship(back_populates="parent", order_by="Comment.id")
    author: Mapped[Optional["User"]] = relationship(foreign_keys=[author_id])
    resolved_by: Mapped[Optional["User"]] = relationship(foreign_keys=[resolved_by_id])

    __table_args__ = (
        sa.CheckConstraint("body <> ''", name="body_not_empty"),
        sa.CheckConstraint(
            " + ".join(f"CAST({c} IS NOT NULL AS INTEGER)" for c in ANCHORS) + " <= 1",
            name="one_anchor_at_most",
        ),
    )

    @property
    def outcome_key(self) -> PartKey | None:
        """The decision (d…), action (a…) or finding (f…) it is about, as a part key."""
        for kind, ident in (("d", self.decision_id), ("a", self.action_id), ("f", self.finding_id)):
            if ident is not None:
                return PartKey(kind, ident)
        return None


class MinutesReader(db.Model):
    """What one reader has read of the minutes, and whether they approved them.

    ``read_revision`` is the latest revision they were shown, the base of « what
    changed since I last read »; ``approved_revision`` and ``approved_outcomes_version``
    what they marked « lu et approuvé », text and outcomes (an approval of anything
    older is shown as given on an earlier version).
    """

    __tablename__ = "minutes_readers"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    read_revision: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_revision: Mapped[int | None]
    # The minutes' ``outcomes_version`` when they approved.
    approved_outcomes_version: Mapped[int | None]
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    minutes: Mapped[Minutes] = relationship()
    user: Mapped["User"] = relationship()

    __table_args__ = (sa.UniqueConstraint("minutes_id", "user_id"),)

    def approves_current(self, minutes: Minutes) -> bool:
        """Whether they approved the minutes as they stand, text and outcomes alike."""
        return (
            self.approved_revision == minutes.revision
            and (self.approved_outcomes_version or 0) == minutes.outcomes_version
        )


class PartUpdate(db.Model):
    """One change of a part's shared document (a Yjs update), kept in order: the room's
    editors replay them from their cursor (the id), the server derives the part's Markdown
    from all of them. A part's rows are merged into one from time to time (compaction)."""

    __tablename__ = "minutes_part_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"))
    part_key: Mapped[str] = mapped_column(sa.String(20))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.Index("ix_minutes_part_updates_meeting_id_id", "meeting_id", "id"),)


class RoomPresence(db.Model):
    """Who is in the meeting room, on which part, until when (renewed by each long-poll)."""

    __tablename__ = "room_presence"

    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    part_key: Mapped[str] = mapped_column(sa.String(20), default="")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped["User"] = relationship()
