"""A document attached to a meeting, or to one of its agenda items."""

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from groupes.dbtypes import UTCDateTime, utcnow
from groupes.extensions import db
from groupes.meetings.models import AgendaItem, Meeting

if TYPE_CHECKING:
    from groupes.auth.models import User


class Attachment(db.Model):
    """The file itself lives on disk under ``stored_name`` (see storage.py), never
    under a name the client chose; ``filename`` is only shown and offered on download."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="SET NULL"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    kind: Mapped[str] = mapped_column(sa.String(10))  # a key of checks.KINDS: "pdf", "docx"…
    mimetype: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="attachments")
    agenda_item: Mapped[AgendaItem | None] = relationship()
    uploaded_by: Mapped["User | None"] = relationship()

    __table_args__ = (
        sa.CheckConstraint("size > 0", name="size_positive"),
        sa.CheckConstraint("filename <> ''", name="filename_not_empty"),
    )

    @property
    def is_confidential(self) -> bool:
        """A document attached to a huis clos point stays with the group, as the point does."""
        return self.agenda_item is not None and self.agenda_item.is_confidential
