"""What the live pages' 1.5 s poll costs: the room's refresh (``live.room_state``) and the
follow view's, answered 304 when nothing changed, and 200 when something did.

    PYTHONPATH=. .venv/bin/python benchmarks/room_state.py [--requests 300] [--outcomes 40] [--database-url URL]

On a fresh database (SQLite in a temporary directory, or the PostgreSQL database named, whose
rows are replaced by the test world of tests/world.py, its draft given ``--outcomes``
decisions, as many actions and half as many findings), through Flask's test client, one request
after the other, as the room's script sends them (``X-Fragment: 1``, ``If-None-Match``).
Prints, per request, the median wall time, the CPU time of this process, and the number of
SQL statements. Run it on two checkouts to compare them (the measure needs nothing of the
code it measures but its routes).
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fresh import empty_schema  # noqa: E402
from world import build_world, post_form, signed_in  # noqa: E402

from groupes import create_app  # noqa: E402
from groupes.extensions import db  # noqa: E402
from groupes.outcomes.models import Action, Decision, Finding, FindingKind  # noqa: E402


def measure(app, client, url: str, headers: dict, requests: int) -> tuple[float, float, float, int]:
    statements = []

    def count(*args) -> None:
        statements.append(1)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    walls, status = [], None
    for _ in range(20):
        client.get(url, headers=headers)
    statements.clear()
    cpu = time.process_time()
    for _ in range(requests):
        start = time.perf_counter()
        status = client.get(url, headers=headers).status_code
        walls.append(time.perf_counter() - start)
    cpu = (time.process_time() - cpu) * 1000 / requests
    sa.event.remove(engine, "before_cursor_execute", count)
    return statistics.median(walls) * 1000, cpu, len(statements) / requests, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--outcomes", type=int, default=40)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="room-state-")
    url = args.database_url or f"sqlite:///{work}/mesure.sqlite3"
    app = create_app(
        {"SECRET_KEY": "mesure", "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": work, "RATELIMIT_ENABLED": False}
    )
    with app.app_context():
        empty_schema()
        world = build_world()
        meeting = world.draft
        item = meeting.agenda_items[0]
        meeting.live_item_id = item.id
        for n in range(args.outcomes):
            meeting.decisions.append(Decision(number=n + 2, text=f"Décision {n} " * 8, agenda_item=item))
            meeting.actions.append(Action(title=f"Action {n}", agenda_item=item))
            if n % 2:
                meeting.findings.append(Finding(kind=FindingKind.CONSTAT, text=f"Constat {n} " * 8, position=n))
        db.session.commit()
        meeting_id = meeting.id
    secretary, member = signed_in(app, "secretary"), signed_in(app, "member")
    post_form(signed_in(app, "facilitator"), f"/reunions/{meeting_id}/salle/suivi", {"open": "1"})
    print(f"{args.requests} requests each, {args.outcomes} decisions and actions, on {url.split(':')[0]}")
    pages = [
        ("room", secretary, f"/reunions/{meeting_id}/salle/en-direct"),
        ("follow view", member, f"/reunions/{meeting_id}/compte-rendu/suivre"),
    ]
    for name, client, path in pages:
        first = client.get(path, headers={"X-Fragment": "1"})
        assert first.status_code == 200, (path, first.status_code)
        for case, headers in (
            ("unchanged (304)", {"X-Fragment": "1", "If-None-Match": first.headers["ETag"]}),
            ("changed (200)", {"X-Fragment": "1", "If-None-Match": '"autre"'}),
        ):
            wall, cpu, statements, status = measure(app, client, path, headers, args.requests)
            print(
                f"{name}, {case}: median {wall:.2f} ms, CPU {cpu:.2f} ms, "
                f"{statements:.0f} SQL statements per request (status {status})"
            )


if __name__ == "__main__":
    main()
