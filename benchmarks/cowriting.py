"""Propagation delay between two editors of the same part, on one instance or several.

    PYTHONPATH=. .venv/bin/python benchmarks/cowriting.py [--keystrokes 200] [--interval 0.1] [--database-url URL]
        [--instances N [--workers 4]]

Serves the application on a fresh database (SQLite in a temporary directory, or the
PostgreSQL database named, whose rows are replaced by the test world of tests/world.py):
werkzeug's threaded server in a process of its own by default; with ``--instances N``, the
production setup instead: N gunicorn instances (the checkout's gunicorn.conf.py: threaded
workers, ``--workers`` each) behind haproxy, which sends each editor to an instance of its
own (round robin, then a cookie keeps them there; the editors are checked to be on
different instances when N > 1), so that a keystroke reaches the other editor through
PostgreSQL's LISTEN/NOTIFY. Then it signs in two editors over HTTP, and
has the first send one Yjs update per keystroke to the notes of a point (as the room's
editor does, POST …/compte-rendu/direct) while the second follows the long-poll
(GET …/compte-rendu/direct). The delay of a keystroke is the time from the start of its
POST to the long-poll answer that brings it. Prints the median and the 95th percentile.
The editors are Python clients speaking the browser's protocol (pycrdt makes the same
updates as Yjs).
"""

import argparse
import base64
import http.cookiejar
import json
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from pycrdt import Doc, XmlText

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fresh import empty_schema  # noqa: E402
from world import PASSWORD, build_world  # noqa: E402

from groupes import create_app  # noqa: E402
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
        empty_schema()
        world = build_world()
        return world.draft.id, f"p{world.draft.agenda_items[0].id}"


def serve(url: str, instance: str, port) -> None:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, create_app(settings(url, instance)), threaded=True)
    port.value = server.server_port
    server.serve_forever()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} ne répond pas")


HAPROXY = """global
    maxconn 2000
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend room
    bind 127.0.0.1:{port}
    default_backend instances
backend instances
    balance roundrobin
    cookie INSTANCE insert indirect nocache
{servers}
"""


def production(url: str, work: str, instances: int, workers: int) -> tuple[str, list]:
    """N gunicorn instances behind haproxy: the address to reach them by, and the processes."""
    if not shutil.which("haproxy"):
        raise SystemExit("haproxy manque : scripts/system-deps haproxy")
    environment = dict(
        os.environ,
        DATABASE_URL=url,
        GROUPES_SECRET_KEY="mesure",
        GROUPES_INSTANCE_PATH=work,
        GROUPES_PROXIES="1",
        GROUPES_RATELIMIT_ENABLED="false",
    )
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    processes, servers = [], []
    for number in range(1, instances + 1):
        port = free_port()
        command = [gunicorn, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "groupes:create_app()"]
        log = open(f"{work}/instance{number}.log", "w")  # noqa: SIM115 (closed with the process)
        processes.append(subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=log))
        servers.append(f"    server i{number} 127.0.0.1:{port} cookie i{number}")
        wait_until_up(f"http://127.0.0.1:{port}/sante")
    port = free_port()
    Path(f"{work}/haproxy.cfg").write_text(HAPROXY.format(port=port, servers="\n".join(servers)))
    processes.append(subprocess.Popen(["haproxy", "-db", "-f", f"{work}/haproxy.cfg"], stdout=subprocess.DEVNULL))
    wait_until_up(f"http://127.0.0.1:{port}/sante")
    return f"http://127.0.0.1:{port}", processes


class Editor:
    def __init__(self, base: str, meeting: int, email: str):
        self.base, self.meeting = base, meeting
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        page = self.opener.open(f"{base}/connexion").read().decode()
        token = TOKEN.search(page).group(1)
        form = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode()
        self.opener.open(f"{base}/connexion", form)
        self.token = json.loads(self.get("/reunions/{m}/compte-rendu/jeton"))["csrf_token"]

    def instance(self) -> str | None:
        """The instance haproxy keeps this editor on."""
        return next((cookie.value for cookie in self.cookies if cookie.name == "INSTANCE"), None)

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
    parser.add_argument("--instances", type=int, help="gunicorn instances behind haproxy (PostgreSQL only)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers per instance")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="cowriting-")
    url = args.database_url or f"sqlite:///{work}/mesure.sqlite3"
    if args.instances and not url.startswith("postgresql"):
        raise SystemExit("--instances : une base PostgreSQL (--database-url), que partagent les instances")
    meeting, key = prepare(url, work)
    if args.instances:
        base, processes = production(url, work, args.instances, args.workers)
        setup = f"{args.instances} gunicorn instance(s) of {args.workers} workers behind haproxy"
    else:
        port = multiprocessing.Value("i", 0)
        server = multiprocessing.Process(target=serve, args=(url, work, port), daemon=True)
        server.start()
        while not port.value:
            time.sleep(0.05)
        base, processes, setup = f"http://127.0.0.1:{port.value}", [server], "werkzeug's threaded server"
    writer = Editor(base, meeting, "secretary@test.example")
    reader = Editor(base, meeting, "facilitator@test.example")
    if args.instances and args.instances > 1 and writer.instance() == reader.instance():
        raise SystemExit("les deux rédacteurs sont sur la même instance")
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
    for process in processes:
        process.terminate()
    delays.sort()
    p95 = delays[max(0, int(len(delays) * 0.95) - 1)]
    print(f"{len(delays)} keystrokes, one every {args.interval * 1000:.0f} ms, on {url.split(':')[0]}, {setup}")
    if args.instances:
        print(f"writer on instance {writer.instance()}, reader on instance {reader.instance()}")
    print(f"sending (the POST alone): median {statistics.median(posts) * 1000:.0f} ms")
    print(f"propagation delay: median {statistics.median(delays) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
