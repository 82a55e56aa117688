"""Accounts: a login for a person."""

import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
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
    # Raised to end every session of the account at its next request: signing out, a new
    # password, the account disabled. Sessions carry it (``get_id``); links sent by mail do
    # not (``link_fingerprint``), so that signing out does not spend a reset link.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    person: Mapped[Person] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """What the signed session holds: the account and its ``session_key``, checked against
        the account row at every request (``load_account``)."""
        return f"{self.id}:{self.session_key}"

    @property
    def session_key(self) -> str:
        """Changes with the password and with ``session_generation``: either ends the sessions."""
        material = f"{self.session_generation or 0}:{self.password_hash or ''}"
        return hashlib.sha256(material.encode()).hexdigest()[:20]

    @property
    def link_fingerprint(self) -> str:
        """Carried by the links sent by mail: a new password spends them, and so does a new
        address (a link sent to a mailbox the account no longer has, mistyped or lost, signs
        no one in)."""
        material = f"{self.password_hash or ''}\n{self.person.email or ''}"
        return hashlib.sha256(material.encode()).hexdigest()[:16]

    def end_sessions(self) -> None:
        """Every session of this account ends at its next request."""
        self.session_generation = (self.session_generation or 0) + 1

    @validates("active")
    def _disabling_ends_sessions(self, key: str, active: bool) -> bool:
        """Disabled, the account's sessions end, and stay ended if it is enabled again."""
        if not active and self.active:
            self.end_sessions()
        return active

    @property
    def email(self) -> str | None:
        return self.person.email

    def set_password(self, password: str) -> None:
        """Hash with Werkzeug's current default method (scrypt); the other sessions end."""
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

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
