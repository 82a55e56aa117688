"""The demonstration programme, modelled on the 2014 États Généraux annex."""

from __future__ import annotations

from importlib import resources

import sqlalchemy as sa

from groupes.auth.models import User
from groupes.extensions import db
from groupes.groups.models import Person
from groupes.interchange.reader import ImportSummary, import_bytes
from groupes.programmes.models import Programme

DEMO_PASSWORD = "demonstration-2014"
# E-mail → what the account lets one try. The people come from demo.json.
DEMO_ACCOUNTS = {
    "admin@demo.example": "administration (tout, y compris les comptes)",
    "organisatrice@demo.example": "organisatrice de la démarche",
    "animateur@demo.example": "animation du groupe 1",
    "secretaire@demo.example": "secrétariat du groupe 1, animation du groupe 3",
    "membre@demo.example": "membre des groupes 1 et 2",
    "observateur@demo.example": "observation du groupe 1",
}


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Programme)) == 0


def load_demo() -> ImportSummary:
    summary = import_bytes(resources.files("groupes.demo").joinpath("demo.json").read_bytes())
    admin = db.session.scalar(sa.select(Person).where(Person.email == "admin@demo.example"))
    if admin is None:
        admin = Person(name="Administratrice de démonstration", email="admin@demo.example", function="Administration")
        db.session.add(admin)
    people = db.session.scalars(sa.select(Person).where(Person.email.in_(DEMO_ACCOUNTS))).all()
    for person in people:
        if person.user is None:
            user = User(person=person, is_admin=person.email == "admin@demo.example")
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
    db.session.flush()
    return summary


def demo_logins() -> list[tuple[str, str]]:
    """The demonstration accounts present in the database, with what each is for."""
    present = set(db.session.scalars(sa.select(Person.email).join(User).where(Person.email.in_(DEMO_ACCOUNTS))).all())
    return [(email, role) for email, role in DEMO_ACCOUNTS.items() if email in present]
