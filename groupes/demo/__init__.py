"""The demonstration programme, modelled on the 2014 États Généraux annex.

It is written as seen from the week of ``REFERENCE_DAY`` and loaded moved by whole weeks
(weekdays kept) so that the day it is loaded falls in that week: meetings held in the past
weeks with their minutes validated, one in review and one still a draft, the next ones in
the coming weeks, open actions mostly due ahead (one late). Dates written in its texts
(« le 2 juin ») move with it.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Any

import sqlalchemy as sa

from groupes.auth.models import User
from groupes.extensions import db
from groupes.groups.models import Person
from groupes.interchange.reader import ImportSummary, import_document
from groupes.programmes.models import Programme
from groupes.site.formatting import MONTHS
from groupes.site.timezone import PARIS

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


REFERENCE_DAY = date(2014, 5, 19)  # a Monday: demo.json reads right from that day to the Sunday after
MONTH_NAMES = MONTHS.split("|")
DATED_KEYS = {"starts_at", "ends_at", "date", "due"}
DAY_IN_TEXT = re.compile(rf"\b(1er|\d{{1,2}}) ({MONTHS})(?: (\d{{4}}))?")


def demo_document(today: date) -> dict[str, Any]:
    """demo.json moved by whole weeks so that ``today`` falls in the week of ``REFERENCE_DAY``."""
    shift = timedelta(weeks=(today - REFERENCE_DAY).days // 7)
    data = json.loads(resources.files("groupes.demo").joinpath("demo.json").read_text(encoding="utf-8"))
    return _moved(data, shift)


def _moved(value: Any, shift: timedelta, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _moved(v, shift, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_moved(v, shift, key) for v in value]
    if not isinstance(value, str) or not value:
        return value
    if key in DATED_KEYS:
        if "T" in value:
            return (datetime.fromisoformat(value) + shift).isoformat(timespec="minutes")
        return (date.fromisoformat(value) + shift).isoformat()
    return DAY_IN_TEXT.sub(lambda match: _moved_day(match, shift), value)


def _moved_day(match: re.Match, shift: timedelta) -> str:
    """« 2 juin » of the demonstration's year, moved; another year's date (a law's) stays."""
    day, month, year = match.groups()
    if year not in (None, str(REFERENCE_DAY.year)):
        return match.group(0)
    moved = date(REFERENCE_DAY.year, MONTH_NAMES.index(month) + 1, 1 if day == "1er" else int(day)) + shift
    words = f"{'1er' if moved.day == 1 else moved.day} {MONTH_NAMES[moved.month - 1]}"
    return f"{words} {moved.year}" if year else words


def load_demo(today: date | None = None) -> ImportSummary:
    """The demonstration, placed relative to ``today`` (the day in Paris by default)."""
    summary = import_document(demo_document(today or datetime.now(PARIS).date()))
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
