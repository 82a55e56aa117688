"""Security defaults of every response."""

from flask import Flask, Response, current_app
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config["PRODUCTION"]:
        # Production is served over https only: browsers must not try plain http again.
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # (is_anonymous, unlike is_authenticated, reads nothing from the account, which a
    # commit made while answering, such as the access log's, may have expired.)
    if current_user and not current_user.is_anonymous:
        # What a signed-in person reads must not stay in shared caches or the back button.
        headers["Cache-Control"] = "private, no-store"
    return response


def register_security(app: Flask) -> None:
    app.after_request(set_security_headers)
