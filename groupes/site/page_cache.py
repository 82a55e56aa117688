"""The page cache: the costly part of a page, rendered once for everyone who sees it alike.

A view names the fragment by what it shows (the content stamps of
``groupes.site.stamps``) and by the audience (what the viewer's rights make of
it); the layout around it (the viewer's name, messages) is rendered for each
request. The store is Flask-Caching's: files under ``instance/page-cache`` by
default (``FileSystemCache``, shared by the workers of a machine), or one store
(``RedisCache``) shared by several machines. Nothing depends on it for being right: a key holds the
stamps, so a changed page is a new key, and a missing entry is rendered again.

Forms in a fragment carry a placeholder instead of the CSRF token, which is
the session's own; each request puts its token in. The placeholder is an HTML
comment: no text of a user's can produce one (their text is escaped, in
Markdown too, which renders no raw HTML).
"""

from collections.abc import Callable
from functools import wraps

from flask import current_app, g
from flask_caching import Cache
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from groupes.extensions import db

cache = Cache()
CSRF_PLACEHOLDER = Markup("<!--jeton-csrf-->")


def without_transaction(view):
    """Run a page that only reads (and logs the reading in one statement) outside any
    transaction, as each of its statements would see on PostgreSQL anyway (READ COMMITTED
    takes a snapshot per statement): no BEGIN and no ROLLBACK, two of the few round trips
    a kept page costs. Not for a view that writes more than one statement."""

    @wraps(view)
    def run(*args, **kwargs):
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        return view(*args, **kwargs)

    return run


def _render_shareable(render: Callable[[], dict[str, str]]) -> dict[str, str]:
    """Render with the CSRF placeholder in place of this session's token."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    own = g.pop(field, None)
    setattr(g, field, CSRF_PLACEHOLDER)
    try:
        return {name: str(value) for name, value in render().items()}
    finally:
        g.pop(field, None)
        if own is not None:
            setattr(g, field, own)


def cached_fragment(key: str | None, render: Callable[[], dict[str, str]]) -> dict[str, Markup]:
    """The parts ``render`` makes (name → HTML), from the cache under ``key`` if there,
    rendered and kept otherwise; ``key`` None renders without keeping."""
    parts = cache.get(key) if key else None
    if parts is None:
        parts = _render_shareable(render)
        if key:
            cache.set(key, parts)
    token = None
    personal = {}
    for name, value in parts.items():
        if CSRF_PLACEHOLDER in value:
            token = token or generate_csrf()
            value = value.replace(CSRF_PLACEHOLDER, token)
        personal[name] = Markup(value)
    return personal
