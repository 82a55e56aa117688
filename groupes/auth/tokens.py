"""Links sent by e-mail that stand for their recipient: signed, expiring, good once.

A token is signed with the secret key and carries a fingerprint of the
account's password and address: once the password has been set or changed,
or the address changed, every link made before it is spent.
"""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from groupes.auth.models import User
from groupes.errors import DomainError
from groupes.extensions import db


class TokenError(DomainError, ValueError):
    """Why a link cannot be used, in words for the person who followed it; ``status``
    is 410 (Gone) for a link that was good once, 404 for one that never was."""

    def __init__(self, message: str, status: int = 404):
        super().__init__(message)
        self.status = status


EXPIRED = "Ce lien a expiré."
INVALID = "Ce lien n’est pas valide : il a peut-être été mal copié."
SPENT = "Ce lien a déjà servi."


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"groupes-{purpose}")


def make_token(purpose: str, user: User, **extra) -> str:
    return _serializer(purpose).dumps({"u": user.id, "p": user.link_fingerprint, **extra})


def read_token(purpose: str, token: str, max_age: int) -> tuple[User, dict]:
    """The account a link stands for, and what else it carries; TokenError otherwise."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenError(EXPIRED, 410) from None
    except BadSignature:
        raise TokenError(INVALID) from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) and isinstance(data.get("u"), int) else None
    if user is None or not user.is_active:
        raise TokenError(INVALID)
    if data.get("p") != user.link_fingerprint:
        raise TokenError(SPENT, 410)
    return user, data
