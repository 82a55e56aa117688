"""The access log: who read, downloaded or exported what, and who changed whose rights."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from groupes.dbtypes import UTCDateTime, enum_column_type, utcnow
from groupes.extensions import db


class AccessKind(enum.StrEnum):
    READ = "read"
    DOWNLOAD = "download"
    EXPORT = "export"
    RIGHTS = "rights"

    @property
    def label(self) -> str:
        return {
            "read": "Lecture",
            "download": "Téléchargement",
            "export": "Export",
            "rights": "Changement de droits",
        }[self.value]


class AccessLogEntry(db.Model):
    """One access or change, as it was named when it happened.

    The actor's name is copied so that the log stays readable once accounts
    are gone; erasing a person replaces it with a neutral mention.
    """

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    kind: Mapped[AccessKind] = mapped_column(enum_column_type(AccessKind, "kind"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor: Mapped[str] = mapped_column(sa.String(200))
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meetings.id", ondelete="SET NULL"))
    target: Mapped[str] = mapped_column(sa.String(500))
    detail: Mapped[str] = mapped_column(sa.String(500), default="")


class AnonymousReading(db.Model):
    """How often visitors who are not signed in read, downloaded or exported one thing, per
    day (Paris): counted, not logged one by one, since nobody is named and a row per request
    would let anyone grow the database at will."""

    __tablename__ = "anonymous_readings"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, index=True)
    kind: Mapped[AccessKind] = mapped_column(enum_column_type(AccessKind, "kind"))
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meetings.id", ondelete="SET NULL"))
    target: Mapped[str] = mapped_column(sa.String(500))
    count: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.UniqueConstraint("day", "programme_id", "kind", "target"),)
