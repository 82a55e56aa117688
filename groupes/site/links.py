"""Absolute links, for e-mails and calendars, which are also built outside requests."""

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """``BASE_URL`` + the path of ``endpoint``: the address people reach the site by."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path
