"""Security headers, cookies and HTTPS, under the settings production runs with."""

import hashlib
import os
import re
import secrets
import shutil
import subprocess
import sys
from base64 import b64encode
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from oversight.csp import JS_ENABLED_SCRIPT_HASH
from reports.middleware import published_page_cache_clear
from tests.oversight.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

PROJECT_ROOT = Path(__file__).resolve().parents[2]
EDITION_URL = "/updates/2014-12/"
ONE_YEAR = 31_536_000
INLINE_SCRIPT = re.compile(r"<script(?P<attributes>[^>]*)>(?P<text>.*?)</script>", re.DOTALL)


@pytest.fixture(autouse=True)
def production(settings):
    """What oversight/settings.py gives with DEBUG off (tests may switch the redirect off)."""
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = ONE_YEAR
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True


@pytest.fixture
def loaded_2014(db):
    call_command("load_hmic_2014", stdout=StringIO())


@pytest.fixture
def page_cache(settings):
    settings.PUBLISHED_PAGE_CACHE_SECONDS = 10
    published_page_cache_clear()
    yield
    published_page_cache_clear()


def content_security_policy(response) -> dict[str, list[str]]:
    """The CSP header as {directive: [sources]}."""
    policy = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *sources = directive.split()
        policy[name] = sources
    return policy


def assert_security_headers(response) -> None:
    hsts = response["Strict-Transport-Security"]
    assert int(re.fullmatch(r"max-age=(\d+).*", hsts)[1]) >= ONE_YEAR
    assert "includeSubDomains" in hsts.split("; ")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = dict(item.split("=") for item in response["Permissions-Policy"].split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert permissions[feature] == "()"

    policy = content_security_policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'", JS_ENABLED_SCRIPT_HASH]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    everything = " ".join(response["Content-Security-Policy"].split())
    assert "unsafe-inline" not in everything
    assert "unsafe-eval" not in everything
    assert "nonce-" not in everything  # pages are cached whole: a nonce would go stale


def assert_inline_scripts_allowed_by_hash(response) -> None:
    """Every script in the page is a file or an inline script whose hash the policy allows."""
    allowed = set(content_security_policy(response)["script-src"])
    scripts = INLINE_SCRIPT.findall(response.content.decode())
    assert scripts
    for attributes, text in scripts:
        if "src=" in attributes:
            assert not text.strip()
        else:
            digest = b64encode(hashlib.sha256(text.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in allowed, f"inline script not allowed: {text[:60]}"


def test_a_public_page_has_the_headers_fresh_and_from_the_page_cache(
    loaded_2014, page_cache, anonymous_client, django_assert_num_queries
):
    fresh = anonymous_client.get(EDITION_URL, secure=True)
    with django_assert_num_queries(0):  # served from the worker's memory
        cached = anonymous_client.get(EDITION_URL, secure=True)

    for response in (fresh, cached):
        assert response.status_code == 200
        assert_security_headers(response)
        assert_inline_scripts_allowed_by_hash(response)
    assert cached.content == fresh.content


def test_a_members_page_has_the_headers(loaded_2014, member_client):
    response = member_client.get("/members/", secure=True)

    assert response.status_code == 200
    assert_security_headers(response)
    assert_inline_scripts_allowed_by_hash(response)


def test_the_admin_has_the_headers(anonymous_client):
    response = anonymous_client.get("/admin/login/", secure=True)

    assert response.status_code == 200
    assert_security_headers(response)
    assert_inline_scripts_allowed_by_hash(response)


def test_a_file_download_has_the_headers(loaded_2014, anonymous_client):
    call_command("make_publication_pdfs", stdout=StringIO())  # as the job would after publishing

    response = anonymous_client.get("/updates/2014-12.pdf", secure=True)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert_security_headers(response)


def test_plain_http_is_redirected_to_https(anonymous_client):
    response = anonymous_client.get("/updates/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/updates/"


def test_https_is_recognised_behind_a_tls_terminating_proxy(settings, anonymous_client):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    response = anonymous_client.get("/updates/", headers={"x-forwarded-proto": "https"})

    assert response.status_code == 200
    assert "Strict-Transport-Security" in response


def test_signing_in_sets_secure_httponly_samesite_cookies():
    StaffUserFactory(username="secretariat", password="a long and unusual passphrase")
    client = Client(enforce_csrf_checks=True)
    form = client.get("/admin/login/", secure=True)
    csrf_cookie = form.cookies["csrftoken"]

    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": "secretariat",
            "password": "a long and unusual passphrase",
            "csrfmiddlewaretoken": csrf_cookie.value,
            "next": "/admin/",
        },
        headers={"origin": "https://testserver"},
        secure=True,
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["secure"] is True
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"
    assert csrf_cookie["secure"] is True
    assert csrf_cookie["samesite"] == "Lax"


def test_deploy_checks_pass_with_production_environment(tmp_path):
    """What CI runs: no warning at all from `check --deploy` under production variables."""
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_ROOT,
        # Only what production sets: nothing from this test run's own environment leaks in.
        env={
            "PATH": os.environ["PATH"],
            "ENV_FILE": str(empty_env_file),
            "DJANGO_SETTINGS_MODULE": "oversight.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "oversight.example.gov.uk",
            "DATABASE_URL": "postgres://oversight@db.example.internal:5432/oversight",
            "BEHIND_TLS_PROXY": "true",
            "CSRF_TRUSTED_ORIGINS": "https://oversight.example.gov.uk",
            "EMAIL_URL": "smtp+tls://oversight:not-a-real-password@smtp.example.gov.uk:587",
            "DEFAULT_FROM_EMAIL": "National Oversight Group <oversight-noreply@homeoffice.gov.uk>",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_collectstatic_points_the_init_module_at_the_hashed_govuk_frontend(settings, tmp_path):
    """The script file that replaced the inline one imports the file production serves."""
    # Only the files involved, so the test need not compress every font and admin script.
    source, collected = tmp_path / "static", tmp_path / "collected"
    for name in (
        "js/govuk-init.mjs",
        "govuk/govuk-frontend.min.js",
        "govuk/govuk-frontend.min.js.map",
    ):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT_ROOT / "static" / name, source / name)
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = collected
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "oversight.storage.ManifestStaticFilesStorage"},
    }

    call_command("collectstatic", interactive=False, verbosity=0)

    [module] = (collected / "js").glob("govuk-init.*.mjs")
    [bundle] = (collected / "govuk").glob("govuk-frontend.min.*.js")
    assert f'import {{ initAll }} from "../govuk/{bundle.name}";' in module.read_text()
