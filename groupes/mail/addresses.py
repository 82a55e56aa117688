"""E-mail addresses: the one rule for every address entered or imported, and the headers built from them.

Syntax only (email-validator, no DNS look-up: machines may have no network, and
.example addresses are fine). One address, without display name or angle
brackets: « Nom <a@x>, b@y » would otherwise become two recipients, and a line
break a header of its own.
"""

from email.errors import HeaderParseError
from email.headerregistry import Address
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from groupes.errors import DomainError

MAX_LENGTH = 254


class InvalidAddress(DomainError, ValueError):
    """An address that is not kept nor written to; the message, in French, says why."""


def explain(value: str) -> str:
    shown = " ".join(str(value).split())
    return (
        f"Adresse e-mail invalide : « {shown} ». Indiquez une seule adresse, sans nom ni chevrons, "
        "de la forme prenom.nom@exemple.fr."
    )


@lru_cache(maxsize=4096)
def _checked(value: str) -> str | None:
    if len(value) > MAX_LENGTH:
        return None
    try:
        result = validate_email(value, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return None
    return result.normalized.lower()


def normalised_email(value: str) -> str:
    """The address in its stored form (lower case: addresses are matched without regard to
    case), or InvalidAddress. Spaces around it are forgiven, nothing inside it."""
    checked = _checked(value.strip()) if isinstance(value, str) else None
    if checked is None:
        raise InvalidAddress(explain(value))
    return checked


def is_valid_email(value: str) -> bool:
    try:
        normalised_email(value)
    except InvalidAddress:
        return False
    return True


def mailbox(value: str) -> Address:
    """The header value for one recipient, built by the standard library from a checked address."""
    address = normalised_email(value)
    local, _, domain = address.rpartition("@")
    try:
        return Address(username=local, domain=domain)
    except (HeaderParseError, ValueError) as error:  # the validator let through what the header parser refuses
        raise InvalidAddress(explain(value)) from error
