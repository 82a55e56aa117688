"""Column types and helpers shared by every domain's models."""

import enum
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A moment in time, stored as naive UTC and read back as aware UTC.

    SQLite has no time zones and PostgreSQL's would depend on the session,
    so both store UTC without offset; the application only handles aware
    datetimes and converts to Europe/Paris for display.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def enum_column_type(enum_class: type[enum.Enum], name: str) -> sa.Enum:
    """A portable enumeration: a VARCHAR holding the values, with a CHECK constraint."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_class),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
