#!/usr/bin/env bash
# Throughput of the public and members' pages, each side by side with a static file of the same
# size served by whitenoise from the same server, in one run (issue 13). gunicorn as configured
# for production (gunicorn.conf.py, DEBUG off), wrk over loopback, 50 connections.
# Reports requests/s, p50, p99 and errors per page and the page's ratio to its static file.
# Goals: the published update >= 0.9, every other public page >= 0.5, members' pages >= 0.3,
# 0 errors. Then the peak RSS (VmHWM) of each gunicorn worker after the run.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/oversight_bench_n1 benchmarks/throughput.sh
#   DURATION=30 CONNECTIONS=50 WORKERS=2 benchmarks/throughput.sh     # a temporary SQLite
#
# With DATABASE_URL it measures that database as it is (benchmarks/page_costs.py makes one at
# any factor: oversight_bench_n1, oversight_bench_n100); without, a fresh SQLite with the 2014
# data. Search is PostgreSQL's full-text search only on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-50}
WORKERS=${WORKERS:-2}
PORT=${PORT:-8797}
PYTHON=${PYTHON:-.venv/bin/python}
benchmarks/ensure_tools.sh wrk redis-server

# shellcheck source=benchmarks/stack.sh
. benchmarks/stack.sh
stack_prepare throughput
# Sessions read from a shared Redis, as production runs (ADR 9); CACHE=none measures without.
if [ "${CACHE:-redis}" = redis ]; then start_cache "$((PORT + 1))"; fi
$PYTHON manage.py collectstatic --no-input -v0
if [ "$($PYTHON manage.py shell --verbosity 0 -c 'from reports.models import Publication; print(Publication.objects.exists())')" != True ]; then
  $PYTHON manage.py load_hmic_2014 >/dev/null
fi
DEBUG=true $PYTHON manage.py create_demo_users >/dev/null  # it refuses with DEBUG off

# A signed-in member's session, made as signing in makes one.
session=$($PYTHON manage.py shell --verbosity 0 -c '
from importlib import import_module
from django.conf import settings
from django.contrib.auth import get_user_model, BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
user = get_user_model().objects.get(username="member")
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(store.session_key)')
# And the CSRF cookie a browser sends back from its first page on: the dashboard is kept per
# person and CSRF secret only once the member has one (oversight/personal_pages.py, ADR 8).
csrf=$($PYTHON -c 'from django.utils.crypto import get_random_string; print(get_random_string(32))')
edition=$($PYTHON manage.py shell --verbosity 0 -c '
from reports.models import Publication
print(Publication.objects.order_by("-published_at").values_list("edition__slug", flat=True).first())')

# label|goal|path|cookie
pages=(
  "published update|0.9|/updates/$edition/|"
  "recommendations|0.5|/recommendations/|"
  "recommendation 4|0.5|/recommendations/4/|"
  "forces|0.5|/forces/|"
  "search: risk|0.5|/search/?q=risk|"
  "dataset: progress updates CSV|0.5|/data/progress-updates.csv|"
  "members' dashboard|0.3|/members/|sessionid=$session; csrftoken=$csrf"
)

# First pass: each page's body, to make a static file of exactly its size.
start_gunicorn "$PORT" --workers "$WORKERS"
wait_for "http://127.0.0.1:$PORT/healthz"
i=0
for entry in "${pages[@]}"; do
  IFS='|' read -r label goal path cookie <<<"$entry"
  curl -fs -H "Cookie: $cookie" "http://127.0.0.1:$PORT$path" -o "$work/page-$i" \
    || { echo "$label ($path) did not answer 200" >&2; exit 1; }
  cp "$work/page-$i" "$STATIC_ROOT/same-size-$i.html"
  i=$((i + 1))
done
stop_stack
start_gunicorn "$PORT" --workers "$WORKERS"
wait_for "http://127.0.0.1:$PORT/static/same-size-0.html"

# Prints "requests/s p50 p99 errors" for one wrk run.
measure() {
  local url=$1 cookie=$2
  wrk --threads 2 --connections "$CONNECTIONS" --duration "${DURATION}s" --latency \
    -H "Accept-Encoding: identity" ${cookie:+-H "Cookie: $cookie"} "$url" >"$work/wrk.txt"
  awk '
    /Requests\/sec/ {rate = $2}
    /^ +50%/ {p50 = $2}
    /^ +99%/ {p99 = $2}
    /Non-2xx/ {errors += $NF}
    /Socket errors/ {gsub(",", ""); errors += $4 + $6 + $8 + $10}
    END {printf "%s %s %s %d\n", rate, p50, p99, errors}' "$work/wrk.txt"
}

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD), $(nproc) cores," \
  "$WORKERS workers, $CONNECTIONS connections, ${DURATION}s each, ${DATABASE_URL%%:*}," \
  "sessions: ${CACHE_URL:+redis in front of the }database"
echo "| page | bytes | page req/s | p50 | p99 | errors | static req/s | ratio | goal | meets |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
status=0
i=0
for entry in "${pages[@]}"; do
  IFS='|' read -r label goal path cookie <<<"$entry"
  read -r page_rate p50 p99 errors <<<"$(measure "http://127.0.0.1:$PORT$path" "$cookie")"
  read -r static_rate _ _ static_errors <<<"$(measure "http://127.0.0.1:$PORT/static/same-size-$i.html" "")"
  ratio=$(awk -v p="$page_rate" -v s="$static_rate" 'BEGIN {printf "%.2f", p / s}')
  meets=$(awk -v r="$ratio" -v g="$goal" -v e="$((errors + static_errors))" 'BEGIN {print (r >= g && e == 0) ? "yes" : "no"}')
  [ "$meets" = yes ] || status=1
  echo "| $label | $(wc -c <"$work/page-$i") | $page_rate | $p50 | $p99 | $errors | $static_rate | $ratio | $goal | $meets |"
  i=$((i + 1))
done

# Peak resident memory of each worker (the master's children) after the run.
for worker in $(pgrep -P "$gunicorn_pid" || true); do
  echo "worker $worker peak RSS: $(awk '/VmHWM/ {print $2, $3}' "/proc/$worker/status")"
done
exit "$status"
