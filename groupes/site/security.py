"""Security defaults of every response."""

from flask import Flask, Response, current_app, session

SESSION_ACCOUNT = "_user_id"  # where Flask-Login keeps the signed-in account

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
    # The session's account, not current_user: loading it would cost a query for each
    # stylesheet, script and image of a signed-in person.
    if SESSION_ACCOUNT in session:
        # What a signed-in person reads must not stay in shared caches or the back button.
        headers["Cache-Control"] = "private, no-store"
    return response


def register_security(app: Flask) -> None:
    app.after_request(set_security_headers)
