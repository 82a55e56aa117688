"""Absolute links, for e-mails and calendars, which are also built outside requests."""

from urllib.parse import urlsplit

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    """``BASE_URL`` + the path of ``endpoint``: the address people reach the site by."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path


def safe_next(target: str | None, fallback: str | None = None) -> str:
    """Go back only to a page of this site (a ``next`` taken from a form or a link)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return fallback or url_for("site.dashboard")
