"""Meetings, their ordre du jour and attendance."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from groupes.dbtypes import UTCDateTime, enum_column_type, utcnow
from groupes.extensions import db
from groupes.groups.models import Person, WorkingGroup

if TYPE_CHECKING:
    from groupes.attachments.models import Attachment
    from groupes.minutes.models import Minutes
    from groupes.outcomes.models import Action, Decision, Finding


class MeetingStatus(enum.StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"planned": "Prévue", "held": "Tenue", "cancelled": "Annulée"}[self.value]


class AttendanceStatus(enum.StrEnum):
    INVITED = "invited"
    PRESENT = "present"
    EXCUSED = "excused"
    ABSENT = "absent"
    REPRESENTED = "represented"

    @property
    def label(self) -> str:
        return {
            "invited": "Invité·e",
            "present": "Présent·e",
            "excused": "Excusé·e",
            "absent": "Absent·e",
            "represented": "Représenté·e",
        }[self.value]


class AgendaItemKind(enum.StrEnum):
    """Most items are topics; two standing items fill themselves in."""

    TOPIC = "topic"
    PREVIOUS_MINUTES = "previous_minutes"  # links to the previous meeting's minutes
    ACTIONS_REVIEW = "actions_review"  # lists the group's open actions, live


class MeetingSeries(db.Model):
    """Meetings planned together on a rhythm; each stays an ordinary meeting."""

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    # The rhythm in words: « le 2e jeudi de chaque mois, 9 h 30 – 12 h 30 ».
    description: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[WorkingGroup] = relationship()
    meetings: Mapped[list["Meeting"]] = relationship(
        back_populates="series", order_by="(Meeting.starts_at, Meeting.id)"
    )


class Meeting(db.Model):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("working_groups.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The subtitle: « Poser la thématique ».
    title: Mapped[str] = mapped_column(sa.String(500), default="")
    place: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column_type(MeetingStatus, "status"), default=MeetingStatus.PLANNED
    )
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting_series.id", ondelete="SET NULL"), index=True)
    # The iCalendar SEQUENCE: raised whenever the moment, the place or the status
    # changes, so that calendars replace the event they hold.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    # When the convocation was last sent: changes after it are sent as updates.
    convened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The number (1 for the « 1ère réunion ») its minutes were validated with: kept while
    # they stay validated, whatever meetings are added or cancelled around it.
    frozen_number: Mapped[int | None]
    # The live meeting (groupes/minutes/live.py): the agenda point it is at, set by its
    # facilitator, and since when. An id among its agenda items, looked up there (no foreign
    # key: the agenda already points at the meeting); a point deleted since is no point.
    live_item_id: Mapped[int | None]
    live_item_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Until when the group's members may follow the minutes as they are written (read-only).
    followers_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    group: Mapped[WorkingGroup] = relationship(back_populates="meetings")
    series: Mapped[MeetingSeries | None] = relationship(back_populates="meetings")
    agenda_items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting",
        order_by="AgendaItem.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    attendances: Mapped[list["Attendance"]] = relationship(
        back_populates="meeting", order_by="Attendance.id", cascade="all, delete-orphan", passive_deletes=True
    )
    minutes: Mapped["Minutes"] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True
    )
    decisions: Mapped[list["Decision"]] = relationship(
        back_populates="meeting", order_by="Decision.number", cascade="all, delete-orphan", passive_deletes=True
    )
    actions: Mapped[list["Action"]] = relationship(
        back_populates="meeting", order_by="Action.id", cascade="all, delete-orphan", passive_deletes=True
    )
    findings: Mapped[list["Finding"]] = relationship(
        back_populates="meeting", order_by="Finding.position", cascade="all, delete-orphan", passive_deletes=True
    )
    # Loaded when the meeting is deleted, so that their files are removed with them (attachments/storage.py).
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="meeting", order_by="(Attachment.created_at, Attachment.id)", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.Index("ix_meetings_group_id_starts_at", "group_id", "starts_at"),
        # Two meetings of a group that are not cancelled never start at the same moment
        # (this also turns a double submit into one meeting).
        sa.Index(
            "uq_meetings_group_id_starts_at_not_cancelled",
            "group_id",
            "starts_at",
            unique=True,
            sqlite_where=sa.text("status != 'cancelled'"),
            postgresql_where=sa.text("status != 'cancelled'"),
        ),
        sa.CheckConstraint("ends_at IS NULL OR ends_at >= starts_at", name="ends_after_start"),
    )

    @property
    def is_frozen(self) -> bool:
        """Its minutes are validated: nothing of it changes until they are reopened."""
        return self.minutes is not None and self.minutes.is_frozen

    @property
    def is_followed(self) -> bool:
        """The group's members are invited to follow its minutes live, now (groupes/minutes/live.py)."""
        return self.followers_until is not None and utcnow() < self.followers_until

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def root_agenda_items(self) -> list["AgendaItem"]:
        return [item for item in self.agenda_items if item.parent is None]


class AgendaKinds:
    """What a point of the agenda is, by its ``kind``: for the items and the readers' views of them."""

    kind: AgendaItemKind

    @property
    def is_previous_minutes(self) -> bool:
        return self.kind == AgendaItemKind.PREVIOUS_MINUTES

    @property
    def is_actions_review(self) -> bool:
        return self.kind == AgendaItemKind.ACTIONS_REVIEW


class AgendaItem(AgendaKinds, db.Model):
    """A point of the ordre du jour; items nest under a parent item."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    # Order among the items of the same meeting, whatever their level.
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(500))
    duration_min: Mapped[int | None]
    presenter: Mapped[str | None] = mapped_column(sa.String(200))
    kind: Mapped[AgendaItemKind] = mapped_column(enum_column_type(AgendaItemKind, "kind"), default=AgendaItemKind.TOPIC)
    # Huis clos: the point, its notes and what was decided under it stay within the group.
    confidential: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")
    parent: Mapped[Optional["AgendaItem"]] = relationship(back_populates="children", remote_side=[id])
    children: Mapped[list["AgendaItem"]] = relationship(back_populates="parent", order_by="AgendaItem.position")

    __table_args__ = (
        sa.CheckConstraint("duration_min IS NULL OR duration_min >= 0", name="duration_not_negative"),
        sa.CheckConstraint("title <> ''", name="title_not_empty"),
    )

    @validates("parent")
    def _two_levels(self, _key, parent: Optional["AgendaItem"]) -> Optional["AgendaItem"]:
        """The agenda has two levels (groupes/meetings/agenda.py says so to the user): a last guard."""
        if parent is not None and parent.parent is not None:
            raise ValueError("L’ordre du jour a deux niveaux au plus : un sous-point n’a pas de sous-points.")
        return parent

    @property
    def is_confidential(self) -> bool:
        """Marked huis clos itself, or under a point that is, at any depth."""
        item, seen = self, set()
        while item is not None and id(item) not in seen:
            if item.confidential:
                return True
            seen.add(id(item))
            item = item.parent
        return False


class Attendance(db.Model):
    __tablename__ = "attendances"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(
        enum_column_type(AttendanceStatus, "status"), default=AttendanceStatus.INVITED
    )
    # Who stood in for the person, as written on the sign-in sheet.
    represented_by: Mapped[str | None] = mapped_column(sa.String(200))
    signed: Mapped[bool] = mapped_column(default=False)
    # Noted at the door: a late arrival, an early departure.
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="attendances")
    person: Mapped[Person] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "person_id"),
        sa.CheckConstraint(
            "status = 'represented' OR represented_by IS NULL", name="represented_by_only_when_represented"
        ),
    )
