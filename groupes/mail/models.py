"""The mail queue: every message waits here until a server accepts it."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from groupes.dbtypes import UTCDateTime, utcnow
from groupes.extensions import db


class OutgoingMail(db.Model):
    """One message to one recipient.

    ``key`` names what the message is about (« rappel-action:12:2026-12-01 »):
    a unique key makes reminders go out once each, whoever runs the command.
    """

    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(50))
    key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(500))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str] = mapped_column(sa.Text, default="")
    # [{"filename", "subtype", "content", "params"}]: text attachments (iCalendar).
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Not before this moment: the next try after a failure.
    send_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Set by the sender that took the message, so that two senders never both send it.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    __table_args__ = (sa.CheckConstraint("recipient <> ''", name="recipient_not_empty"),)

    @property
    def failed(self) -> bool:
        return self.sent_at is None and self.attempts > 0
