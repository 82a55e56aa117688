"""How much the history of a meeting's minutes weighs after people write at once.

    .venv/bin/python benchmarks/autosave_history.py [--writers 4] [--seconds 45] [--parts 8]
        [--part-size 20000] [--span-minutes 10] [--database-url URL]

Makes a draft of PARTS agenda items whose notes already hold PART-SIZE
characters each, then WRITERS people type in their own part, each autosaving
every 1.5 s (the meeting room's delay) for SECONDS, in turn, through
``save_part`` as the page does (the clock is simulated: the run takes what the
saves take, not SECONDS). Prints the size of the database (SQLite: the file,
after a checkpoint of its write-ahead log; PostgreSQL: pg_database_size) before
and after, and the revisions kept. ``--span-minutes 0`` keeps a revision per
save, as before revisions were gathered. Never run as a test.
"""

import argparse
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from groupes import create_app
from groupes.auth.models import User
from groupes.extensions import db
from groupes.groups.models import Membership, Person, Role, WorkingGroup
from groupes.meetings.models import AgendaItem, Meeting, MeetingStatus
from groupes.minutes import writing
from groupes.minutes.models import Minutes, MinutesRevision, MinutesSection, MinutesStatus
from groupes.programmes.models import Programme

SAVE_EVERY = timedelta(seconds=1.5)
WORDS = "accompagnement des familles, partenariat avec la CAF et le Conseil départemental, "


def build(writers: int, parts: int, part_size: int) -> tuple[int, list[int], list[str]]:
    """The draft's minutes id, the writers' account ids and the keys of their parts."""
    group = WorkingGroup(programme=Programme(title="Démarche d'essai"), number=1, title="Groupe d'essai")
    meeting = Meeting(
        group=group,
        starts_at=datetime(2026, 3, 2, 13, tzinfo=UTC),
        ends_at=datetime(2026, 3, 2, 16, tzinfo=UTC),
        status=MeetingStatus.HELD,
    )
    meeting.agenda_items = [AgendaItem(title=f"Point {n}", duration_min=20, position=n) for n in range(parts)]
    text = (WORDS * (part_size // len(WORDS) + 1))[:part_size]
    meeting.minutes = Minutes(status=MinutesStatus.DRAFT)
    meeting.minutes.sections = [MinutesSection(agenda_item=item, body=text) for item in meeting.agenda_items]
    accounts = []
    for n in range(writers):
        person = Person(name=f"Rédactrice {n}", email=f"redactrice{n}@essai.example")
        accounts.append(User(person=person, password_hash="-"))
        db.session.add(Membership(group=group, person=person, role=Role.SECRETARY))
    db.session.add_all([meeting, *accounts])
    db.session.flush()
    meeting.minutes.add_revision(reason="Départ")
    db.session.commit()
    keys = [f"p{item.id}" for item in meeting.agenda_items]
    return meeting.minutes.id, [a.id for a in accounts], keys


def database_size() -> int:
    if db.engine.dialect.name == "postgresql":
        return db.session.scalar(sa.text("SELECT pg_database_size(current_database())"))
    db.session.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
    return Path(db.engine.url.database).stat().st_size


def write(minutes_id: int, accounts: list[int], keys: list[str], seconds: int) -> int:
    """Every writer saves their part every SAVE_EVERY, in turn; returns the number of saves."""
    clock = {"now": datetime.now(UTC)}
    writing.utcnow = lambda: clock["now"]
    versions = dict.fromkeys(keys, 1)
    saves, elapsed = 0, timedelta(0)
    while elapsed < timedelta(seconds=seconds):
        for n, account in enumerate(accounts):
            clock["now"] += SAVE_EVERY / len(accounts)
            minutes = db.session.get(Minutes, minutes_id)
            section = next(s for s in minutes.sections if f"p{s.agenda_item_id}" == keys[n])
            saved = writing.save_part(
                minutes,
                key=keys[n],
                base_version=versions[keys[n]],
                body=section.body + f" mot {saves}",
                user=db.session.get(User, account),
            )
            versions[keys[n]] = saved.version
            saves += 1
            db.session.remove()
        elapsed += SAVE_EVERY
    return saves


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=45)
    parser.add_argument("--parts", type=int, default=8)
    parser.add_argument("--part-size", type=int, default=20_000)
    parser.add_argument("--span-minutes", type=float, default=10)
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    args = parser.parse_args()
    writing.REVISION_SPAN = timedelta(minutes=args.span_minutes)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'historique.sqlite3'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": folder, "SECRET_KEY": "essai"})
        with app.app_context():
            upgrade()
            minutes_id, accounts, keys = build(args.writers, args.parts, min(args.part_size, writing.MAX_PART_LENGTH))
            before = database_size()
            saves = write(minutes_id, accounts, keys[: args.writers], args.seconds)
            after = database_size()
            revisions = db.session.scalar(sa.select(sa.func.count()).where(MinutesRevision.minutes_id == minutes_id))
            db.session.remove()
            db.engine.dispose()
    print(
        f"{args.writers} rédacteurs, {args.seconds} s, {args.parts} parties de {args.part_size} caractères, "
        f"regroupement sur {args.span_minutes:g} min"
    )
    print(f"{saves} enregistrements, {revisions} révisions gardées")
    print(f"base : {before / 1e6:.1f} Mo avant, {after / 1e6:.1f} Mo après ({(after - before) / 1e6:+.1f} Mo)")


if __name__ == "__main__":
    main()
