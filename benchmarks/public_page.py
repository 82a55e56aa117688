"""Throughput of a meeting page, public and read anonymously or read signed in, against the
trivial route /sante, on the production setup (gunicorn with its gunicorn.conf.py).

    .venv/bin/python benchmarks/public_page.py --database-url URL [--workers 2] [--duration 15]

Empties the database URL names (PostgreSQL in production), imports 100 meetings in public
groups (the generator of import_large.py), makes a member's account, starts gunicorn with
that many workers, then drives each route with wrk on loopback (no cookie: each request a
new anonymous visitor; the member's session cookie for the signed-in page). Prints each
route's requests per second and its ratio to /sante. wrk must be installed (Debian: wrk).
GROUPES_* variables of the environment are passed on to the server (settings to compare).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import sqlalchemy as sa
from fresh import empty_schema
from import_large import build_document
from werkzeug.security import generate_password_hash

from groupes import create_app
from groupes.auth.models import User
from groupes.extensions import db
from groupes.groups.models import Person
from groupes.interchange.reader import import_bytes
from groupes.meetings.models import Meeting

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mot de passe du banc d'essai"
SECRET = "benchmark-secret-key"


def prepare(url: str, instance: str) -> tuple[int, str]:
    """The public meeting to read, and the member who reads it signed in."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "INSTANCE_PATH": instance})
    with app.app_context():
        empty_schema()
        document = build_document(100)
        for group in document["programmes"][0]["groups"]:
            group["visibility"] = "public"
        import_bytes(json.dumps(document, ensure_ascii=False).encode())
        email = "p1@exemple.example"
        user = User(person=db.session.scalar(sa.select(Person).where(Person.email == email)))
        user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        db.session.add(user)
        db.session.commit()
        meeting = db.session.scalar(sa.select(Meeting.id).order_by(Meeting.id))
    return meeting, email


def session_cookie(base: str, email: str) -> str:
    """The session cookie of the member, signed in through the form."""
    cookies = urllib.request.HTTPCookieProcessor()
    opener = urllib.request.build_opener(cookies)
    page = opener.open(f"{base}/connexion").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode()
    opener.open(f"{base}/connexion", data=data)
    return "; ".join(f"{c.name}={c.value}" for c in cookies.cookiejar)


def wrk(url: str, duration: int, connections: int, cookie: str = "") -> float:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"{url}: answers other than 200\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as instance:
        meeting, email = prepare(args.database_url, instance)
        env = {
            "GROUPES_SQLALCHEMY_DATABASE_URI": json.dumps(args.database_url),
            "GROUPES_SECRET_KEY": json.dumps(SECRET),
            "GROUPES_INSTANCE_PATH": instance,
            "PYTHONPATH": str(ROOT),
            "PATH": "/usr/bin:/bin",
            # Other settings to try, from this environment (GROUPES_SQLALCHEMY_ENGINE_OPTIONS…).
            **{k: v for k, v in os.environ.items() if k.startswith("GROUPES_")},
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [str(gunicorn), "--workers", str(args.workers), "--bind", f"127.0.0.1:{args.port}", "groupes:create_app()"],
            cwd=ROOT,
            env=env,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{args.port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/sante")
                    break
                except OSError:
                    time.sleep(0.2)
            cookie = session_cookie(base, email)
            page = f"{base}/reunions/{meeting}"
            urllib.request.urlopen(page)  # the page cache's first rendering
            routes = [
                ("/sante", f"{base}/sante", ""),
                ("public page, anonymous", page, ""),
                ("page, signed in", page, cookie),
            ]
            rates = {name: wrk(url, args.duration, args.connections, cookie) for name, url, cookie in routes}
        finally:
            server.terminate()
            server.wait()
    print(
        f"gunicorn, {args.workers} workers (gunicorn.conf.py), "
        f"wrk {args.connections} connections, {args.duration} s each"
    )
    for name, rate in rates.items():
        print(f"{name}: {rate:.0f} req/s, {rate / rates['/sante']:.2f} of /sante")


if __name__ == "__main__":
    main()
