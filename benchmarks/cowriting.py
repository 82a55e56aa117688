"""Propagation delay between two editors of the same part, on one instance.

    PYTHONPATH=. .venv/bin/python benchmarks/cowriting.py [--keystrokes 200] [--interval 0.1] [--database-url URL]

Serves the application (werkzeug's threaded server, in a process of its own) on a fresh
database (SQLite in a temporary directory, or the PostgreSQL database named, whose rows
are replaced by the test world of tests/world.py), signs in two editors over HTTP, and
has the first send one Yjs update per keystroke to the notes of a point (as the room's
editor does, POST …/compte-rendu/direct) while the second follows the long-poll
(GET …/compte-rendu/direct). The delay of a keystroke is the time from the start of its
POST to the long-poll answer that brings it. Prints the median and the 95th percentile.
The editors are Python clients speaking the browser's protocol (pycrdt makes the same
updates as Yjs); the figure behind haproxy with two instances on PostgreSQL is still to
be measured.
"""

import argparse
import base64
import http.cookiejar
import json
import multiprocessing
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from flask_migrate import upgrade
from pycrdt import Doc, XmlText

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from world import PASSWORD, build_world  # noqa: E402

from groupes import create_app  # noqa: E402
from groupes.extensions import db  # noqa: E402
from groupes.minutes.prose import fragment_of  # noqa: E402

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def settings(url: str, instance: str) -> dict:
    return {
        "SECRET_KEY": "mesure",
        "SQLALCHEMY_DATABASE_URI": url,
        "INSTANCE_PATH": instance,
        "RATELIMIT_ENABLED": False,
    }


def prepare(url: str, instance: str) -> tuple[int, str]:
    app = create_app(settings(url, instance))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        world = build_world()
        return world.draft.id, f"p{world.draft.agenda_items[0].id}"


def serve(url: str, instance: str, port) -> None:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, create_app(settings(url, instance)), threaded=True)
    port.value = server.server_port
    server.serve_forever()


class Editor:
    def __init__(self, base: str, meeting: int, email: str):
        self.base, self.meeting = base, meeting
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.opener.open(f"{base}/connexion").read().decode()
        token = TOKEN.search(page).group(1)
        form = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode()
        self.opener.open(f"{base}/connexion", form)
        self.token = json.loads(self.get("/reunions/{m}/compte-rendu/jeton"))["csrf_token"]

    def get(self, path: str) -> bytes:
        request = urllib.request.Request(
            self.base + path.format(m=self.meeting), headers={"Accept": "application/json"}
        )
        return self.opener.open(request, timeout=60).read()

    def post(self, path: str, payload: dict) -> bytes:
        request = urllib.request.Request(
            self.base + path.format(m=self.meeting),
            data=json.dumps(payload).encode(),
            headers={"Accept": "application/json", "Content-Type": "application/json", "X-CSRFToken": self.token},
        )
        return self.opener.open(request, timeout=60).read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keystrokes", type=int, default=200)
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between keystrokes")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="cowriting-")
    url = args.database_url or f"sqlite:///{work}/mesure.sqlite3"
    meeting, key = prepare(url, work)
    port = multiprocessing.Value("i", 0)
    server = multiprocessing.Process(target=serve, args=(url, work, port), daemon=True)
    server.start()
    while not port.value:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port.value}"
    writer = Editor(base, meeting, "secretary@test.example")
    reader = Editor(base, meeting, "facilitator@test.example")
    opened = json.loads(writer.get("/reunions/{m}/compte-rendu/direct/parties"))
    doc = Doc()
    doc.apply_update(base64.b64decode(opened["parts"][key]))
    sent: dict[int, float] = {}
    delays: list[float] = []
    posts: list[float] = []
    done = threading.Event()

    def follow(cursor: int) -> None:
        """The reader's copy of the part: its length says how many keystrokes have arrived."""
        copy = Doc()
        copy.apply_update(base64.b64decode(opened["parts"][key]))
        start = len(str(fragment_of(copy)))
        seen = 0
        while seen < args.keystrokes:
            answer = json.loads(reader.get(f"/reunions/{{m}}/compte-rendu/direct?depuis={cursor}&partie={key}"))
            arrived = time.perf_counter()
            cursor = answer["cursor"]
            for change in answer["changes"]:
                if change["key"] == key:
                    copy.apply_update(base64.b64decode(change["update"]))
            now = len(str(fragment_of(copy))) - start
            delays.extend(arrived - sent[number] for number in range(seen, now))
            seen = now
        done.set()

    follower = threading.Thread(target=follow, args=(opened["cursor"],), daemon=True)
    follower.start()
    time.sleep(0.5)
    paragraph = fragment_of(doc).children[0]
    text = paragraph.children[0] if len(paragraph.children) else paragraph.children.append(XmlText())
    for number in range(args.keystrokes):
        before = doc.get_state()
        text.insert(len(text), "x")
        sent[number] = time.perf_counter()
        posted = sent[number]
        writer.post(
            "/reunions/{m}/compte-rendu/direct",
            {"key": key, "update": base64.b64encode(doc.get_update(before)).decode()},
        )
        posts.append(time.perf_counter() - posted)
        time.sleep(args.interval)
    done.wait(30)
    server.terminate()
    delays.sort()
    p95 = delays[max(0, int(len(delays) * 0.95) - 1)]
    print(f"{len(delays)} keystrokes, one every {args.interval * 1000:.0f} ms, on {url.split(':')[0]}")
    print(f"sending (the POST alone): median {statistics.median(posts) * 1000:.0f} ms")
    print(f"propagation delay: median {statistics.median(delays) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
