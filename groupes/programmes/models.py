"""Programmes (démarches), their milestones, organisers and synthesis."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from groupes.dbtypes import UTCDateTime, enum_column_type, utcnow
from groupes.extensions import db
from groupes.groups.models import Organisation, Person, WorkingGroup
from groupes.outcomes.models import Finding, FindingKind

programme_organisations = sa.Table(
    "programme_organisations",
    db.metadata,
    sa.Column("programme_id", sa.ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
)


class Programme(db.Model):
    """A consultation or standing body: the États Généraux, a CLICOSS, a network."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    # The lines printed above every document (ministry, direction), one per line.
    header: Mapped[str] = mapped_column(sa.Text, default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # The programme's documents: a label on the annex's cover (« Annexe 2 »), the date they are
    # established (the cover's and the PDFs' creation date; the rendering day when empty), and a
    # logo on covers and headers: a PNG or JPEG checked by its content, with its media type.
    document_label: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    document_date: Mapped[date | None]
    logo: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    logo_type: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Retention: once closed, the programme is kept this many months (the configured
    # default when empty), then `purge --programmes` may remove it.
    closed_on: Mapped[date | None]
    retention_months: Mapped[int | None]

    groups: Mapped[list[WorkingGroup]] = relationship(
        back_populates="programme", order_by="WorkingGroup.number", cascade="all, delete-orphan", passive_deletes=True
    )
    milestones: Mapped[list["Milestone"]] = relationship(
        back_populates="programme", order_by="Milestone.id", cascade="all, delete-orphan", passive_deletes=True
    )
    organisers: Mapped[list["ProgrammeOrganiser"]] = relationship(
        back_populates="programme", order_by="ProgrammeOrganiser.id", cascade="all, delete-orphan", passive_deletes=True
    )
    organisations: Mapped[list[Organisation]] = relationship(
        secondary=programme_organisations, order_by="Organisation.id"
    )
    synthesis_entries: Mapped[list["SynthesisEntry"]] = relationship(
        back_populates="programme",
        order_by="SynthesisEntry.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __table_args__ = (
        sa.CheckConstraint("title <> ''", name="title_not_empty"),
        sa.CheckConstraint("retention_months IS NULL OR retention_months >= 1", name="retention_positive"),
    )

    @property
    def header_lines(self) -> list[str]:
        return self.header.splitlines() if self.header else []

    @header_lines.setter
    def header_lines(self, lines: list[str]) -> None:
        self.header = "\n".join(lines)


class Milestone(db.Model):
    """A date of the programme's calendar (comité de pilotage, assises…)."""

    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    date: Mapped[date]
    # Known only by its month (« États généraux : novembre 2014 »): printed as the month, its
    # date (the first of the month) only orders the calendar.
    by_month: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    place: Mapped[str] = mapped_column(sa.String(500), default="")

    programme: Mapped[Programme] = relationship(back_populates="milestones")


class ProgrammeOrganiser(db.Model):
    __tablename__ = "programme_organisers"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id", ondelete="CASCADE"), index=True)

    programme: Mapped[Programme] = relationship(back_populates="organisers")
    person: Mapped[Person] = relationship()

    __table_args__ = (sa.UniqueConstraint("programme_id", "person_id"),)


synthesis_entry_sources = sa.Table(
    "synthesis_entry_sources",
    db.metadata,
    sa.Column("entry_id", sa.ForeignKey("synthesis_entries.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("finding_id", sa.ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True),
)


class SynthesisEntry(db.Model):
    """An item of the programme's synthesis, worded by the organisers.

    It stands for one or more findings of the groups (its sources): merging
    duplicates keeps every source, and the groups' own findings stay as they
    were recorded in their minutes.
    """

    __tablename__ = "synthesis_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    kind: Mapped[FindingKind] = mapped_column(enum_column_type(FindingKind, "kind"))
    # A heading under the kind in the published synthesis (the groups' themes, by default).
    theme: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    text: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[int] = mapped_column(default=0)
    published: Mapped[bool] = mapped_column(default=False)
    # Raised on every change of wording, kind, theme or publication: a save names the
    # version it started from, so that two organisers never overwrite each other.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    programme: Mapped[Programme] = relationship(back_populates="synthesis_entries")
    sources: Mapped[list[Finding]] = relationship(secondary=synthesis_entry_sources, order_by="Finding.id")

    __table_args__ = (sa.CheckConstraint("text <> ''", name="text_not_empty"),)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
