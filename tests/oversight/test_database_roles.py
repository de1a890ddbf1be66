"""The application's database role cannot wipe, change or unfreeze publications; the owner
cannot TRUNCATE them either (migration reports 0004, scripts/db_app_role.sh).

PostgreSQL only, and slow (10-20 s): as docs/operations.md sets a database up, a scratch
database owned by a plain owner role, the application's role made by scripts/db_app_role.sh
before the owner migrates (as in compose.yaml) and again afterwards, and the 2014 data loaded
by the application's role. Then it connects as each role and tries. The scratch database and
both roles are dropped at the end.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from psycopg import errors

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ROLE_SCRIPT = PROJECT_ROOT / "scripts" / "db_app_role.sh"


@dataclass(frozen=True)
class Server:
    host: str
    port: str
    superuser: str
    password: str

    def url(self, user: str, password: str, database: str) -> str:
        credentials = quote(user, safe="")
        if password:
            credentials += ":" + quote(password, safe="")
        return f"postgres://{credentials}@{self.host}:{self.port}/{database}"

    def connect(self, database: str, user: str | None = None, password: str | None = None):
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=user or self.superuser,
            password=(password if user else self.password) or None,
            dbname=database,
            autocommit=True,
        )


@dataclass(frozen=True)
class Setup:
    server: Server
    database: str
    owner: str
    app: str
    password: str  # both roles'

    def as_owner(self):
        return self.server.connect(self.database, self.owner, self.password)

    def as_app(self):
        return self.server.connect(self.database, self.app, self.password)


def run(command: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, f"{command[:3]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def drop_everything(server: Server, database: str, *roles: str) -> None:
    with server.connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        for role in roles:
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')


@pytest.mark.django_db
def test_truncate_is_refused_unless_the_session_says_so() -> None:
    """The trigger itself, in the test database (whose connections allow TRUNCATE for the flush)."""
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's: set DATABASE_URL to run this")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL oversight.allow_truncate = off")
        for table in ("reports_publication", "reports_publicationpdf"):
            with pytest.raises(IntegrityError, match="never change"), transaction.atomic():
                cursor.execute(f"TRUNCATE {table} CASCADE")
        cursor.execute("SET LOCAL oversight.allow_truncate = on")
        cursor.execute("TRUNCATE reports_publication CASCADE")  # rolled back after the test


@pytest.fixture(scope="module")
def roles_database(tmp_path_factory) -> Iterator[Setup]:
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's: set DATABASE_URL to run this")
    database_settings = settings.DATABASES["default"]
    server = Server(
        host=database_settings["HOST"] or "localhost",
        port=str(database_settings["PORT"] or 5432),
        superuser=database_settings["USER"],
        password=database_settings["PASSWORD"] or "",
    )
    # Names of their own (roles are shared by every database on the server).
    base = f"{database_settings['NAME']}_roles"
    setup = Setup(server, base, f"{base}_owner", f"{base}_app", "roles-test-only-password")
    drop_everything(server, setup.database, setup.app, setup.owner)
    with server.connect("postgres") as admin:
        admin.execute(f"CREATE ROLE \"{setup.owner}\" LOGIN PASSWORD '{setup.password}'")
        admin.execute(f'CREATE DATABASE "{setup.database}" OWNER "{setup.owner}"')

    empty_env_file = tmp_path_factory.mktemp("roles") / "empty.env"
    empty_env_file.write_text("")
    env = {
        **os.environ,
        "ENV_FILE": str(empty_env_file),
        "SECRET_KEY": "roles-test-only",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    role_script_env = {
        **env,
        "DATABASE_URL": server.url(server.superuser, server.password, setup.database),
        "APP_DB_USER": setup.app,
        "APP_DB_PASSWORD": setup.password,
        "DB_OWNER": setup.owner,
    }
    try:
        run([str(ROLE_SCRIPT)], role_script_env)  # before the tables exist, as in compose
        owner_url = server.url(setup.owner, setup.password, setup.database)
        run(
            [sys.executable, "manage.py", "migrate", "--no-input"],
            {**env, "DATABASE_URL": owner_url},
        )
        run([str(ROLE_SCRIPT)], role_script_env)  # and again: it may be rerun at any time
        app_url = server.url(setup.app, setup.password, setup.database)
        # The application's normal work: the load publishes the December 2014 edition.
        run([sys.executable, "manage.py", "load_hmic_2014"], {**env, "DATABASE_URL": app_url})
        yield setup
    finally:
        drop_everything(server, setup.database, setup.app, setup.owner)


REFUSED_TO_THE_APPLICATION = [
    "TRUNCATE reports_publication",
    "TRUNCATE reports_publication CASCADE",
    "TRUNCATE reports_publicationpdf CASCADE",
    "TRUNCATE reports_quarterlyupdate CASCADE",  # would cascade into the publications
    "ALTER TABLE reports_publication DISABLE TRIGGER reports_publication_immutable",
    "ALTER TABLE reports_publication DISABLE TRIGGER ALL",
    "ALTER TABLE reports_publicationpdf DISABLE TRIGGER ALL",
    "DROP TRIGGER reports_publication_no_truncate ON reports_publication",
    "UPDATE reports_publication SET change_note = 'Rewritten'",
    "UPDATE reports_publication SET published_at = now()",
    "DELETE FROM reports_publication",
    "UPDATE reports_publicationpdf SET content = ''",
    "DROP TABLE reports_publication CASCADE",
    "CREATE TABLE reports_shadow (id int)",  # it can own nothing
]


# The role may withdraw a revision (reports 0013): these columns and PDFs are granted, and the
# trigger refuses every change that is not a withdrawal.
REFUSED_BY_THE_TRIGGER = [
    "UPDATE reports_publication SET body_html = 'Rewritten'",
    "UPDATE reports_publication SET withdrawn_at = now()",  # its text still there
    "DELETE FROM reports_publicationpdf",  # of a publication not withdrawn
]

WITHDRAW_REVISION_2 = """
UPDATE reports_publication SET withdrawn_at = now(),
    content = '{"schema_version": 3, "foreword": {"paragraphs": []}, "sections": [],
                "withdrawn": {"on": "2015-01-05", "notice": "Withdrawn."}}',
    body_html = '<div data-withdrawn-notice>Withdrawn.</div>'
WHERE revision = 2
"""


@pytest.mark.slow
def test_the_application_role_cannot_wipe_change_or_unfreeze_publications(roles_database):
    setup = roles_database
    with setup.as_app() as app:
        count = app.execute("SELECT count(*) FROM reports_publication").fetchone()[0]
        assert count >= 1  # the load, as this role, published December 2014
        owned = app.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles"
            " WHERE rolname = current_user)"
        ).fetchone()[0]
        assert owned == 0
        assert not app.execute(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()[0]

        for statement in REFUSED_TO_THE_APPLICATION:
            with pytest.raises(errors.InsufficientPrivilege):
                app.execute(statement)
        # A PDF to try to delete (inserting one is the role's normal work).
        app.execute(
            "INSERT INTO reports_publicationpdf (publication_id, content, file, created_at)"
            " SELECT id, '%PDF-1.7', '', now() FROM reports_publication WHERE revision = 1"
        )
        for statement in REFUSED_BY_THE_TRIGGER:
            with pytest.raises(errors.IntegrityConstraintViolation, match="never change"):
                app.execute(statement)
        # The test suite's way past the TRUNCATE trigger gives it nothing: it lacks the right.
        app.execute("SET oversight.allow_truncate = on")
        with pytest.raises(errors.InsufficientPrivilege):
            app.execute("TRUNCATE reports_publication CASCADE")

        assert app.execute("SELECT count(*) FROM reports_publication").fetchone()[0] == count


@pytest.mark.slow
def test_the_application_role_still_does_its_work(roles_database):
    setup = roles_database
    with setup.as_app() as app:
        # A correction: a second revision, inserted with the next id from the sequence.
        app.execute(
            "INSERT INTO reports_publication"
            " (edition_id, revision, published_at, change_note, content, body_html)"
            " SELECT edition_id, 2, now(), 'Corrected a date', content, body_html"
            " FROM reports_publication WHERE revision = 1"
        )
        app.execute(
            "INSERT INTO reports_publicationpdf (publication_id, content, file, created_at)"
            " SELECT id, '%PDF-1.7', '', now() FROM reports_publication WHERE revision = 2"
        )
        revisions = app.execute(
            "SELECT revision FROM reports_publication ORDER BY revision"
        ).fetchall()
        assert revisions == [(1,), (2,)]
        assert (
            app.execute(
                "SELECT count(*) FROM reports_publicationpdf JOIN reports_publication"
                " ON publication_id = id WHERE revision = 2"
            ).fetchone()[0]
            == 1
        )
        # Withdrawing revision 2 (reports/withdrawal.py): its text replaced, its PDF deleted.
        assert app.execute(WITHDRAW_REVISION_2).rowcount == 1
        app.execute(
            "DELETE FROM reports_publicationpdf WHERE publication_id IN"
            " (SELECT id FROM reports_publication WHERE revision = 2)"
        )
        # Everything else it may change: records staff edit, sessions it ends.
        assert app.execute("UPDATE recommendations_recommendation SET text = text").rowcount == 11
        app.execute("DELETE FROM django_session")


@pytest.mark.slow
def test_not_even_the_owner_can_truncate_publications(roles_database):
    setup = roles_database
    with setup.as_owner() as owner:
        count = owner.execute("SELECT count(*) FROM reports_publication").fetchone()[0]
        assert count >= 1
        for statement in (
            "TRUNCATE reports_publication CASCADE",
            "TRUNCATE reports_publication, reports_publicationpdf, reports_compressedpage, "
            "reports_alertdelivery, reports_searchpassage, reports_publicationwithdrawal",
            "TRUNCATE reports_publicationpdf",
            "TRUNCATE reports_quarterlyupdate CASCADE",
        ):
            with pytest.raises(errors.IntegrityConstraintViolation, match="never change"):
                owner.execute(statement)
        assert owner.execute("SELECT count(*) FROM reports_publication").fetchone()[0] == count
