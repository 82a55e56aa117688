"""Absolute links, for e-mails and calendars, which are also built outside requests."""

from urllib.parse import urlsplit

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    """``BASE_URL`` + the path of ``endpoint``: the address people reach the site by."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path


def is_same_site_path(target: str) -> bool:
    """A path of this site: it starts with one slash, names no scheme or host, and holds no
    control character (a CR/LF would split the Location header) nor backslash (which
    browsers read as a slash, so that ``/\\evil.example`` leads elsewhere)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029" for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, fallback: str | None = None) -> str:
    """Go back only to a page of this site (a ``next`` taken from a form or a link); anything
    else leads to ``fallback`` or the dashboard."""
    if isinstance(target, str) and is_same_site_path(target):
        return target
    return fallback or url_for("site.dashboard")
