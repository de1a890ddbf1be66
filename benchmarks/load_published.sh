#!/usr/bin/env bash
# Sustained load on the published December 2014 update, served as in production: nginx with
# deploy/nginx-site.conf in front of gunicorn with gunicorn.conf.py, DEBUG off, on loopback
# (FRONT=gunicorn asks gunicorn directly, as before nginx). Targets: no errors at all (non-2xx
# responses or socket errors) and a 99th-percentile latency under 1 s. Exits non-zero if either
# is missed.
#
#   benchmarks/load_published.sh                   # 50 connections for 60 s, temporary SQLite
#   DURATION=20 DATABASE_URL=postgres://postgres@127.0.0.1:5432/oversight_ops_load benchmarks/load_published.sh
#
# WEB_CONCURRENCY sets the workers (default: gunicorn.conf.py's, 2 x CPUs + 1). Needs wrk and
# nginx (benchmarks/ensure_tools.sh installs them as root). Writes only to a temporary folder;
# stops its servers.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-50}
PORT=${PORT:-8798}
P99_LIMIT_MS=${P99_LIMIT_MS:-1000}
APP_PORT=${APP_PORT:-8788}
FRONT=${FRONT:-nginx}
PYTHON=${PYTHON:-.venv/bin/python}
URL="http://127.0.0.1:$PORT/updates/2014-12/"
if [ "$FRONT" = nginx ]; then benchmarks/ensure_tools.sh wrk nginx; else benchmarks/ensure_tools.sh wrk; fi

# shellcheck source=benchmarks/stack.sh
. benchmarks/stack.sh
stack_prepare load
# Static files first: publishing renders the page (to compress it once), which names them.
$PYTHON manage.py collectstatic --no-input -v0
$PYTHON manage.py load_hmic_2014 >/dev/null

# The command line wins over gunicorn.conf.py: loopback only, and no access log of every hit.
if [ "$FRONT" = nginx ]; then
  start_gunicorn "$APP_PORT"
  start_front "$PORT" "$APP_PORT"
  gunicorn_port=$APP_PORT
else
  start_gunicorn "$PORT"
  gunicorn_port=$PORT
fi
wait_for "$URL" "$work/page.html"
# The container's HEALTHCHECK, against gunicorn, as inside the container.
PORT=$gunicorn_port $PYTHON scripts/healthcheck.py

workers=$($PYTHON -c "import runpy; print(runpy.run_path('gunicorn.conf.py')['workers'])")
echo "Page: $(wc -c < "$work/page.html") bytes; front: $FRONT; ${WEB_CONCURRENCY:-$workers} workers;" \
  "$CONNECTIONS connections for ${DURATION}s; database: ${DATABASE_URL%%:*}" >&2
wrk --threads 2 --connections "$CONNECTIONS" --duration "${DURATION}s" --timeout 10s --latency "$URL" \
  | tee "$work/wrk.txt" >&2

# wrk prints latencies as 812.00us, 12.34ms or 1.20s; and error lines only when there were any.
to_ms() { awk '{v = $1; if (v ~ /us$/) print v / 1000; else if (v ~ /ms$/) print v + 0; else if (v ~ /m$/) print v * 60000; else print v * 1000}'; }
p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.txt" | to_ms)
p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt" | to_ms)
rate=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
non_2xx=$(awk '/Non-2xx or 3xx responses/ {print $NF}' "$work/wrk.txt")
socket_errors=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$work/wrk.txt")
errors=$(( ${non_2xx:-0} + ${socket_errors:-0} ))

echo "requests: $requests; req/s: $rate; p50: ${p50} ms; p99: ${p99} ms (target < $P99_LIMIT_MS);" \
  "errors: $errors (non-2xx: ${non_2xx:-0}, socket: ${socket_errors:-0}; target 0)"
awk -v p99="$p99" -v limit="$P99_LIMIT_MS" -v errors="$errors" \
  'BEGIN {exit !(errors == 0 && p99 < limit)}' || { echo "TARGET MISSED" >&2; exit 1; }
