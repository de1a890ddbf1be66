#!/usr/bin/env bash
# Write the secret files compose.yaml reads, once, with random values:
#   compose.env          SECRET_KEY, and DATABASE_URL as the application's role (oversight_app),
#                        for web and every other service that runs the application
#   compose.migrate.env  DATABASE_URL as the owner of the tables (oversight), for migrate only
#   compose.db.env       POSTGRES_PASSWORD (the owner's) and APP_DB_PASSWORD, for the database
# Leaves existing files alone (a new password would not match the database already made).
set -euo pipefail
cd "$(dirname "$0")/.."

files=(compose.env compose.migrate.env compose.db.env)
existing=()
for file in "${files[@]}"; do [[ -e $file ]] && existing+=("$file"); done
if [[ ${#existing[@]} -eq ${#files[@]} ]]; then
  echo "${files[*]} already exist: left as they are." >&2
  exit 0
fi
if [[ ${#existing[@]} -gt 0 ]]; then
  # Made before the two database roles: docs/operations.md says how to move to them.
  echo "Only ${existing[*]} exist(s), from before the application had its own database role:" \
    "see 'Database roles' in docs/operations.md. Nothing written." >&2
  exit 1
fi

token() { python3 -c "import secrets, sys; print(secrets.token_urlsafe(int(sys.argv[1])))" "$1"; }
owner_password=$(token 24)
app_password=$(token 24)
umask 077
printf 'SECRET_KEY=%s\nDATABASE_URL=postgres://oversight_app:%s@db:5432/oversight\n' \
  "$(token 50)" "$app_password" > compose.env
printf 'DATABASE_URL=postgres://oversight:%s@db:5432/oversight\n' "$owner_password" > compose.migrate.env
printf 'POSTGRES_PASSWORD=%s\nAPP_DB_PASSWORD=%s\n' "$owner_password" "$app_password" > compose.db.env
echo "Wrote ${files[*]} (readable by you only). Keep them out of git."
