"""Accounts: a login for a person."""

import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from groupes.dbtypes import UTCDateTime, utcnow
from groupes.extensions import db
from groupes.groups.models import Person, WorkingGroup


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id", ondelete="CASCADE"), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What this person wants to receive by e-mail (account mail always goes out).
    notify_convocations: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    notify_reviews: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    notify_validated: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    notify_actions: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    notify_reminders: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # The secret of the personal calendar feed; a new one revokes the old address.
    calendar_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    person: Mapped[Person] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """The session names the account and its password: changing it signs out other sessions."""
        return f"{self.id}:{self.session_token}"

    @property
    def session_token(self) -> str:
        return hashlib.sha256((self.password_hash or "").encode()).hexdigest()[:16]

    @property
    def email(self) -> str | None:
        return self.person.email

    def set_password(self, password: str) -> None:
        """Hash with Werkzeug's current default method (scrypt)."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def wants(self, kind: str) -> bool:
        """Does this person want the notifications of this kind (``convocations``, ``reviews``…)?"""
        return self.active and getattr(self, f"notify_{kind}")


class Invitation(db.Model):
    """Someone invited to a group by e-mail; the link in the message is good once."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("working_groups.id", ondelete="CASCADE"))
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    group: Mapped[WorkingGroup | None] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
