"""The documented backup (pg_dump -Fc) restores (pg_restore) to the same data, word for word.

PostgreSQL only, and slow (10-20 s): it migrates and loads a scratch database in a
subprocess, as an operator would, dumps it, restores the dump into an empty database and
compares the two. The scratch databases are separate from the test database and dropped at
the end. Deselect with `-m "not slow"`.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Each pytest-xdist worker scratches in databases of its own.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
SOURCE = f"oversight_ops_backup_src_{_WORKER}"
RESTORED = f"oversight_ops_backup_dst_{_WORKER}"
OUR_APPS = ("oversight", "recommendations", "forces", "reports")


def server() -> dict[str, str]:
    """How to reach the PostgreSQL server the tests use."""
    database = settings.DATABASES["default"]
    return {
        "host": database["HOST"] or "localhost",
        "port": str(database["PORT"] or 5432),
        "user": database["USER"],
        "password": database["PASSWORD"] or "",
    }


def database_url(name: str) -> str:
    conn = server()
    credentials = quote(conn["user"], safe="")
    if conn["password"]:
        credentials += ":" + quote(conn["password"], safe="")
    return f"postgres://{credentials}@{conn['host']}:{conn['port']}/{name}"


def connect(name: str, **kwargs) -> psycopg.Connection:
    conn = server()
    return psycopg.connect(
        host=conn["host"],
        port=conn["port"],
        user=conn["user"],
        password=conn["password"] or None,
        dbname=name,
        **kwargs,
    )


def recreate(*names: str) -> None:
    with connect("postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')


def drop(*names: str) -> None:
    with connect("postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(command: list[str], *, env: dict[str, str]) -> None:
    result = subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"{command[:3]} failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture
def scratch_databases(tmp_path) -> Iterator[dict[str, str]]:
    """Empty source and target databases, and the environment the commands run with."""
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore are PostgreSQL tools: set DATABASE_URL to run this")
    for tool in ("pg_dump", "pg_restore"):
        assert shutil.which(tool), f"{tool} is needed to back up PostgreSQL"
    conn = server()
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")
    env = {
        **os.environ,
        "ENV_FILE": str(empty_env_file),
        "SECRET_KEY": "backup-test-only",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "PGHOST": conn["host"],
        "PGPORT": conn["port"],
        "PGUSER": conn["user"],
        "PGPASSWORD": conn["password"],
    }
    recreate(SOURCE, RESTORED)
    try:
        yield env
    finally:
        drop(SOURCE, RESTORED)


def row_counts(name: str) -> dict[str, int]:
    with connect(name) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
        return {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for (table,) in tables
        }


def sequence_values(name: str) -> dict[str, int | None]:
    """Where each id sequence stands: a restore that reset them would collide on insert."""
    with connect(name) as conn:
        return dict(
            conn.execute(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
            ).fetchall()
        )


def publications(name: str) -> list[tuple]:
    with connect(name) as conn:
        return conn.execute(
            "SELECT id, edition_id, revision, published_at, published_by_id, change_note,"
            " content::text, body_html FROM reports_publication ORDER BY id"
        ).fetchall()


def test_a_dump_restores_to_the_same_data_and_keeps_publications_frozen(
    scratch_databases, tmp_path
):
    env = scratch_databases
    dump = tmp_path / "oversight.dump"
    manage = [sys.executable, "manage.py"]
    run([*manage, "migrate", "--no-input"], env={**env, "DATABASE_URL": database_url(SOURCE)})
    run([*manage, "load_hmic_2014"], env={**env, "DATABASE_URL": database_url(SOURCE)})

    # The commands in docs/operations.md.
    run(["pg_dump", "--format=custom", f"--file={dump}", SOURCE], env=env)
    run(
        [
            "pg_restore",
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            f"--dbname={RESTORED}",
            str(dump),
        ],
        env=env,
    )

    counts = row_counts(SOURCE)
    assert row_counts(RESTORED) == counts
    for app in OUR_APPS:
        assert any(table.startswith(f"{app}_") for table in counts), f"no tables for {app}"
    assert counts["reports_publication"] == 1
    assert counts["forces_force"] == 43
    assert sequence_values(RESTORED) == sequence_values(SOURCE)

    published = publications(SOURCE)
    assert publications(RESTORED) == published
    assert "Domestic abuse" in published[0][-1]

    # The trigger came back with the data: the restored copy still refuses to change history.
    with connect(RESTORED) as conn:
        for statement in (
            "UPDATE reports_publication SET body_html = body_html || ' edited'",
            "DELETE FROM reports_publication",
        ):
            with (
                pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="never change"),
                conn.transaction(),
            ):
                conn.execute(statement)
