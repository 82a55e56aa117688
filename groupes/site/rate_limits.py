"""The counters of Flask-Limiter kept in the application's database (``database://``).

Flask-Limiter's ``memory://`` counts in each worker: with four workers an attacker gets
four times the attempts, and a count kept by one worker is unknown to the next.
The database is what every worker and machine of the site already shares. The
counters are read and written on the request's connection (a second connection
could wait on the request's own lock on SQLite) and committed at once; only the
limited requests touch them (the sign-in attempts that fail, the links, the
forms that send mail).
"""

import time

import sqlalchemy as sa
from limits.storage import Storage
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from groupes.extensions import db


class RateLimitCounter(db.Model):
    """Attempts counted under one key (a limit and what it counts: an address, a client) until ``expires_at``."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    hits: Mapped[int]
    expires_at: Mapped[float] = mapped_column(sa.Float, index=True)  # seconds since the epoch


TABLE = RateLimitCounter.__table__


class DatabaseStorage(Storage):
    """A ``limits`` storage for the fixed-window strategy (Flask-Limiter's default)."""

    STORAGE_SCHEME = ["database"]
    base_exceptions = sa.exc.SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
        renewed = TABLE.c.expires_at <= now
        upsert = (
            dialect.insert(TABLE)
            .values(key=key, hits=amount, expires_at=now + expiry)
            .on_conflict_do_update(
                index_elements=[TABLE.c.key],
                set_={
                    "hits": sa.case((renewed, amount), else_=TABLE.c.hits + amount),
                    "expires_at": sa.case((renewed, now + expiry), else_=TABLE.c.expires_at),
                },
            )
            .returning(TABLE.c.hits)
        )
        db.session.execute(sa.delete(TABLE).where(TABLE.c.expires_at < now - 3600))
        hits = db.session.execute(upsert).scalar_one()
        db.session.commit()
        return hits

    def _row(self, key: str):
        return db.session.execute(
            sa.select(TABLE.c.hits, TABLE.c.expires_at).where(TABLE.c.key == key, TABLE.c.expires_at > time.time())
        ).first()

    def get(self, key: str) -> int:
        row = self._row(key)
        return row.hits if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row.expires_at if row else time.time()

    def check(self) -> bool:
        db.session.execute(sa.select(sa.func.count()).select_from(TABLE))
        return True

    def reset(self) -> int | None:
        removed = db.session.execute(sa.delete(TABLE)).rowcount
        db.session.commit()
        return removed

    def clear(self, key: str) -> None:
        db.session.execute(sa.delete(TABLE).where(TABLE.c.key == key))
        db.session.commit()
