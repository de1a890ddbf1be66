"""The quarter, start to finish: a preparer starts the March 2015 update from December 2014,
edits a bullet, sets a status and marks it ready; someone in the chair's office approves it; it is published."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from oversight.permissions import CHAIRS_OFFICE, SECRETARIAT, role_groups_sync
from reports.models import Publication, QuarterlyUpdate
from tests.browser.axe import assert_accessible
from tests.oversight.factories import StaffUserFactory

PASSWORD = "correct horse battery staple"  # the factories' password
NEW_BULLET = "The group agreed in March 2015 that every force will name a domestic abuse lead."


@pytest.fixture
def quarter(transactional_db, settings) -> dict:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_hmic_2014", stdout=StringIO())
    role_groups_sync()  # the flush between transactional tests empties the roles
    preparer = StaffUserFactory(username="preparer", password=PASSWORD)
    preparer.groups.add(Group.objects.get(name=SECRETARIAT))
    approver = StaffUserFactory(username="approver", password=PASSWORD)
    approver.groups.add(Group.objects.get(name=CHAIRS_OFFICE))
    return {"december": QuarterlyUpdate.objects.get(slug="2014-12")}


def _main(path: str) -> bytes:
    """The page's <main> as served (the rest carries a nonce that changes each request)."""
    html = Client().get(path).content
    return html[html.index(b"<main") : html.index(b"</main>") + len(b"</main>")]


def _sign_in(page: Page, username: str) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_the_march_2015_update_from_start_to_publication(
    page: Page, browser: Browser, live_server, quarter: dict
) -> None:
    december = quarter["december"]
    december_before = _main("/updates/2014-12/")
    december_publication = Publication.objects.values().get(edition=december)

    # The preparer starts the next update, carrying the bullets over.
    _sign_in(page, "preparer")
    page.goto(f"/admin/reports/quarterlyupdate/{december.pk}/change/")
    page.get_by_role("link", name="Start the next update").click()
    page.get_by_label("Yes, copy each bullet and its sub-points, to edit").check()
    page.get_by_role("button", name="Start the March 2015 update").click()
    expect(
        page.get_by_text("Started National Oversight Group Update Report, March 2015")
    ).to_be_visible()
    march = QuarterlyUpdate.objects.get(slug="2015-03")
    assert march.bullets.count() == december.bullets.count()

    # ...writes the foreword, changes one bullet and sets a status, then marks it ready.
    page.locator("#id_foreword").fill("This update captures the progress discussed in March.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.get_by_role("link", name="Edit Recommendation 1", exact=True).click()
    page.get_by_label("Recommendation 1, bullet 1: Text").fill(NEW_BULLET)
    page.get_by_role("group", name="Recommendation 1: Delivery status").get_by_label(
        "Complete"
    ).check()
    page.get_by_role("group", name="Recommendation 1: Confidence").get_by_label("On track").check()
    page.get_by_role("button", name="Save Recommendation 1").click()
    expect(page.get_by_text("Saved Recommendation 1.")).to_be_visible()
    page.goto(f"/admin/reports/quarterlyupdate/{march.pk}/change/")
    page.get_by_role("button", name="Mark ready for sign-off").click()
    expect(page.locator(".messagelist")).to_contain_text("Marked ready for sign-off")
    expect(page.get_by_role("link", name="Approve or send back")).to_have_count(0)

    # A second person, in the chair's office, reads the exact content and approves it.
    approver_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    approver_page = approver_context.new_page()
    _sign_in(approver_page, "approver")
    approver_page.goto(f"/admin/reports/quarterlyupdate/{march.pk}/change/")
    approver_page.get_by_role("link", name="Approve or send back").click()
    expect(approver_page.get_by_text(NEW_BULLET)).to_be_visible()
    approver_page.get_by_label("Approve it for publishing, exactly as shown").check()
    approver_page.get_by_role("button", name="Confirm your decision").click()
    expect(approver_page.locator(".messagelist")).to_contain_text("Approved.")
    approver_context.close()

    # The preparer publishes it.
    page.reload()
    page.get_by_role("link", name="Publish", exact=True).click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messagelist")).to_contain_text("Published revision 1")
    assert [step.action for step in march.signoff_steps.order_by("at", "pk")] == [
        "ready",
        "approved",
        "published",
    ]
    expect(page.locator("#sign-off")).to_contain_text("approver")

    # The public reads the new bullet; December 2014 is exactly as it was.
    page.goto("/updates/2015-03/")
    expect(page.get_by_text(NEW_BULLET)).to_be_visible()
    section = page.locator('section[aria-labelledby="recommendation-1"]')
    expect(section.locator(".govuk-tag", has_text="Complete")).to_be_visible()
    expect(section.locator(".govuk-tag", has_text="On track")).to_be_visible()
    assert_accessible(page)

    page.goto("/updates/2014-12/")
    assert_accessible(page)
    assert _main("/updates/2014-12/") == december_before
    assert Publication.objects.values().get(edition=december) == december_publication

    page.goto("/updates/2015-03/")
    page.get_by_role("link", name="See what changed since the previous update").click()
    changed = page.get_by_role("region", name="Recommendation 1")
    expect(changed.get_by_role("heading", name="New")).to_be_visible()
    expect(changed.get_by_text(NEW_BULLET)).to_be_visible()
    assert_accessible(page)
