"""Creating accounts and setting passwords, shared by the command line and the pages."""

from __future__ import annotations

import secrets
from functools import cache

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from groupes.auth.models import User
from groupes.auth.tokens import INVALID, SPENT, TokenError, read_token
from groupes.errors import DomainError
from groupes.extensions import db
from groupes.groups.models import Organisation, Person
from groupes.mail.addresses import InvalidAddress, is_valid_email, normalised_email

MIN_PASSWORD_LENGTH = 12


class AccountError(DomainError, ValueError):
    """A request about accounts that cannot be carried out; the message is for the user."""


def normalise_email(email: str) -> str:
    """The address in its stored form; syntax only, no DNS look-up."""
    try:
        return normalised_email(email)
    except InvalidAddress as error:
        raise AccountError(str(error)) from None


@cache
def dummy_password_hash() -> str:
    """A hash of nothing anyone types, made like real ones (once per process)."""
    return generate_password_hash(secrets.token_urlsafe(32))


def authenticate(email: str, password: str) -> User | None:
    """The active account of this address if the password is right, else None.

    One password hash is checked whatever the address (a dummy one for an unknown address,
    an account without password or a disabled one), so that the time of the answer does not
    tell which addresses have an account.
    """
    try:
        user = db.session.scalar(sa.select(User).join(Person).where(Person.email == normalise_email(email)))
    except AccountError:
        user = None
    stored = user.password_hash if user is not None and user.password_hash else dummy_password_hash()
    matches = check_password_hash(stored, password)
    if user is None or not user.password_hash or not user.is_active:
        return None
    return user if matches else None


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.")


def person_by_email(email: str) -> Person | None:
    return db.session.scalar(sa.select(Person).where(Person.email == normalise_email(email)))


def create_admin(email: str, password: str, name: str | None = None) -> User:
    """Create a person and their administrator account."""
    email = normalise_email(email)
    check_password_strength(password)
    person = person_by_email(email)
    if person is not None and person.user is not None:
        raise AccountError(
            f"Un compte existe déjà pour {email}. "
            f"Pour changer son mot de passe : flask --app groupes set-password {email}"
        )
    if person is None:
        person = Person(name=(name or email.split("@")[0]).strip(), email=email)
        db.session.add(person)
    user = User(person=person, is_admin=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def set_password(email: str, password: str) -> tuple[User, bool]:
    """Set the password of an account, creating it for a known person; True when created."""
    email = normalise_email(email)
    check_password_strength(password)
    person = person_by_email(email)
    if person is None:
        raise AccountError(
            f"Personne inconnue : {email}. Pour créer un administrateur : flask --app groupes create-admin {email}"
        )
    created = person.user is None
    user = person.user or User(person=person)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user, created


def create_account(
    *, person_id: int | None, name: str | None, email: str | None, password: str, is_admin: bool = False
) -> User:
    """An account for an existing person (who has an e-mail), or for a new person."""
    check_password_strength(password)
    if person_id:
        person = db.session.get(Person, person_id)
        if person is None or not person.email:
            raise AccountError("Cette personne n’a pas d’adresse e-mail : ajoutez-la d’abord à sa fiche.")
    else:
        email = normalise_email(email or "")
        person = person_by_email(email)
        if person is None:
            person = Person(name=(name or "").strip(), email=email)
            db.session.add(person)
    if person.user is not None:
        raise AccountError(f"{person.name} a déjà un compte.")
    user = User(person=person, is_admin=is_admin)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_account(user: User, *, active: bool, is_admin: bool, password: str | None, acting: User) -> None:
    """Activate or deactivate, grant or revoke administration, reset the password."""
    if user.id == acting.id and (not active or not is_admin):
        raise AccountError("Vous ne pouvez ni désactiver votre propre compte ni vous retirer l’administration.")
    user.active = active
    user.is_admin = is_admin
    if password:
        check_password_strength(password)
        user.set_password(password)
    db.session.flush()


def update_profile(user: User, *, name: str, organisation: str, function: str) -> None:
    """Name, organisation (found by name, or added) and function of one's own person."""
    person = user.person
    person.name, person.function = name, function
    if not organisation:
        person.organisation = None
    elif person.organisation is None or person.organisation.name != organisation:
        found = db.session.scalar(
            sa.select(Organisation).where(sa.func.lower(Organisation.name) == organisation.lower())
        )
        person.organisation = found or Organisation(name=organisation)
    db.session.flush()


def email_change_from(token: str, max_age: int) -> tuple[User, str]:
    """The account and the new address of a confirmation link; TokenError if it is not good
    (anymore): it carries the address it was asked from, so it serves once."""
    user, data = read_token("email", token, max_age)
    new = data.get("e")
    if not isinstance(new, str) or not is_valid_email(new):
        raise TokenError(INVALID)
    if data.get("o") != user.person.email:
        raise TokenError(SPENT, 410)
    return user, new


def change_login_email(user: User, new: str) -> None:
    """Apply a confirmed change of address; the access log records it (groupes/privacy/rights_log.py)."""
    taken = db.session.scalar(sa.select(Person.id).where(Person.email == new, Person.id != user.person_id))
    if taken:
        raise AccountError(
            f"L’adresse {new} est déjà celle d’une autre fiche de l’annuaire : "
            "un administrateur peut fusionner les deux."
        )
    user.person.email = new
    db.session.flush()
