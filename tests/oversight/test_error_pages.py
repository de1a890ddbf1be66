"""With DEBUG off every error is a GOV.UK-styled page that gives nothing away."""

import pytest
from django.test import Client, override_settings

from oversight.csp import JS_ENABLED_SCRIPT

pytestmark = pytest.mark.django_db

ERROR_URLCONF = "tests.oversight.error_urls"


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["oversight.example.gov.uk", "testserver"]


def assert_govuk_error_page(response, status: int, heading: str) -> None:
    html = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert '<html lang="en-GB" class="govuk-template">' in html
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html
    assert 'href="/"' in html  # the way back to the home page
    assert f"<script>{JS_ENABLED_SCRIPT}</script>" in html  # even where there is no context
    for leak in ("Traceback", "Exception", "settings.py", "s3cr3t", "DEBUG"):
        assert leak not in html
    # Error pages pass through the same security headers as every other page.
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"


def test_a_forged_host_header_gets_the_400_page(anonymous_client):
    response = anonymous_client.get("/", headers={"host": "attacker.example"}, secure=True)

    assert_govuk_error_page(response, 400, "Sorry, we could not understand that request")
    assert "attacker.example" not in response.content.decode()


def test_the_real_host_is_served(anonymous_client):
    response = anonymous_client.get("/", headers={"host": "oversight.example.gov.uk"}, secure=True)

    assert response.status_code == 200


def test_an_unknown_address_gets_the_404_page(anonymous_client):
    response = anonymous_client.get("/no-such-page/", secure=True)

    assert_govuk_error_page(response, 404, "Page not found")


@override_settings(ROOT_URLCONF=ERROR_URLCONF)
def test_a_suspicious_request_gets_the_400_page(anonymous_client):
    response = anonymous_client.get("/test-errors/400/", secure=True)

    assert_govuk_error_page(response, 400, "Sorry, we could not understand that request")


@override_settings(ROOT_URLCONF=ERROR_URLCONF)
def test_permission_denied_gets_the_403_page(anonymous_client):
    response = anonymous_client.get("/test-errors/403/", secure=True)

    assert_govuk_error_page(response, 403, "You do not have access to this page")


def test_a_form_without_its_csrf_token_gets_the_csrf_403_page():
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/admin/login/",
        {"username": "someone", "password": "anything"},
        headers={"origin": "https://testserver"},
        secure=True,
    )

    assert_govuk_error_page(response, 403, "Your form could not be sent")


@override_settings(ROOT_URLCONF=ERROR_URLCONF)
def test_an_unhandled_exception_gets_the_500_page():
    client = Client(raise_request_exception=False)

    response = client.get("/test-errors/500/", secure=True)

    assert_govuk_error_page(response, 500, "Sorry, there is a problem with the service")
