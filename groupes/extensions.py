"""Extensions, created once unbound and initialised by the application factory."""

import weakref
from collections.abc import Callable

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, MetaData, event, inspect
from sqlalchemy.orm import DeclarativeBase, Session

# Stable constraint names, so that migrations can name what they alter.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def listen_on_sessions(*listeners: tuple[str, Callable]) -> None:
    """Listen to every session's events, once however many applications are made."""
    for name, listener in listeners:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def changed_attributes(obj) -> set[str]:
    """The attributes of a changed object that its flush writes (in ``after_flush``, where the
    history of the flush is still there)."""
    return {attr.key for attr in inspect(obj).attrs if attr.history.has_changes()}


def configure_sqlite(engine: Engine) -> None:
    """Make an SQLite engine safe for several workers (once per engine)."""
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "before_cursor_execute", _track_cursor)
    event.listen(engine, "reset", _close_cursors)
    event.listen(engine, "savepoint", _begin_before_savepoint)


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Every SQLite connection checks foreign keys (only done when asked), waits up to
    5 s for another's write instead of failing at once, and uses the write-ahead log:
    readers (a page, a backup) then never block writers, nor writers readers."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _track_cursor(conn, cursor, statement, parameters, context, executemany) -> None:
    conn.connection.info.setdefault("cursors", weakref.WeakSet()).add(cursor)


def _close_cursors(dbapi_connection, connection_record, reset_state) -> None:
    """Close what the connection's user left open before it goes back to the pool.

    A read begun and not finished (a page that failed while reading) keeps its statement,
    and with it SQLite's read snapshot — its lock, without the write-ahead log — however the
    connection is rolled back: sqlite3 releases it only with the cursor, which the failed
    request's traceback may keep alive for minutes."""
    for cursor in list(connection_record.info.pop("cursors", ())):
        cursor.close()


def _begin_before_savepoint(conn, name) -> None:
    """sqlite3 begins a transaction only before a write: a SAVEPOINT coming first would start
    one of SQLite's own, which its RELEASE commits — what the savepoint holds would escape the
    rollback of the change it belongs to. Begin the transaction first (unless the connection
    runs each statement on its own, when there is no transaction to belong to)."""
    raw = conn.connection.driver_connection
    if raw.isolation_level is not None and not raw.in_transaction:
        raw.execute("BEGIN")


migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Storage from RATELIMIT_STORAGE_URI: the site's database by default (database://,
# groupes/site/rate_limits.py), so that the limits hold across workers and machines.
limiter = Limiter(key_func=get_remote_address)
# For the pages whose cost has no small bound (documents, exports, search, comparisons):
# anonymous visitors share one limit per address over all of them (ANONYMOUS_COSTLY_LIMIT);
# people signed in are not counted.
costly_for_anonymous = limiter.shared_limit(
    lambda: current_app.config["ANONYMOUS_COSTLY_LIMIT"],
    scope="costly",
    exempt_when=lambda: current_user.is_authenticated,
)
