"""Populate a database for the load run (benchmarks/load.sh) and write its plan.

    DATABASE_URL=… .venv/bin/python benchmarks/load_data.py --plan PLAN.json [--readers 20] [--writers 10]

Imports 100 groups of 10 meetings (1,000 meetings, the generator of
import_large.py: agenda, attendance, minutes, findings, decisions, actions),
through the interchange import, into the database named by DATABASE_URL
(whose schema ``flask init-db`` made; its rows are emptied first). The last
meeting of each group keeps draft minutes, for the writers. Then it creates
the accounts:

- readers: a member of group r (r < --readers), who reads the validated
  minutes of every group they belong to;
- writers: the facilitator of group w (w < --writers), who writes two parts
  of the draft minutes of their group's last meeting: the notes of its first
  agenda item (already written) and of its third (not yet written).

Their passwords are hashed with few iterations (pbkdf2, 1,000): signing in is
real (POST /connexion) but is not what is measured. PLAN.json tells the load
run who signs in with what, and which pages and parts they use.
"""

import argparse
import json
import time

import sqlalchemy as sa
from import_large import build_document
from werkzeug.security import generate_password_hash

from groupes import create_app
from groupes.auth.models import User
from groupes.extensions import db
from groupes.groups.models import Membership, Person, Role, WorkingGroup
from groupes.interchange.reader import import_bytes
from groupes.meetings.models import AgendaItem, Meeting
from groupes.minutes.models import Minutes, MinutesStatus

GROUPS, PER_GROUP = 100, 10
PASSWORD = "mot de passe de la mesure de charge"


def document() -> dict:
    data = build_document(GROUPS * PER_GROUP, per_group=PER_GROUP)
    for group in data["programmes"][0]["groups"]:
        group["meetings"][-1]["minutes"]["status"] = "draft"
    return data


def account(person: Person, password_hash: str) -> User:
    user = User(person=person)
    user.password_hash = password_hash
    db.session.add(user)
    return user


def populate(readers: int, writers: int) -> dict:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.execute(sa.text("DELETE FROM search_index"))
    db.session.commit()
    started = time.perf_counter()
    summary = import_bytes(json.dumps(document(), ensure_ascii=False).encode())
    imported = time.perf_counter() - started
    password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    groups = db.session.scalars(sa.select(WorkingGroup).order_by(WorkingGroup.number)).all()
    plan = {"password": PASSWORD, "readers": [], "writers": []}
    taken = set()
    for group in groups[:readers]:
        person = next(
            m.person
            for m in sorted(group.memberships, key=lambda m: m.id)
            if m.role == Role.MEMBER and m.person_id not in taken
        )
        taken.add(person.id)
        account(person, password_hash)
        group_ids = [m.group_id for m in person.memberships]
        meetings = db.session.scalars(
            sa.select(Meeting.id)
            .join(Meeting.minutes)
            .where(Meeting.group_id.in_(group_ids), Minutes.status == MinutesStatus.VALIDATED)
            .order_by(Meeting.id)
        ).all()
        plan["readers"].append({"email": person.email, "meetings": meetings})
    for group in groups[:writers]:
        facilitator = next(m.person for m in group.memberships if m.role == Role.FACILITATOR)
        if facilitator.id in taken:
            raise SystemExit(f"{facilitator.email} would be both a reader and a writer")
        taken.add(facilitator.id)
        account(facilitator, password_hash)
        meeting = max(group.meetings, key=lambda m: m.starts_at)
        assert meeting.minutes.status == MinutesStatus.DRAFT
        items = db.session.scalars(
            sa.select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)
        ).all()
        plan["writers"].append(
            {"email": facilitator.email, "meeting": meeting.id, "keys": [f"p{items[0]}", f"p{items[2]}"]}
        )
    db.session.commit()
    counts = {
        "groups": len(groups),
        "meetings": db.session.scalar(sa.select(sa.func.count(Meeting.id))),
        "memberships": db.session.scalar(sa.select(sa.func.count(Membership.id))),
        "accounts": db.session.scalar(sa.select(sa.func.count(User.id))),
    }
    print(
        f"populated in {imported:.1f} s: {counts['groups']} groups, {counts['meetings']} meetings "
        f"({summary.describe()}); {len(plan['readers'])} readers, {len(plan['writers'])} writers"
    )
    return plan


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plan", required=True, help="where to write the plan of the run (JSON)")
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--writers", type=int, default=10)
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            raise SystemExit("DATABASE_URL must name the PostgreSQL database of the run")
        plan = populate(args.readers, args.writers)
    with open(args.plan, "w") as f:
        json.dump(plan, f, indent=1)


if __name__ == "__main__":
    main()
