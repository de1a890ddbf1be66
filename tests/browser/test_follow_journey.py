"""Issue 11's journey: a visitor finds a sentence, follows its recommendation over time, takes
the data and asks to hear of the next update, which reaches them once, with a working
unsubscribe link."""

import csv
import re
from io import StringIO

from django.core.management import call_command
from playwright.sync_api import Page, expect

from reports.models import AlertSubscription
from tests.browser import test_open_data_and_alerts as alerts_journey
from tests.browser.axe import assert_accessible
from tests.oversight.jobs import run_queued_jobs
from tests.reports.factories import ReadyToPublishQuarterlyUpdateFactory
from tests.reports.publishing import publish_for_test

ADDRESS = "follower@example.org"
# The alerts journey's fixtures: the 2014 data loaded, and a real SMTP server on loopback.
loaded_2014 = alerts_journey.loaded_2014
mail_server = alerts_journey.mail_server
link_in = alerts_journey.link_in


def test_a_visitor_searches_follows_a_recommendation_downloads_and_subscribes(
    page: Page,
    loaded_2014,
    mail_server,
    live_server,
) -> None:
    page.goto("/search/?q=risk+assessment")
    expect(page.locator("h1")).to_contain_text("Search")
    assert_accessible(page)
    first = page.locator("main").get_by_role("link", name=re.compile("Recommendation")).first
    first.click()
    expect(page).to_have_url(re.compile(r"/updates/2014-12/#recommendation-"))

    page.goto("/recommendations/")
    assert_accessible(page)
    page.get_by_role("link", name="6. Risk assessment").click()
    expect(page).to_have_url(re.compile(r"/recommendations/6/$"))
    expect(
        page.get_by_role("img", name="Status of recommendation 6 in each published update")
    ).to_be_visible()
    assert_accessible(page)

    page.goto("/data/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Progress updates (CSV)").click()
    with open(download_info.value.path(), encoding="utf-8") as downloaded:
        rows = list(csv.DictReader(downloaded))
    assert any("risk" in row["text"].lower() for row in rows)

    page.goto("/updates/")
    page.get_by_role("link", name="Get emails about new updates").click()
    page.get_by_label("Email address").fill(ADDRESS)
    page.get_by_role("button", name="Sign up").click()
    run_queued_jobs()
    [confirmation] = mail_server.messages
    page.goto(link_in(confirmation, live_server, "confirm"))
    expect(page.locator("h1")).to_have_text("You have signed up")

    publish_for_test(ReadyToPublishQuarterlyUpdateFactory(), warnings_accepted=True)
    call_command("send_update_alerts", stdout=StringIO())
    run_queued_jobs()
    [alert] = mail_server.messages[1:]
    page.goto(link_in(alert, live_server, "unsubscribe"))
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.locator("h1")).to_have_text("You have unsubscribed")
    assert not AlertSubscription.objects.exists()
