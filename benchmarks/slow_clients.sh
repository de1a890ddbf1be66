#!/usr/bin/env bash
# The service keeps answering while slow clients hold connections open (issue 8): the stack
# as compose.yaml deploys it (nginx with deploy/nginx-site.conf in front of gunicorn with
# gunicorn.conf.py, DEBUG off) on loopback; 50 clients sending one header line a second and
# reconnecting when dropped; /healthz probed every 100 ms for 40 s. Prints the probes
# answered out of those sent and their p99; exits non-zero below 99 % answered or a p99 of 1 s.
#
#   benchmarks/slow_clients.sh                    # through nginx, temporary SQLite
#   FRONT=gunicorn benchmarks/slow_clients.sh     # gunicorn exposed directly: the failure
#   CLIENTS=50 DURATION=40 DATABASE_URL=postgres://postgres@127.0.0.1:5432/oversight_ops_slow benchmarks/slow_clients.sh
#
# Needs nginx (benchmarks/ensure_tools.sh installs it as root). Bounded: about DURATION + 30 s,
# at most 500 clients. Writes only to a temporary folder; stops its servers.
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-50}
DURATION=${DURATION:-40}
FRONT=${FRONT:-nginx}
PORT=${PORT:-8796}
APP_PORT=${APP_PORT:-8786}
PYTHON=${PYTHON:-.venv/bin/python}
[ "$FRONT" = nginx ] && benchmarks/ensure_tools.sh nginx

# shellcheck source=benchmarks/stack.sh
. benchmarks/stack.sh
stack_prepare slow
$PYTHON manage.py collectstatic --no-input -v0

if [ "$FRONT" = nginx ]; then
  start_gunicorn "$APP_PORT"
  start_front "$PORT" "$APP_PORT"
else
  start_gunicorn "$PORT"
fi
wait_for "http://127.0.0.1:$PORT/healthz"
workers=$($PYTHON -c "import runpy; print(runpy.run_path('gunicorn.conf.py')['workers'])")
echo "front: $FRONT; ${WEB_CONCURRENCY:-$workers} gunicorn workers; database: ${DATABASE_URL%%:*}" >&2

timeout $((DURATION + 30)) $PYTHON -u benchmarks/slow_clients.py "$PORT" --clients "$CLIENTS" --duration "$DURATION"
