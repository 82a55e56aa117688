#!/usr/bin/env bash
# Load run: gunicorn on PostgreSQL with 100 groups and 1,000 meetings, driven by wrk on loopback.
#
#   benchmarks/load.sh [one|two|both]      (default: both)
#
#   one   one gunicorn instance (WORKERS workers)
#   two   two gunicorn instances (WORKERS/2 workers each, same PostgreSQL, same secret key)
#         behind haproxy on one port: sessions must hold across them
#
# For each: the readers sign in and read each of their meetings, then their dashboard,
# once (the page cache's first renderings, timed); then the trivial route /sante (the ceiling), the meeting page /reunions/<id> and
# the dashboard / as signed-in readers, each alone; then both again while writers save
# parts of draft minutes through the autosave endpoint, and a check in the database
# that no acknowledged save was lost. Prints route, connections, req/s, p50, p99,
# errors (answers other than 200, and socket errors), the server CPU per request, and
# the ratios to the trivial route (of the rates, and of the CPU costs).
#
# Settings (environment): VENV (.venv), DURATION (seconds per wrk run, 20),
# CONNECTIONS (50), WORKERS (4), READERS (20), WRITERS (10: two parts each),
# WRITER_PAUSE (seconds between a writer's saves, 0.5; the page autosaves 1.5 s after
# typing stops), WRK_THREADS (2). Accounts sign in for real (POST /connexion): successful
# sign-ins do not count towards the login limits, so they stay on.
# Installs what it lacks: wrk and haproxy (Debian packages, as root) and gunicorn.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# This checkout's package, whatever the virtualenv has installed (gunicorn --chdir does the same).
export PYTHONPATH=$ROOT${PYTHONPATH:+:$PYTHONPATH}
WHICH=${1:-both}
VENV=${VENV:-.venv}
case $VENV in /*) ;; *) VENV=$ROOT/$VENV ;; esac
BIN=$VENV/bin
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-50}
WORKERS=${WORKERS:-4}
READERS=${READERS:-20}
WRITERS=${WRITERS:-10}
WRITER_PAUSE=${WRITER_PAUSE:-0.5}
WRK_THREADS=${WRK_THREADS:-2}
case $WHICH in one | two | both) ;; *) echo "usage: $0 [one|two|both]" >&2; exit 2 ;; esac

scripts/system-deps wrk haproxy
"$BIN/python" -c "import gunicorn" 2>/dev/null || "$BIN/python" -m pip install --quiet "gunicorn>=22"

WORK=$(mktemp -d)
chmod 755 "$WORK" # the PostgreSQL server runs as its own user
PIDS=()
cleanup() {
    local pidfile
    for pidfile in "$WORK"/*.pid; do
        [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    scripts/throwaway-postgres stop "$WORK/pg" || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { "$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { # URL: until it answers, 20 s at most
    for _ in $(seq 100); do curl -fs -o /dev/null "$1" && return 0; sleep 0.2; done
    echo "no answer from $1" >&2
    exit 1
}

DATABASE_URL=$(scripts/throwaway-postgres start "$WORK/pg")
export DATABASE_URL
# One secret key for every worker and instance: the signed session cookie holds across them.
GROUPES_SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(48))')
export GROUPES_SECRET_KEY GROUPES_INSTANCE_PATH=$WORK/instance
"$BIN/flask" --app groupes init-db >"$WORK/init-db.log" 2>&1 || { cat "$WORK/init-db.log"; exit 1; }
(cd benchmarks && "$BIN/python" load_data.py --plan "$WORK/plan.json" --readers "$READERS" --writers "$WRITERS")
"$BIN/python" - "$DATABASE_URL" <<'EOF'
import sys, sqlalchemy as sa
engine = sa.create_engine(sys.argv[1])
with engine.begin() as c:
    c.execute(sa.text("ANALYZE"))
EOF

start_gunicorn() { # NAME PORT WORKERS
    "$BIN/gunicorn" -c "$ROOT/gunicorn.conf.py" --chdir "$ROOT" --workers "$3" --bind "127.0.0.1:$2" --pid "$WORK/$1.pid" \
        --error-logfile "$WORK/$1.log" --backlog 2048 'groupes:create_app()' &
    PIDS+=($!)
    wait_for "http://127.0.0.1:$2/sante"
}

stop_pidfile() { # NAME
    if [ -f "$WORK/$1.pid" ]; then
        local pid
        pid=$(cat "$WORK/$1.pid")
        kill "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
        rm -f "$WORK/$1.pid"
    fi
}

start_haproxy() { # PORT WORKERS_PER_INSTANCE BACKEND_PORT...
    local port=$1 per=$2 n=0
    shift 2
    # Sync workers take one request at a time: haproxy gives each instance no more than it has
    # workers and queues the rest itself, for the least busy instance; checks wait for a busy one.
    {
        printf 'global\n    maxconn 4096\n'
        printf 'defaults\n    mode http\n    timeout connect 5s\n    timeout client 60s\n    timeout server 60s\n'
        printf '    timeout queue 60s\n    timeout check 10s\n'
        printf 'frontend groupes\n    bind 127.0.0.1:%s\n    default_backend instances\n' "$port"
        printf 'backend instances\n    balance leastconn\n    option httpchk GET /sante\n'
        for backend in "$@"; do
            n=$((n + 1))
            printf '    server instance%s 127.0.0.1:%s maxconn %s check inter 2s fall 5 rise 1\n' "$n" "$backend" "$per"
        done
    } >"$WORK/haproxy.cfg"
    haproxy -db -f "$WORK/haproxy.cfg" -p "$WORK/haproxy.pid" >"$WORK/haproxy.log" 2>&1 &
    PIDS+=($!)
    wait_for "http://127.0.0.1:$port/sante"
}

RESULTS=$WORK/results
: >"$RESULTS"
LOST=0
server_cpu() { # CPU milliseconds used so far by gunicorn, haproxy and PostgreSQL (all their processes)
    local pids=() pidfile
    for pidfile in "$WORK"/*.pid; do [ -f "$pidfile" ] && pids+=("$(cat "$pidfile")"); done
    pids+=("$(head -n 1 "$WORK/pg/data/postmaster.pid")")
    "$BIN/python" benchmarks/load_client.py cpu "${pids[@]}"
}

run_wrk() { # LABEL BASE MODE NAME
    local before after line
    before=$(server_cpu)
    line=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s benchmarks/load.lua "$2" \
        -- "$3" "$WORK/readers.lua" "$4" | grep '^RESULT')
    after=$(server_cpu)
    echo "$line cpu=$((after - before))" | sed "s|^RESULT|$1|" | tee -a "$RESULTS"
}

run_set() { # LABEL BASE_URL
    local label=$1 base=$2 writers
    echo "== $label: $base, $CONNECTIONS connections, ${DURATION} s per run"
    # Each reader reads each of their meetings, then their dashboard, once first (timed: the
    # page cache's first renderings, each reading logged): the runs then measure readers coming
    # back to those pages within the quarter of an hour (kept pages, readings already logged).
    "$BIN/python" benchmarks/load_client.py signin "$WORK/plan.json" "$base" "$WORK/readers.lua" --warm
    # Each route alone: its rate, and the server CPU one request costs.
    run_wrk "$label" "$base" trivial /sante
    run_wrk "$label" "$base" meeting /reunions/ID
    run_wrk "$label" "$base" dashboard /
    # The readers again while the writers save, for as long as both reading runs last.
    "$BIN/python" benchmarks/load_client.py write "$WORK/plan.json" "$base" $((2 * DURATION + 2)) \
        "$WORK/writes-$label.json" --pause "$WRITER_PAUSE" &
    writers=$!
    sleep 2 # they sign in and open their room
    run_wrk "$label" "$base" meeting /reunions/ID+writers
    run_wrk "$label" "$base" dashboard /+writers
    wait "$writers"
    "$BIN/python" benchmarks/load_client.py verify "$WORK/plan.json" "$WORK/writes-$label.json" \
        >"$WORK/verify-$label.txt" || LOST=1
    cat "$WORK/verify-$label.txt"
    "$BIN/python" - "$WORK/writes-$label.json" "$label" >>"$RESULTS" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(f"{sys.argv[2]} autosave(POST) {s['saves']} {s['saves'] / s['per_second']:.3f} {s['p50']:.2f} {s['p99']:.2f} "
      f"{s['errors'] + s['conflicts']} 0 conn={s['loops']}")
EOF
}

if [ "$WHICH" != two ]; then
    PORT=$(free_port)
    start_gunicorn one "$PORT" "$WORKERS"
    run_set "one($WORKERS)" "http://127.0.0.1:$PORT"
    stop_pidfile one
fi
if [ "$WHICH" != one ]; then
    HALF=$(((WORKERS + 1) / 2))
    P1=$(free_port) P2=$(free_port) PORT=$(free_port)
    start_gunicorn a "$P1" "$HALF"
    start_gunicorn b "$P2" "$HALF"
    start_haproxy "$PORT" "$HALF" "$P1" "$P2"
    run_set "two(2x$HALF)" "http://127.0.0.1:$PORT"
fi

echo
"$BIN/python" - "$RESULTS" "$CONNECTIONS" "$WORK" <<'EOF'
import glob, sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
print(f"{'setup':<9} {'route':<22} {'conn':>4} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
      f"{'cpu ms/req':>10} {'rate/trivial':>12} {'cpu trivial/page':>16}")
trivial = {}
for label, name, requests, seconds, p50, p99, bad, sock, *extra in rows:
    extra = dict(e.split("=") for e in extra)
    rate = int(requests) / float(seconds)
    cost = int(extra["cpu"]) / int(requests) if "cpu" in extra and int(requests) else None
    if name == "/sante":
        trivial[label] = (rate, cost)
    ratio = cpu_ratio = ""
    if name != "/sante" and label in trivial:
        ratio = f"{rate / trivial[label][0]:.1%}"
        if cost and "+" not in name:
            cpu_ratio = f"{trivial[label][1] / cost:.1%}"
    cost_text = f"{cost:.2f}" if cost and "+" not in name else ""
    print(f"{label:<9} {name:<22} {extra.get('conn', sys.argv[2]):>4} {rate:>7.0f} {float(p50):>7.1f} "
          f"{float(p99):>7.1f} {int(bad) + int(sock):>6} {cost_text:>10} {ratio:>12} {cpu_ratio:>16}")
print("errors: answers other than 200, and socket errors (autosave: refused saves and conflicts);")
print("+writers: read while the writers save. cpu ms/req: CPU of gunicorn, haproxy and PostgreSQL")
print("over the run divided by its requests; cpu trivial/page: the rate the page would reach, relative")
print("to the trivial route, on a machine given to the servers (a shared machine blurs req/s, not this).")
for path in sorted(glob.glob(f"{sys.argv[3]}/verify-*.txt")):
    print(open(path).read().strip().splitlines()[-1], f"[{path.rsplit('verify-', 1)[1][:-4]}]")
EOF
[ "$LOST" -eq 0 ] || { echo "LOST WRITES: see above" >&2; exit 1; }
