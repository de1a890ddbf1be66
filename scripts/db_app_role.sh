#!/usr/bin/env bash
# Create, or bring up to date, the database role the application runs as: it owns nothing,
# so it can neither disable the triggers that keep publications frozen nor drop anything. It
# may read, insert, update and delete rows, except publications and their PDFs, which it may
# only read and insert (and withdraw: reports 0013); it may never TRUNCATE. Migrations run as the OWNER of the tables,
# never as this role, and every table they create gives this role the same rights (default
# privileges). Safe to run again: it changes only the password and the grants.
#
#   APP_DB_PASSWORD=... DATABASE_URL=postgres://oversight:...@db.internal:5432/oversight scripts/db_app_role.sh
#
# DATABASE_URL connects to the application's database as the owner of its tables (or as a
# superuser, with DB_OWNER naming the owner); the role needs CREATEROLE to create a role.
# APP_DB_USER names the application's role (default oversight_app); DB_OWNER the owner
# (default: the user DATABASE_URL connects as). Needs psql 15 or newer.
#
# compose.yaml mounts this file in the PostgreSQL image's /docker-entrypoint-initdb.d/, which
# runs it once, when the database is first created (no DATABASE_URL: it connects as
# POSTGRES_USER to POSTGRES_DB over the local socket).
set -euo pipefail

: "${APP_DB_PASSWORD:?Set APP_DB_PASSWORD, the password of the application role}"
export APP_DB_PASSWORD
if [[ -n "${DATABASE_URL:-}" ]]; then
  connection=("$DATABASE_URL")
else
  connection=(--username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}")
fi

psql "${connection[@]}" --no-psqlrc --quiet --set ON_ERROR_STOP=1 \
  --set app="${APP_DB_USER:-oversight_app}" --set owner="${DB_OWNER:-}" <<'SQL'
\getenv app_password APP_DB_PASSWORD
SELECT COALESCE(NULLIF(:'owner', ''), current_user) AS owner, current_database() AS dbname \gset

-- The role: it may log in, and nothing else (no superuser, no new databases or roles).
SELECT format('CREATE ROLE %I', :'app')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
ALTER ROLE :"app" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'app_password';
GRANT CONNECT, TEMPORARY ON DATABASE :"dbname" TO :"app";

-- Nobody but the owner creates anything in the schema (PostgreSQL 15's default; older
-- servers let everyone), so the application's role can never own a table.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";

-- Rows, not tables: the tables there now, and those the owner's migrations create later.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app";

-- Publications and their PDFs: read and insert only (migration reports 0004 does the same
-- when it creates them after this script has run).
SELECT format('REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER ON %s FROM %I', name, :'app')
FROM unnest(ARRAY['reports_publication', 'reports_publicationpdf']) AS tables(name)
WHERE to_regclass(name) IS NOT NULL \gexec

-- Except the one change a publication may undergo, its withdrawal (migration reports 0013,
-- ADR 6): the three columns it replaces, and deleting its PDF. The triggers refuse the rest.
-- (The REVOKE above took the column grants too, so they are given again each run.)
SELECT format('GRANT UPDATE (withdrawn_at, content, body_html) ON reports_publication TO %I', :'app')
WHERE to_regprocedure('reports_publication_withdrawal_only()') IS NOT NULL \gexec
SELECT format('GRANT DELETE ON reports_publicationpdf TO %I', :'app')
WHERE to_regprocedure('reports_publicationpdf_withdrawal_only()') IS NOT NULL \gexec

\echo Role :app may use database :dbname; tables created by :owner are granted to it.
SQL
