"""Every change of who may see what goes into the access log, wherever it is made.

A session event looks at what is about to be written: memberships and their
roles, a group's visibility, the organisers of a programme, the
administrators and active accounts, and the address an account signs in with
(whoever holds it can reset the password). Views, invitations, merges and commands
thus need no code of their own. Memberships made with their group (a new
group, an import) are not changes of rights and are left out.
"""

import sqlalchemy as sa
from sqlalchemy import inspect
from sqlalchemy.orm import Session, object_session

from groupes.auth.models import User
from groupes.groups.models import Membership, Person, Role, Visibility, WorkingGroup
from groupes.privacy.access_log import record
from groupes.privacy.models import AccessKind
from groupes.programmes.models import Programme, ProgrammeOrganiser


def _old(obj, attribute: str):
    """The value before this flush if the attribute changed (read from the database when the
    object was expired before being changed, and so does not know it)."""
    history = inspect(obj).attrs[attribute].history
    if history.deleted:
        return history.deleted[0]
    if not history.added:
        return None
    model = type(obj)
    return object_session(obj).scalar(sa.select(getattr(model, attribute)).where(model.id == obj.id))


def _person(session: Session, obj) -> Person | None:
    return obj.person if obj.person is not None else session.get(Person, obj.person_id)


def _group(session: Session, membership: Membership) -> WorkingGroup | None:
    return membership.group if membership.group is not None else session.get(WorkingGroup, membership.group_id)


def person_label(name: str, person_id: int | None) -> str:
    """How the log names a person: with their number, so that an erasure finds every mention."""
    return f"{name} (personne n° {person_id})"


def _who(person: Person) -> str:
    return person_label(person.name, person.id)


def _group_target(group: WorkingGroup) -> str:
    return f"Groupe {group.number} – {group.title}"


def _role_label(role) -> str:
    return Role(role).label.lower()


def _membership(session: Session, membership: Membership, state: str, new=()) -> None:
    group, person = _group(session, membership), _person(session, membership)
    if group is None or person is None or group in new:
        return
    if state == "new":
        detail = f"membre ajouté·e : {_who(person)}, {_role_label(membership.role)}"
    elif state == "deleted":
        detail = f"membre retiré·e : {_who(person)}, {_role_label(membership.role)}"
    else:
        old = _old(membership, "role")
        if old is None or old == membership.role:
            return
        detail = f"rôle de {_who(person)} : {_role_label(old)} → {_role_label(membership.role)}"
    record(AccessKind.RIGHTS, _group_target(group), programme_id=group.programme_id, detail=detail)


def _visibility(group: WorkingGroup) -> None:
    old = _old(group, "visibility")
    if old is not None and old != group.visibility:
        detail = f"visibilité : {Visibility(old).label.lower()} → {group.visibility.label.lower()}"
        record(AccessKind.RIGHTS, _group_target(group), programme_id=group.programme_id, detail=detail)


def _organiser(session: Session, organiser: ProgrammeOrganiser, state: str, new=()) -> None:
    programme = organiser.programme or session.get(Programme, organiser.programme_id)
    person = _person(session, organiser)
    if programme is None or person is None or programme in new:
        return
    detail = f"{'organisateur·rice ajouté·e' if state == 'new' else 'organisateur·rice retiré·e'} : {_who(person)}"
    record(AccessKind.RIGHTS, f"Démarche « {programme.title} »", programme_id=programme.id, detail=detail)


def _account(session: Session, user: User) -> None:
    changes = []
    for attribute, yes, no in (
        ("is_admin", "administration accordée", "administration retirée"),
        ("active", "compte réactivé", "compte désactivé"),
    ):
        old = _old(user, attribute)
        if old is not None and old != getattr(user, attribute):
            changes.append(yes if getattr(user, attribute) else no)
    if changes:
        name = _who(_person(session, user))
        record(AccessKind.RIGHTS, f"Compte de {name}", programme_id=None, detail=", ".join(changes))


def _login_address(session: Session, person: Person) -> None:
    if not inspect(person).attrs.email.history.has_changes():
        return
    old = _old(person, "email")
    user = session.scalar(sa.select(User).where(User.person_id == person.id)) if person.id else None
    if user is None or old is None or old == person.email:
        return
    detail = f"adresse de connexion changée : {old} → {person.email or 'aucune'}"
    record(AccessKind.RIGHTS, f"Compte de {_who(person)}", programme_id=None, detail=detail)


def log_changed_rights(session: Session, flush_context, instances) -> None:
    """Before the flush: changed roles, visibility and accounts (their histories are still there),
    and removals."""
    with session.no_autoflush:
        for obj in list(session.deleted):
            if isinstance(obj, Membership):
                _membership(session, obj, "deleted")
            elif isinstance(obj, ProgrammeOrganiser):
                _organiser(session, obj, "deleted")
        for obj in list(session.dirty):
            if isinstance(obj, Membership):
                _membership(session, obj, "changed")
            elif isinstance(obj, WorkingGroup):
                _visibility(obj)
            elif isinstance(obj, User):
                _account(session, obj)
            elif isinstance(obj, Person):
                _login_address(session, obj)


def log_granted_rights(session: Session, flush_context) -> None:
    """After the flush, once new people have their number: additions. The entries are added to
    the session; the commit writes them with the change."""
    with session.no_autoflush:
        new = session.new  # built anew at each access: once here, not once per row
        for obj in list(new):
            if isinstance(obj, Membership):
                _membership(session, obj, "new", new)
            elif isinstance(obj, ProgrammeOrganiser):
                _organiser(session, obj, "new", new)
            elif isinstance(obj, User) and obj.is_admin:
                record(
                    AccessKind.RIGHTS,
                    f"Compte de {_who(_person(session, obj))}",
                    programme_id=None,
                    detail="compte créé avec l’administration",
                )


LISTENERS = (("before_flush", log_changed_rights), ("after_flush", log_granted_rights))
