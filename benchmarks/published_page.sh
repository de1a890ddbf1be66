#!/usr/bin/env bash
# Requests per second of the published December 2014 update against a static file of the
# same size, both served by gunicorn (whitenoise for the static file) on loopback, through
# nginx as deployed (deploy/nginx-site.conf; FRONT=gunicorn to ask gunicorn directly).
# Target: the page manages at least 0.7 of the static file's rate.
#
#   benchmarks/published_page.sh            # 20 s a run, 16 connections, 2 workers
#   DURATION=60 CONNECTIONS=50 WORKERS=3 DATABASE_URL=postgres://... benchmarks/published_page.sh
#
# Needs wrk and nginx (benchmarks/ensure_tools.sh installs them as root). Writes only to a
# temporary folder; stops its servers.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-16}
WORKERS=${WORKERS:-2}
PORT=${PORT:-8799}
APP_PORT=${APP_PORT:-8789}
FRONT=${FRONT:-nginx}
PYTHON=${PYTHON:-.venv/bin/python}
if [ "$FRONT" = nginx ]; then benchmarks/ensure_tools.sh wrk nginx; else benchmarks/ensure_tools.sh wrk; fi

# shellcheck source=benchmarks/stack.sh
. benchmarks/stack.sh
stack_prepare bench
$PYTHON manage.py load_hmic_2014 >/dev/null
$PYTHON manage.py collectstatic --no-input -v0

# gunicorn reads ./gunicorn.conf.py by itself; the command line sets the workers and leaves out
# the access log (a line per request would be measured too).
serve() {
  $PYTHON -m gunicorn oversight.wsgi --bind "127.0.0.1:$1" --workers "$WORKERS" --log-level warning \
    --access-logfile /dev/null &
  gunicorn_pid=$!
}
if [ "$FRONT" = nginx ]; then
  serve "$APP_PORT"
  start_front "$PORT" "$APP_PORT"
else
  serve "$PORT"
fi
wait_for "http://127.0.0.1:$PORT/updates/2014-12/" "$work/page.html"

# A static file of exactly the page's size, which whitenoise finds when the server starts.
kill "$gunicorn_pid"; wait "$gunicorn_pid" 2>/dev/null || true
cp "$work/page.html" "$work/static/same-size-as-edition.html"
if [ "$FRONT" = nginx ]; then serve "$APP_PORT"; else serve "$PORT"; fi
wait_for "http://127.0.0.1:$PORT/static/same-size-as-edition.html"

rate() {
  wrk --threads 2 --connections "$CONNECTIONS" --duration "${DURATION}s" --latency "$1" \
    | tee "$work/wrk.txt" >&2
  if grep -q "Non-2xx" "$work/wrk.txt"; then echo "errors in the run above" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' "$work/wrk.txt"
}

echo "Page: $(wc -c < "$work/page.html") bytes; front: $FRONT; $WORKERS workers, $CONNECTIONS connections, ${DURATION}s each" >&2
page_rate=$(rate "http://127.0.0.1:$PORT/updates/2014-12/")
static_rate=$(rate "http://127.0.0.1:$PORT/static/same-size-as-edition.html")
ratio=$(awk -v p="$page_rate" -v s="$static_rate" 'BEGIN {printf "%.2f", p / s}')
echo "published page: $page_rate req/s; static file: $static_rate req/s; ratio: $ratio (target >= 0.7)"
awk -v r="$ratio" 'BEGIN {exit !(r >= 0.7)}'
