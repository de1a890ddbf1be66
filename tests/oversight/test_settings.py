"""Settings are read from the environment; production refuses to start without a secret."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'], settings.ALLOWED_HOSTS)"
)


def start_django(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter, with only the given variables set."""
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")
    clean = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS"}
    }
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=PROJECT_ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "oversight.settings",
            "ENV_FILE": str(empty_env_file),
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = start_django(tmp_path, DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("empty_secret", ["", "   "])
def test_an_empty_secret_key_counts_as_missing(tmp_path, empty_secret):
    result = start_django(tmp_path, DEBUG="false", SECRET_KEY=empty_secret)

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_starts_with_a_secret_key_and_reads_hosts(tmp_path):
    result = start_django(
        tmp_path, DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="oversight.example.gov.uk"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "django.db.backends.sqlite3",
        "['oversight.example.gov.uk']",
    ]


def test_local_development_needs_no_secret_and_uses_sqlite(tmp_path):
    result = start_django(tmp_path, DEBUG="true")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["True", "django.db.backends.sqlite3"]


def test_database_url_selects_postgresql(tmp_path):
    result = start_django(
        tmp_path, DEBUG="true", DATABASE_URL="postgres://postgres@127.0.0.1:5432/oversight"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "django.db.backends.postgresql"
