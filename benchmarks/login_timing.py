"""Whether the sign-in answer tells which addresses have an account, by its time.

    .venv/bin/python benchmarks/login_timing.py [--rounds 20]

Makes a throwaway SQLite database with one account, then posts wrong
passwords to ``/connexion`` for that account's address and for an unknown
one, in turn (so that the machine's load weighs on both alike), and prints
the median time of each answer and whether the pages are the same. Never run
as a test.
"""

import argparse
import statistics
import tempfile
import time

from flask_migrate import upgrade

from groupes import create_app
from groupes.auth.accounts import create_admin
from groupes.extensions import db

KNOWN = "known@test.example"
UNKNOWN = "nobody@test.example"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    folder = tempfile.mkdtemp()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/timing.sqlite3",
            "SECRET_KEY": "timing",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "INSTANCE_PATH": folder,
        }
    )
    with app.app_context():
        upgrade()
        create_admin(KNOWN, "un mot de passe assez long", "Compte connu")
        db.session.commit()
    client = app.test_client()
    times: dict[str, list[float]] = {KNOWN: [], UNKNOWN: []}
    pages: dict[str, set[bytes]] = {KNOWN: set(), UNKNOWN: set()}
    for _ in range(rounds):
        for email in (UNKNOWN, KNOWN):
            start = time.perf_counter()
            response = client.post("/connexion", data={"email": email, "password": "pas le bon mot de passe"})
            times[email].append(time.perf_counter() - start)
            pages[email].add(response.data.replace(email.encode(), b"ADDRESS"))
    for email, label in ((UNKNOWN, "unknown address"), (KNOWN, "known address, wrong password")):
        print(f"{label}: median {statistics.median(times[email]) * 1000:.1f} ms over {rounds}")
    print("same page for both:", pages[KNOWN] == pages[UNKNOWN])


if __name__ == "__main__":
    main()
