"""Organisations, people, working groups and their members."""

import enum
import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from groupes.dbtypes import UTCDateTime, enum_column_type
from groupes.extensions import db
from groupes.mail.addresses import normalised_email

if TYPE_CHECKING:
    from groupes.auth.models import User
    from groupes.meetings.models import Meeting
    from groupes.programmes.models import Programme


class Visibility(enum.StrEnum):
    MEMBERS = "members"
    PUBLIC = "public"

    @property
    def label(self) -> str:
        return {"members": "Réservé aux membres", "public": "Public"}[self.value]


class Role(enum.StrEnum):
    FACILITATOR = "facilitator"
    SECRETARY = "secretary"
    MEMBER = "member"
    OBSERVER = "observer"

    @property
    def label(self) -> str:
        return {
            "facilitator": "Animation",
            "secretary": "Secrétariat de séance",
            "member": "Membre",
            "observer": "Observateur",
        }[self.value]

    def heading(self, count: int) -> str:
        """The label above a list of ``count`` people holding the role: « Membres » for several."""
        if count < 2:
            return self.label
        return {"member": "Membres", "observer": "Observateurs"}.get(self.value, self.label)


class Organisation(db.Model):
    """A structure (CAF du Cher, URIOPSS Centre…): who does what, where."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    acronym: Mapped[str] = mapped_column(sa.String(50), default="")
    kind: Mapped[str] = mapped_column(sa.String(100), default="")
    territory: Mapped[str] = mapped_column(sa.String(200), default="")
    missions: Mapped[str] = mapped_column(sa.Text, default="")
    # How to reach the structure itself (a person's own address stays on the person).
    email: Mapped[str] = mapped_column(sa.String(254), default="", server_default="")
    phone: Mapped[str] = mapped_column(sa.String(30), default="", server_default="")
    website: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    address: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")

    people: Mapped[list["Person"]] = relationship(back_populates="organisation", order_by="Person.id")

    __table_args__ = (sa.CheckConstraint("name <> ''", name="name_not_empty"),)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


def sort_name(name: str) -> tuple[str, str]:
    """The key that sorts people by surname: the words written in capitals when there are
    some (« Jean DE LA FONTAINE », « Marie DUPONT-MARTIN »: how French lists mark a surname
    that is not the last word), the last word otherwise; then the whole name. Accents and
    case do not count (« Élodie » sorts with « Elodie »)."""

    def plain(text: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).casefold()

    words = name.split()
    capitals = [w for w in words if len(w.strip("-'’.")) > 1 and w.isupper()]
    surname = " ".join(capitals) if capitals and len(capitals) < len(words) else (words[-1] if words else "")
    return plain(surname), plain(name)


class Person(db.Model):
    """Someone who takes part: a member, a guest, an organiser; may have an account."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    function: Mapped[str] = mapped_column(sa.String(200), default="")
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    # Set when the person's data was erased: the row stays, under a neutral name, so that
    # the attendance and actions of the minutes others rely on stay whole.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship(back_populates="people")
    user: Mapped[Optional["User"]] = relationship(back_populates="person")
    memberships: Mapped[list["Membership"]] = relationship(back_populates="person", order_by="Membership.id")

    __table_args__ = (sa.CheckConstraint("name <> ''", name="name_not_empty"),)

    @validates("email")
    def _normalise_email(self, key, value):
        """One spelling (addresses are matched without regard to case), and never an address that
        fails the shared rule, whichever page, import or command sets it (InvalidAddress). An address
        stored before the rule, set again unchanged, is left for a person to correct."""
        if not value:
            return None
        return value if value == self.email else normalised_email(value)

    @property
    def sort_name(self) -> tuple[str, str]:
        """To list people by surname (``sort_name``)."""
        return sort_name(self.name)

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.name!r}>"


class WorkingGroup(db.Model):
    __tablename__ = "working_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(500))
    theme: Mapped[str] = mapped_column(sa.String(500), default="")
    territory: Mapped[str] = mapped_column(sa.String(200), default="")
    facilitation: Mapped[str] = mapped_column(sa.String(500), default="")
    visibility: Mapped[Visibility] = mapped_column(
        enum_column_type(Visibility, "visibility"), default=Visibility.MEMBERS
    )

    programme: Mapped["Programme"] = relationship(back_populates="groups")
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="group", order_by="Membership.id", cascade="all, delete-orphan", passive_deletes=True
    )
    meetings: Mapped[list["Meeting"]] = relationship(
        back_populates="group",
        order_by="(Meeting.starts_at, Meeting.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __table_args__ = (
        sa.UniqueConstraint("programme_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.CheckConstraint("title <> ''", name="title_not_empty"),
    )

    def __repr__(self) -> str:
        return f"<WorkingGroup {self.id} n°{self.number}>"


class Membership(db.Model):
    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("working_groups.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column_type(Role, "role"), default=Role.MEMBER)

    group: Mapped[WorkingGroup] = relationship(back_populates="memberships")
    person: Mapped[Person] = relationship(back_populates="memberships")

    __table_args__ = (sa.UniqueConstraint("group_id", "person_id"),)
