"""/healthz tells a load balancer whether this process can serve: it asks the database now."""

import importlib.util
import json
from pathlib import Path

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["anonymous_client", "member_client", "secretariat_client"])
def test_healthy_when_the_database_answers(persona, request):
    client = request.getfixturevalue(persona)

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_head_is_answered_too(anonymous_client):
    response = anonymous_client.head(reverse("healthz"))

    assert response.status_code == 200
    assert response.content == b""


def test_unavailable_when_the_database_refuses_and_nothing_leaks(
    anonymous_client, monkeypatch, caplog
):
    def refuse(self, sql, params=None):
        raise OperationalError('connection to server at "db.internal" (10.0.0.5) failed')

    monkeypatch.setattr(CursorWrapper, "execute", refuse)

    response = anonymous_client.get(reverse("healthz"))

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable"}
    assert "no-store" in response["Cache-Control"]
    assert b"db.internal" not in response.content
    assert b"OperationalError" not in response.content
    # The operators still learn why, from the log.
    assert "event=healthz_failed error=OperationalError" in caplog.text


def test_answered_over_plain_http_when_the_site_redirects_to_https(anonymous_client, settings):
    # Load balancers and the container HEALTHCHECK ask inside the network, without TLS.
    settings.SECURE_SSL_REDIRECT = True

    assert anonymous_client.get(reverse("healthz")).status_code == 200
    assert anonymous_client.get(reverse("home")).status_code == 301


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_get_and_head_are_allowed(method):
    # A real client's POST carries no CSRF token: refused as the wrong method, not as a forgery.
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)(reverse("healthz"))

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def healthcheck_script():
    """scripts/healthcheck.py, the image's HEALTHCHECK, loaded as a module."""
    path = Path(__file__).resolve().parents[2] / "scripts" / "healthcheck.py"
    spec = importlib.util.spec_from_file_location("healthcheck", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [
        ("oversight.example.gov.uk,localhost", "oversight.example.gov.uk"),
        (" .example.org ", "example.org"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_the_container_healthcheck_names_a_host_django_accepts(allowed_hosts, host, monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", allowed_hosts)

    assert healthcheck_script().allowed_host() == host


def test_the_container_healthcheck_fails_when_nothing_answers(monkeypatch):
    monkeypatch.setenv("PORT", "9")  # discard: nothing listens there

    assert healthcheck_script().main() == 1
