"""What one request costs, in the application's process and in PostgreSQL, without HTTP.

    DATABASE_URL=… .venv/bin/python benchmarks/request_cost.py PLAN.json [--requests 2000]

On the database and PLAN.json of benchmarks/load_data.py (PostgreSQL on this
machine), through Flask's test client, one request after the other: the
trivial route /sante; the least a signed-in request does (the session's
account and rights read from the database, nothing shown: a route this
script adds to its own application, not one of the site's); the meeting page
and the dashboard as kept by the page cache, read by a member whose readings
are logged already; and an autosave of a part of draft minutes. Prints, for
each, the CPU milliseconds of this process and of PostgreSQL (the server's
processes, read from /proc) per request, and their ratio to /sante: what
benchmarks/load.sh's rates can reach at best on a machine given to the
servers, HTTP server aside.
"""

import argparse
import gc
import json
import os
import re
import time

import sqlalchemy as sa
from load_client import CSRF, cpu_ms

from groupes import create_app
from groupes.auth.permissions import viewer
from groupes.extensions import db
from groupes.site.page_cache import without_transaction


def postmaster(app) -> int:
    """The PostgreSQL server's first process (the parent of this connection's backend)."""
    with app.app_context():
        backend = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
    with open(f"/proc/{backend}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def signed_in(app, email: str, password: str):
    client = app.test_client()
    token = CSRF.search(client.get("/connexion").get_data(as_text=True)).group(1)
    response = client.post("/connexion", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, f"{email} cannot sign in"
    return client


def measure(request, requests: int, server: int) -> tuple[float, float]:
    for _ in range(50):  # the first renderings, compiled queries and templates
        request()
    gc.collect()
    python, database = time.process_time(), cpu_ms([server])
    for _ in range(requests):
        request()
    python = (time.process_time() - python) * 1000 / requests
    database = (cpu_ms([server]) - database) / requests
    return python, database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("plan")
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    plan = json.load(open(args.plan))
    app = create_app()
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        raise SystemExit("DATABASE_URL must name the PostgreSQL database of benchmarks/load_data.py")

    @app.route("/mesure/session")
    @without_transaction
    def session_only():
        viewer()  # the account and its rights, as every signed-in page reads them
        return "ok"

    server = postmaster(app)
    reader, writer = plan["readers"][0], plan["writers"][0]
    anonymous = app.test_client()
    member = signed_in(app, reader["email"], plan["password"])
    meeting = f"/reunions/{reader['meetings'][0]}"
    facilitator = signed_in(app, writer["email"], plan["password"])
    room = facilitator.get(f"/reunions/{writer['meeting']}/compte-rendu/rediger").get_data(as_text=True)
    key = writer["keys"][0]
    state = {"version": int(re.search(rf'data-key="{key}".*?name="base_version" value="(\d+)"', room, re.S)[1])}
    token = CSRF.search(room).group(1)

    def autosave():
        state["n"] = state.get("n", 0) + 1
        body = f"Enregistrement {state['n']}.\n\n" + "Le groupe poursuit ses travaux. " * 20
        response = facilitator.post(
            f"/reunions/{writer['meeting']}/compte-rendu/parties",
            data={"key": key, "base_version": state["version"], "body": body},
            headers={"Accept": "application/json", "X-CSRFToken": token},
        )
        state["version"] = response.json["version"]

    cases = [
        ("/sante", lambda: anonymous.get("/sante"), args.requests),
        ("signed-in session only", lambda: member.get("/mesure/session"), args.requests),
        ("meeting page (kept)", lambda: member.get(meeting), args.requests),
        ("dashboard (kept)", lambda: member.get("/"), args.requests),
        ("autosave", autosave, max(1, args.requests // 10)),
    ]
    print(f"{'request':<24} {'python ms':>9} {'postgres ms':>11} {'total ms':>8} {'/sante / this':>13}")
    trivial = None
    for label, request, requests in cases:
        python, database = measure(request, requests, server)
        total = python + database
        trivial = trivial or total
        print(f"{label:<24} {python:>9.2f} {database:>11.2f} {total:>8.2f} {trivial / total:>13.1%}")
    print(f"({os.cpu_count()} cores; {args.requests} requests each, the autosave a tenth of that)")


if __name__ == "__main__":
    main()
