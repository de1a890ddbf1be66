#!/usr/bin/env bash
# Write the two secret files compose.yaml reads, once, with random values:
#   compose.env     SECRET_KEY and DATABASE_URL, for the web and migrate services
#   compose.db.env  POSTGRES_PASSWORD, for the database service
# Leaves existing files alone (a new password would not match the database already made).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -e compose.env || -e compose.db.env ]]; then
  echo "compose.env or compose.db.env already exists: left as it is." >&2
  exit 0
fi

token() { python3 -c "import secrets, sys; print(secrets.token_urlsafe(int(sys.argv[1])))" "$1"; }
password=$(token 24)
umask 077
printf 'SECRET_KEY=%s\nDATABASE_URL=postgres://oversight:%s@db:5432/oversight\n' \
  "$(token 50)" "$password" > compose.env
printf 'POSTGRES_PASSWORD=%s\n' "$password" > compose.db.env
echo "Wrote compose.env and compose.db.env (readable by you only). Keep them out of git."
