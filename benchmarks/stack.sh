# Sourced by the benchmarks: the service's stack on loopback, as compose.yaml deploys it.
#   stack_prepare DB_NAME                       a temporary folder (`work`, removed on EXIT),
#                                               production settings but TLS, a fresh database
#   start_gunicorn PORT [gunicorn options...]   gunicorn.conf.py, bound to 127.0.0.1:PORT
#   start_front FRONT_PORT APP_PORT             nginx with deploy/nginx-site.conf in front of it
#   start_cache PORT                            a Redis on loopback, exported as CACHE_URL
#   stop_stack                                  stops both (the scripts call it on EXIT)
# Expects PYTHON to be set.

gunicorn_pid=""
nginx_pid=""
cache_pid=""

stack_prepare() {
  work=$(mktemp -d)
  trap 'stop_stack; stop_cache; rm -rf "$work"' EXIT
  # Production settings, except that there is no TLS on loopback to redirect to.
  export DEBUG=false SECURE_SSL_REDIRECT=false SECRET_KEY=benchmark-only-secret
  export ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=${LOG_LEVEL:-WARNING}
  export ENV_FILE="$work/none.env" STATIC_ROOT="$work/static"
  export DATABASE_URL=${DATABASE_URL:-sqlite:///$work/$1.sqlite3}
  touch "$ENV_FILE"
  $PYTHON manage.py migrate --no-input -v0
}

start_gunicorn() {
  local port=$1
  shift
  $PYTHON -m gunicorn oversight.wsgi -c gunicorn.conf.py --bind "127.0.0.1:$port" \
    --access-logfile /dev/null --log-level warning "$@" >>"$work/gunicorn.log" 2>&1 &
  gunicorn_pid=$!
}

# The shared cache production has (compose.yaml's `cache`): sessions are read from it.
start_cache() {
  local port=$1
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$work" >"$work/redis.log" 2>&1 &
  cache_pid=$!
  for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export CACHE_URL="redis://127.0.0.1:$port/0"
}

stop_cache() {
  if [ -n "$cache_pid" ]; then kill "$cache_pid" 2>/dev/null && wait "$cache_pid" 2>/dev/null; fi
  cache_pid=""
}

# nginx exactly as deploy/nginx-site.conf configures it; only its upstream and listen address
# are rewritten to loopback. The main context mirrors the official image's nginx.conf.
start_front() {
  local front_port=$1 app_port=$2 nginx
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  mkdir -p "$work/nginx"
  # nginx's workers run as nobody when started by root: they must reach their temp folders.
  chmod 711 "$work" && chmod 1777 "$work/nginx"
  sed -e "s/server web:8000;/server 127.0.0.1:$app_port;/" \
    -e "s/listen 80;/listen 127.0.0.1:$front_port;/" deploy/nginx-site.conf >"$work/site.conf"
  grep -q "server 127.0.0.1:$app_port;" "$work/site.conf" && grep -q "listen 127.0.0.1:$front_port;" "$work/site.conf" \
    || { echo "deploy/nginx-site.conf no longer has 'server web:8000;' and 'listen 80;'" >&2; return 1; }
  cat >"$work/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  sendfile on;
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  include $work/site.conf;
}
CONF
  "$nginx" -c "$work/nginx.conf" -e "$work/nginx-error.log" &
  nginx_pid=$!
}

# Waits until URL answers 200 (up to 20 s), saving the body to FILE if given.
wait_for() {
  local url=$1 file=${2:-/dev/null}
  for _ in $(seq 1 100); do curl -fs "$url" -o "$file" && return 0; sleep 0.2; done
  echo "no answer from $url" >&2
  return 1
}

stop_stack() {
  if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null; fi
  if [ -n "$gunicorn_pid" ]; then kill "$gunicorn_pid" 2>/dev/null && wait "$gunicorn_pid" 2>/dev/null; fi
  nginx_pid="" gunicorn_pid=""
}
