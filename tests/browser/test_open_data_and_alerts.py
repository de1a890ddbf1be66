"""A visitor reuses the open data and signs up for e-mail alerts, which reach them over SMTP."""

import csv
import io
import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from reports.models import AlertSubscription
from tests.browser.axe import assert_accessible
from tests.oversight.jobs import run_queued_jobs
from tests.oversight.smtp import smtp_server
from tests.reports.factories import ReadyToPublishQuarterlyUpdateFactory
from tests.reports.publishing import publish_for_test

ADDRESS = "reader@example.org"


@pytest.fixture
def loaded_2014(transactional_db) -> None:
    call_command("load_hmic_2014", stdout=StringIO())


@pytest.fixture
def mail_server(settings, live_server):
    """Mail goes through a real SMTP server on loopback; links in alerts name the live server."""
    with smtp_server() as (server, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = False
        settings.SITE_URL = live_server.url
        yield server


def fits_320px(page: Page) -> None:
    __tracebackhide__ = True
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide at a 320px viewport"


def link_in(message, live_server, kind: str) -> str:
    body = message.get_payload(decode=True).decode()
    [link] = re.findall(rf"{re.escape(live_server.url)}/email-alerts/{kind}/\S+/", body)
    return link


def test_a_visitor_downloads_the_data_and_gets_one_alert_they_can_stop(
    page: Page, loaded_2014, mail_server, live_server
) -> None:
    # The open data, from the footer.
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Open data").click()
    expect(page.locator("h1")).to_have_text("Open data")
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Recommendations (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "national-oversight-group-recommendations.csv"
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))  # noqa: SIM115
    assert [row["number"] for row in rows] == [str(number) for number in range(1, 12)]

    # Signing up from an edition page.
    page.goto("/updates/2014-12/")
    page.get_by_role("link", name="Get emails about new updates").click()
    expect(page.locator("h1")).to_have_text("Get emails about new updates")
    assert_accessible(page)
    page.get_by_label("Email address").fill(ADDRESS)
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    assert ADDRESS not in page.content()
    assert_accessible(page)

    run_queued_jobs()
    [confirmation] = mail_server.messages
    assert confirmation["To"] == ADDRESS
    page.goto(link_in(confirmation, live_server, "confirm"))
    expect(page.locator("h1")).to_have_text("You have signed up")
    assert_accessible(page)

    # The next edition is published; the sender runs (twice: a rerun sends nothing more).
    publish_for_test(ReadyToPublishQuarterlyUpdateFactory(), warnings_accepted=True)
    for _ in range(2):
        call_command("send_update_alerts", stdout=StringIO())
        run_queued_jobs()

    [alert] = mail_server.messages[1:]
    assert alert["Subject"].startswith("New update published")
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    page.goto(link_in(alert, live_server, "unsubscribe"))
    expect(page.locator("h1")).to_have_text("Unsubscribe from emails about new updates")
    assert_accessible(page)
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.locator("h1")).to_have_text("You have unsubscribed")
    assert not AlertSubscription.objects.exists()


def test_the_sign_up_errors_are_accessible(page: Page, transactional_db) -> None:
    page.goto("/email-alerts/")
    page.get_by_label("Email address").fill("not an address")
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_title("Error: Get emails about new updates - GOV.UK")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link").click()
    expect(page.get_by_label("Email address")).to_be_focused()
    expect(page.get_by_label("Email address")).to_have_value("not an address")
    assert_accessible(page)


@pytest.mark.parametrize(
    "path", ["/data/", "/email-alerts/", "/email-alerts/check-your-email/", "/privacy/"]
)
def test_at_320px_the_pages_do_not_scroll_sideways(page: Page, loaded_2014, path: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path)

    fits_320px(page)
    assert_accessible(page)
