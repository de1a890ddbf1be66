"""Settings are read from the environment; production refuses to start without a secret."""

import subprocess
from pathlib import Path

import pytest

from tests.oversight.fresh_process import settings_in_a_fresh_process

PRINT_SETTINGS = (
    "from django.conf import settings; "
    "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'], settings.ALLOWED_HOSTS)"
)


def start_django(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter, with only the given variables set."""
    return settings_in_a_fresh_process(
        tmp_path,
        PRINT_SETTINGS,
        {"SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS"},
        **environment,
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
