#!/usr/bin/env bash
# Requests per second of the published December 2014 update against a static file of the
# same size, both served by gunicorn (whitenoise for the static file) on loopback, through
# nginx as deployed (deploy/nginx-site.conf; FRONT=gunicorn to ask gunicorn directly).
# Once per content coding in ENCODINGS: plain (identity), brotli and gzip. The page is sent
# from the bodies compressed when it was published (reports.compressed); the static file from
# the .br and .gz files beside it, made here as collectstatic makes them for whitenoise.
# Target: the page manages at least TARGET (0.9) of the static file's rate, in each coding.
#
#   benchmarks/published_page.sh            # 20 s a run, 16 connections, 2 workers
#   ENCODINGS="identity br" DURATION=60 CONNECTIONS=50 WORKERS=3 DATABASE_URL=postgres://... benchmarks/published_page.sh
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
ENCODINGS=${ENCODINGS:-identity br gzip}
TARGET=${TARGET:-0.9}
PYTHON=${PYTHON:-.venv/bin/python}
if [ "$FRONT" = nginx ]; then benchmarks/ensure_tools.sh wrk nginx; else benchmarks/ensure_tools.sh wrk; fi

# shellcheck source=benchmarks/stack.sh
. benchmarks/stack.sh
stack_prepare bench
# Static files first: publishing renders the page (to compress it once), which names them.
$PYTHON manage.py collectstatic --no-input -v0
$PYTHON manage.py load_hmic_2014 >/dev/null

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
# Compressed beside it, as collectstatic does for every static file (whitenoise serves these).
$PYTHON - "$work/static/same-size-as-edition.html" <<'PY'
import gzip, sys
import brotli
path = sys.argv[1]
data = open(path, "rb").read()
open(path + ".gz", "wb").write(gzip.compress(data, 9, mtime=0))
open(path + ".br", "wb").write(brotli.compress(data, quality=11))
PY
if [ "$FRONT" = nginx ]; then serve "$APP_PORT"; else serve "$PORT"; fi
wait_for "http://127.0.0.1:$PORT/static/same-size-as-edition.html"

# The coding the server chose for a URL, checked before it is measured.
coding_of() {
  curl -s -o /dev/null -D - -H "Accept-Encoding: $2" "$1" \
    | awk -F': ' 'tolower($1) == "content-encoding" {gsub(/\r/, "", $2); print $2}'
}

rate() {
  local url=$1 accept=$2
  wrk --threads 2 --connections "$CONNECTIONS" --duration "${DURATION}s" --latency \
    -H "Accept-Encoding: $accept" "$url" | tee "$work/wrk.txt" >&2
  if grep -q "Non-2xx" "$work/wrk.txt"; then echo "errors in the run above" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' "$work/wrk.txt"
}

page_url="http://127.0.0.1:$PORT/updates/2014-12/"
static_url="http://127.0.0.1:$PORT/static/same-size-as-edition.html"
echo "Page: $(wc -c < "$work/page.html") bytes; front: $FRONT; $WORKERS workers, $CONNECTIONS connections, ${DURATION}s each" >&2
status=0
for encoding in $ENCODINGS; do
  for url in "$page_url" "$static_url"; do
    got=$(coding_of "$url" "$encoding")
    if [ "${got:-identity}" != "$encoding" ]; then
      echo "$url answered Accept-Encoding: $encoding with ${got:-identity}" >&2; exit 1
    fi
  done
  page_rate=$(rate "$page_url" "$encoding")
  static_rate=$(rate "$static_url" "$encoding")
  ratio=$(awk -v p="$page_rate" -v s="$static_rate" 'BEGIN {printf "%.2f", p / s}')
  echo "$encoding: published page: $page_rate req/s; static file: $static_rate req/s; ratio: $ratio (target >= $TARGET)"
  awk -v r="$ratio" -v t="$TARGET" 'BEGIN {exit !(r >= t)}' || status=1
done
exit "$status"
