"""What a meeting produces: decisions, actions and findings."""

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from groupes.dbtypes import UTCDateTime, enum_column_type, utcnow
from groupes.extensions import db
from groupes.groups.models import Organisation, Person

if TYPE_CHECKING:
    from groupes.auth.models import User
    from groupes.meetings.models import AgendaItem, Meeting


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return {"open": "À faire", "in_progress": "En cours", "done": "Faite", "dropped": "Abandonnée"}[self.value]


class FindingKind(enum.StrEnum):
    CONSTAT = "constat"
    BESOIN = "besoin"
    FAIBLESSE = "faiblesse"
    MENACE = "menace"
    PISTE = "piste"
    PRECONISATION = "preconisation"
    PRATIQUE = "pratique"

    @property
    def label(self) -> str:
        return FINDING_LABELS[self.value][0]

    @property
    def plural_label(self) -> str:
        return FINDING_LABELS[self.value][1]


FINDING_LABELS = {
    "constat": ("Constat", "Constats"),
    "besoin": ("Besoin", "Besoins repérés"),
    "faiblesse": ("Faiblesse", "Faiblesses identifiées"),
    "menace": ("Menace", "Menaces"),
    "piste": ("Piste de travail", "Pistes de travail"),
    "preconisation": ("Préconisation", "Préconisations"),
    "pratique": ("Pratique inspirante", "Pratiques inspirantes"),
}


class UnderAgendaItem:
    """Decisions, actions and findings are huis clos when marked so themselves (an import
    keeps the mark) or when the point they were recorded under is."""

    agenda_item: "AgendaItem | None"
    confidential: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    @property
    def is_confidential(self) -> bool:
        return self.confidential or (self.agenda_item is not None and self.agenda_item.is_confidential)


class Decision(UnderAgendaItem, db.Model):
    """An entry of the relevé de décisions, numbered within its meeting."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="SET NULL"), index=True
    )
    number: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    # Raised on every change; an edit names the version it started from (as the minutes' parts do).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    meeting: Mapped["Meeting"] = relationship(back_populates="decisions")
    agenda_item: Mapped[Optional["AgendaItem"]] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.CheckConstraint("text <> ''", name="text_not_empty"),
    )
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class Action(UnderAgendaItem, db.Model):
    """Something someone promised to do: born in a meeting, followed in the next ones."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(500))
    owner_person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("persons.id", ondelete="SET NULL"), index=True)
    owner_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    due: Mapped[date | None]
    status: Mapped[ActionStatus] = mapped_column(enum_column_type(ActionStatus, "status"), default=ActionStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Raised on every change; an edit names the version it started from (as the minutes' parts do).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    meeting: Mapped["Meeting"] = relationship(back_populates="actions")
    agenda_item: Mapped[Optional["AgendaItem"]] = relationship()
    owner_person: Mapped[Person | None] = relationship()
    owner_organisation: Mapped[Organisation | None] = relationship()
    updates: Mapped[list["ActionUpdate"]] = relationship(
        back_populates="action", order_by="ActionUpdate.id", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        sa.CheckConstraint("owner_person_id IS NULL OR owner_organisation_id IS NULL", name="one_owner_at_most"),
        sa.CheckConstraint("title <> ''", name="title_not_empty"),
    )
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def is_pending(self) -> bool:
        """Still to do: open or in progress (neither done nor dropped)."""
        return self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)

    @property
    def owner_name(self) -> str | None:
        if self.owner_person is not None:
            return self.owner_person.name
        if self.owner_organisation is not None:
            return self.owner_organisation.name
        return None


class ActionUpdate(db.Model):
    """The history of an action: a change of status, a follow-up note, or both."""

    __tablename__ = "action_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[ActionStatus] = mapped_column(enum_column_type(ActionStatus, "status"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    action: Mapped[Action] = relationship(back_populates="updates")
    author: Mapped[Optional["User"]] = relationship()


class Finding(UnderAgendaItem, db.Model):
    """An élément de synthèse as a group recorded it in one meeting."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[FindingKind] = mapped_column(enum_column_type(FindingKind, "kind"))
    text: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[int] = mapped_column(default=0)
    # Raised on every change; an edit names the version it started from (as the minutes' parts do).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    meeting: Mapped["Meeting"] = relationship(back_populates="findings")
    agenda_item: Mapped[Optional["AgendaItem"]] = relationship()

    __table_args__ = (sa.CheckConstraint("text <> ''", name="text_not_empty"),)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
