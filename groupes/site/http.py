"""What a request asks for, shared by the views, the permission check and the error pages."""

from flask import request


def wants_json() -> bool:
    """Scripts (autosave, attendance) ask for JSON: they get answers they can act on."""
    return request.accept_mimetypes.best == "application/json"


def wants_fragment() -> bool:
    """The room's scripts ask for a piece of page (``X-Fragment: 1``) to put in place, not a redirect."""
    return request.headers.get("X-Fragment") == "1"


def is_htmx() -> bool:
    """A request sent by htmx from a page of the site: it wants the fragment it will swap, not a page
    (but when it restores a page of the history it has no copy of, it asks for the whole page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"
