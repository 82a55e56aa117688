"""Inviting people by e-mail, and choosing a password from a link (invitation or reset)."""

import sqlalchemy as sa

from groupes.auth.accounts import AccountError, check_password_strength, normalise_email
from groupes.auth.models import Invitation, User
from groupes.auth.tokens import INVALID, SPENT, TokenError, make_token, read_token
from groupes.dbtypes import utcnow
from groupes.extensions import db
from groupes.groups.models import Membership, Person, Role, WorkingGroup
from groupes.mail import notifications
from groupes.site.links import external_url


def invite(group: WorkingGroup, *, email: str, name: str, role: Role, invited_by: User) -> None:
    """Make the person a member of the group and tell them.

    Someone who already has a password is simply added and told so; someone
    without gets a link to choose one (a new link, if invited again). Whatever
    the address, the inviter gets the same answer and learns nothing of who is
    behind it: the name typed is needed every time (a known person keeps theirs),
    and a disabled account is added to the group without a message.
    """
    email = normalise_email(email)
    if not name.strip():
        raise AccountError("Indiquez le nom de la personne.")
    person = db.session.scalar(sa.select(Person).where(Person.email == email))
    if person is None:
        person = Person(name=name.strip(), email=email)
        db.session.add(person)
    if not any(m.group_id == group.id for m in person.memberships):
        db.session.add(Membership(group=group, person=person, role=role))
    user = person.user
    if user is None:
        user = User(person=person)
        db.session.add(user)
    db.session.flush()
    if user.is_active and user.password_hash:
        notifications.added_to_group(user, group, invited_by)
    elif user.is_active:
        invitation = Invitation(user=user, group=group, invited_by=invited_by)
        db.session.add(invitation)
        db.session.flush()
        link = external_url("auth.accept_invitation", token=make_token("invitation", user, i=invitation.id))
        notifications.invitation(user, group, link, invited_by)
    db.session.flush()


def invitation_from(token: str, max_age: int) -> tuple[User, Invitation]:
    user, data = read_token("invitation", token, max_age)
    invitation = db.session.get(Invitation, data.get("i")) if isinstance(data.get("i"), int) else None
    if invitation is None or invitation.user_id != user.id:
        raise TokenError(INVALID)
    if invitation.accepted_at is not None:
        raise TokenError(SPENT, 410)
    return user, invitation


def accept_invitation(token: str, password: str, max_age: int) -> User:
    user, invitation = invitation_from(token, max_age)
    check_password_strength(password)
    user.set_password(password)
    invitation.accepted_at = utcnow()
    db.session.flush()
    return user


def request_reset(email: str) -> None:
    """Send a reset link if the address has an active account; say nothing either way."""
    try:
        email = normalise_email(email)
    except AccountError:
        return
    user = db.session.scalar(sa.select(User).join(Person).where(Person.email == email))
    if user is None or not user.is_active:
        return
    notifications.password_reset(user, external_url("auth.reset_password", token=make_token("reset", user)))
    db.session.flush()


def reset_password(token: str, password: str, max_age: int) -> User:
    user, _ = read_token("reset", token, max_age)
    check_password_strength(password)
    user.set_password(password)
    db.session.flush()
    return user
