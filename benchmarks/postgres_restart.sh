#!/usr/bin/env bash
# The service rides out a PostgreSQL restart: errors while the database is down, none once it
# is back. gunicorn (gunicorn.conf.py, DEBUG off) keeps its database connections open between
# requests (CONN_MAX_AGE); after the restart every one of them is dead, and the health check
# Django runs before reusing a connection (CONN_HEALTH_CHECKS) must replace it.
#
# Load: 4 threads in a loop on /healthz and /recommendations/ (both query the database on every
# request), each result timestamped. After WARMUP seconds the script restarts PostgreSQL
# (pg_ctlcluster, fast mode) and keeps the load on for AFTER seconds more. It prints the
# errors by time window and exits non-zero if there was any before the restart or later than
# GRACE seconds after PostgreSQL accepted connections again.
#
#   benchmarks/postgres_restart.sh             # restarts the local cluster: run it as root
#   DRY_RUN=1 benchmarks/postgres_restart.sh   # the same load, no restart (checks the script)
#
# Restarting PostgreSQL drops every client's connections, not only this script's: run it when
# no one else's tests are using the server. Loopback only; bounded in time; it stops its
# server and drops its scratch database (oversight_ops_restart), whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-8797}
WARMUP=${WARMUP:-5}
AFTER=${AFTER:-15}
GRACE=${GRACE:-2}
PG_CLUSTER=${PG_CLUSTER:-"$(ls /etc/postgresql | head -n 1) main"}
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
DB=oversight_ops_restart
PYTHON=${PYTHON:-.venv/bin/python}

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; fi
  # Never leave the server down, even if the restart failed half-way.
  if [ -z "${DRY_RUN:-}" ] && ! pg_isready --quiet; then
    # shellcheck disable=SC2086
    pg_ctlcluster --skip-systemctl-redirect $PG_CLUSTER start || true
  fi
  dropdb --if-exists --force "$DB" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export DEBUG=false SECRET_KEY=benchmark-only-secret ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=ERROR
export SECURE_SSL_REDIRECT=false
export ENV_FILE="$work/none.env" STATIC_ROOT="$work/static"
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB"
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-3}
touch "$ENV_FILE"

dropdb --if-exists --force "$DB" 2>/dev/null
createdb "$DB"
$PYTHON manage.py migrate --no-input -v0
# Static files first: publishing renders the page (to compress it once), which names them.
$PYTHON manage.py collectstatic --no-input -v0
$PYTHON manage.py load_hmic_2014 >/dev/null

$PYTHON -m gunicorn oversight.wsgi -c gunicorn.conf.py --bind "127.0.0.1:$PORT" \
  --access-logfile /dev/null --log-level warning >"$work/gunicorn.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" -o /dev/null && break; sleep 0.2; done

timeout 300 "$PYTHON" - "$PORT" "$WARMUP" "$AFTER" "$GRACE" "$PG_CLUSTER" <<'PYTHON'
"""Load with timestamps; restart PostgreSQL part-way; report errors by time window."""

import http.client
import os
import subprocess
import sys
import threading
import time

port, warmup, after, grace = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
cluster = sys.argv[5].split()
dry_run = bool(os.environ.get("DRY_RUN"))
paths = ["/healthz", "/recommendations/"]
results = []  # (seconds since start, path, status or error name)
stop = threading.Event()
start = time.monotonic()


def load(offset: int) -> None:
    number = offset
    while not stop.is_set():
        path = paths[number % len(paths)]
        number += 1
        began = time.monotonic() - start
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            outcome = conn.getresponse().status
            conn.close()
        except OSError as error:
            outcome = type(error).__name__
        results.append((began, path, outcome))
        if outcome != 200:
            time.sleep(0.05)  # no tight loop of refused connections


def ready() -> bool:
    return subprocess.run(["pg_isready", "--quiet"], check=False).returncode == 0


threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
for thread in threads:
    thread.start()
time.sleep(warmup)
down_at = time.monotonic() - start
if dry_run:
    print("DRY_RUN: PostgreSQL not restarted", file=sys.stderr)
else:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "restart", "--mode", "fast"],
        check=True,
        timeout=60,
    )
deadline = time.monotonic() + 60
while not ready() and time.monotonic() < deadline:
    time.sleep(0.05)
back_at = time.monotonic() - start
time.sleep(after)
stop.set()
for thread in threads:
    thread.join()

windows = [
    ("before the restart", 0, down_at),
    ("restarting (down)", down_at, back_at),
    (f"first {grace:g} s back", back_at, back_at + grace),
    ("after that", back_at + grace, float("inf")),
]
print(f"restart began at {down_at:.2f} s; PostgreSQL accepted connections at {back_at:.2f} s "
      f"(down {back_at - down_at:.2f} s); {len(results)} requests in all")
failed = False
for name, begin, end in windows:
    inside = [r for r in results if begin <= r[0] < end]
    errors = [r for r in inside if r[2] != 200]
    kinds = sorted({f"{path} {outcome}" for _, path, outcome in errors})
    first_last = f", {errors[0][0]:.2f}-{errors[-1][0]:.2f} s" if errors else ""
    print(f"{name:>20}: {len(inside):5d} requests, {len(errors):4d} errors{first_last} {kinds if kinds else ''}")
    if errors and name in ("before the restart", "after that"):
        failed = True
last_error = max((r[0] for r in results if r[2] != 200), default=None)
if last_error is not None:
    print(f"last error at {last_error:.2f} s: {last_error - back_at:+.2f} s from PostgreSQL being back")
print("TARGET MISSED: errors outside the restart" if failed else "OK: errors only while PostgreSQL was down")
sys.exit(1 if failed else 0)
PYTHON
