"""Extensions, created once unbound and initialised by the application factory."""

from collections.abc import Callable

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event, inspect
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
