"""The clients of the load run (benchmarks/load.sh) that are not wrk.

    load_client.py signin PLAN.json BASE_URL LUA_OUT [--warm]
                                                         sign the readers in, write wrk's table
                                                         (--warm: then read each of their pages once)
    load_client.py write PLAN.json BASE_URL SECONDS OUT  writers saving minutes, their account in OUT
    load_client.py verify PLAN.json OUT                  no lost write: the database against OUT
    load_client.py cpu PID...                            CPU milliseconds used so far by these
                                                         processes and their children (the servers)

Signing in is what a browser does: GET /connexion for the CSRF token and the
session cookie, POST /connexion with e-mail and password, keep the new
cookie. Every request carries the same User-Agent, since the session is bound
to the address and the browser (Flask-Login's strong session protection).

A writer is one loop per part, as the autosave of minutes.js does: POST
/reunions/<id>/compte-rendu/parties with key, base_version (the version last
acknowledged), body and the CSRF token, asking for JSON; a pause between
saves (--pause, 0.5 s by default). Every acknowledged save is remembered;
verify then checks, in the database, that each part holds the text of its
last acknowledged save and that its version is its first version plus the
number of acknowledged saves (none lost, none counted twice).
"""

import argparse
import http.client
import json
import os
import re
import statistics
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

USER_AGENT = "groupes-load/1"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """One keep-alive connection and one cookie jar, like a tab of a browser."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.cookies: dict[str, str] = {}
        self.connection = None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = {"User-Agent": USER_AGENT, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed a kept-alive connection (sync workers do): open another.
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, data

    def sign_in(self, email: str, password: str) -> None:
        status, _, page = self.request("GET", "/connexion")
        token = CSRF.search(page.decode()).group(1)
        form = urlencode({"csrf_token": token, "email": email, "password": password}).encode()
        status, headers, _ = self.request(
            "POST", "/connexion", form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302 or headers.get("Location", "").startswith("/connexion"):
            raise SystemExit(f"sign-in refused for {email} (HTTP {status})")


def signin(args) -> None:
    plan = json.load(open(args.plan))
    pairs, first_readings, first_dashboards = [], [], []
    for reader in plan["readers"]:
        browser = Browser(args.base_url)
        browser.sign_in(reader["email"], plan["password"])
        status, _, page = browser.request("GET", f"/reunions/{reader['meetings'][0]}")
        if status != 200 or b"/deconnexion" not in page:
            raise SystemExit(f"{reader['email']}: the meeting page answers {status} after signing in")
        if args.warm:
            for meeting in reader["meetings"]:
                started = time.perf_counter()
                status, _, _ = browser.request("GET", f"/reunions/{meeting}")
                first_readings.append(time.perf_counter() - started)
                assert status == 200, f"{reader['email']}: /reunions/{meeting} answers {status}"
            started = time.perf_counter()
            status, _, _ = browser.request("GET", "/")
            first_dashboards.append(time.perf_counter() - started)
            assert status == 200, f"{reader['email']}: the dashboard answers {status}"
        # The session as the browser keeps it (with the readings it has logged, after --warm).
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        pairs += [(cookie, meeting) for meeting in reader["meetings"]]
    with open(args.lua_out, "w") as f:
        f.write(f"user_agent = {json.dumps(USER_AGENT)}\nreaders = {{\n")
        for cookie, meeting in pairs:
            f.write(f"  {{{json.dumps(cookie)}, {meeting}}},\n")
        f.write("}\n")
    print(f"{len(plan['readers'])} readers signed in, {len(pairs)} (reader, meeting) pairs")
    if first_readings:
        print(
            f"first readings (one at a time, the pages rendered and kept): {len(first_readings)} in "
            f"{sum(first_readings):.1f} s, median {statistics.median(first_readings) * 1000:.0f} ms; "
            f"then their dashboards: median {statistics.median(first_dashboards) * 1000:.0f} ms"
        )


def writer_loop(base_url, email, password, meeting, key, seconds, pause, record, start_gate):
    browser = Browser(base_url)
    browser.sign_in(email, password)
    status, _, page = browser.request("GET", f"/reunions/{meeting}/compte-rendu/rediger")
    assert status == 200, f"{email}: the meeting room answers {status}"
    html = page.decode()
    token = CSRF.search(html).group(1)
    form = re.search(rf'data-key="{key}".*?name="base_version" value="(\d+)"', html, re.S)
    version = first = int(form.group(1))
    record.update(key=key, meeting=meeting, first=first, acked=0, conflicts=0, errors=0, times=[], last=None)
    start_gate.wait()
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        body = f"Notes de {email} sur {key}, enregistrement {n}.\n\n" + "Le groupe poursuit ses travaux. " * 20
        data = urlencode({"key": key, "base_version": version, "body": body}).encode()
        started = time.perf_counter()
        try:
            status, _, answer = browser.request(
                "POST",
                f"/reunions/{meeting}/compte-rendu/parties",
                data,
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                    "X-CSRFToken": token,
                },
            )
        except OSError as error:
            record["errors"] += 1
            record.setdefault("messages", []).append(repr(error))
            continue
        record["times"].append((time.perf_counter() - started) * 1000)
        result = json.loads(answer) if answer.startswith(b"{") else {}
        if status == 200 and result.get("ok"):
            version = result["version"]
            record["acked"] += 1
            record["last"] = body
        elif status == 409:
            record["conflicts"] += 1
            version = result["version"]
        else:
            record["errors"] += 1
            record.setdefault("messages", []).append(f"{status} {answer[:200]!r}")
        time.sleep(pause)


def write(args) -> None:
    plan = json.load(open(args.plan))
    loops = [(w["email"], w["meeting"], key) for w in plan["writers"] for key in w["keys"]]
    records = [{} for _ in loops]
    # Every loop signs in and reads its room first; the timed part starts for all at once.
    gate = threading.Barrier(len(loops))
    threads = [
        threading.Thread(
            target=writer_loop,
            args=(args.base_url, email, plan["password"], meeting, key, args.seconds, args.pause, records[i], gate),
        )
        for i, (email, meeting, key) in enumerate(loops)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for record, (email, _, _) in zip(records, loops, strict=True):
        record["email"] = email
    times = sorted(t for r in records for t in r["times"])
    summary = {
        "loops": len(loops),
        "saves": len(times),
        "acked": sum(r["acked"] for r in records),
        "conflicts": sum(r["conflicts"] for r in records),
        "errors": sum(r["errors"] for r in records),
        "per_second": len(times) / args.seconds,
        "p50": statistics.median(times) if times else None,
        "p99": times[max(0, int(len(times) * 0.99) - 1)] if times else None,
    }
    json.dump({"summary": summary, "records": records}, open(args.out, "w"))
    messages = [m for r in records for m in r.get("messages", [])]
    for message in messages[:5]:
        print(f"writer error: {message}")


def verify(args) -> None:
    """Each part holds its last acknowledged text, at its first version plus the acknowledged saves."""
    from groupes import create_app
    from groupes.extensions import db
    from groupes.minutes.models import MinutesSection

    records = json.load(open(args.out))["records"]
    lost = 0
    with create_app().app_context():
        for record in records:
            section = db.session.scalar(
                db.select(MinutesSection).where(MinutesSection.agenda_item_id == int(record["key"][1:]))
            )
            expected = record["first"] + record["acked"]
            found = section.version if section else 0
            body = section.body if section else None
            if found != expected or (record["last"] is not None and body != record["last"]):
                lost += 1
                print(
                    f"LOST: {record['email']} {record['key']}: version {found}, expected {expected} "
                    f"({record['acked']} saves acknowledged); last text {'kept' if body == record['last'] else 'lost'}"
                )
    print(f"verify: {len(records)} parts, {sum(r['acked'] for r in records)} acknowledged saves, {lost} lost")
    raise SystemExit(1 if lost else 0)


def cpu_ms(pids) -> int:
    """User and system CPU milliseconds used so far by these processes and their children: the
    cost of a request whatever else the machine runs at the same time (a shared machine makes
    the rates noisy, not this)."""
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry)] = fields
            children.setdefault(int(fields[1]), []).append(int(entry))
    ticks, todo, seen = 0, [int(p) for p in pids], set()
    while todo:
        pid = todo.pop()
        if pid in seen or pid not in stats:
            continue
        seen.add(pid)
        ticks += int(stats[pid][11]) + int(stats[pid][12])  # utime, stime
        todo += children.get(pid, [])
    return round(ticks * 1000 / os.sysconf("SC_CLK_TCK"))


def cpu(args) -> None:
    print(cpu_ms(args.pids))


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("signin")
    p.add_argument("plan")
    p.add_argument("base_url")
    p.add_argument("lua_out")
    p.add_argument(
        "--warm",
        action="store_true",
        help="then read each (reader, meeting) page and each reader's dashboard once: the runs are then "
        "readers coming back to their pages "
        "within the quarter of an hour, whose readings are logged already",
    )
    p = commands.add_parser("write")
    p.add_argument("plan")
    p.add_argument("base_url")
    p.add_argument("seconds", type=float)
    p.add_argument("out")
    p.add_argument("--pause", type=float, default=0.5)
    p = commands.add_parser("verify")
    p.add_argument("plan")
    p.add_argument("out")
    p = commands.add_parser("cpu")
    p.add_argument("pids", nargs="+")
    args = parser.parse_args()
    {"signin": signin, "write": write, "verify": verify, "cpu": cpu}[args.command](args)


if __name__ == "__main__":
    main()
