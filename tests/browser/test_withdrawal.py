"""Withdrawing a revision in the admin, in Chromium: one person asks, with a reason (an empty
one is refused with the error summary), a second confirms; both pages pass axe-core and fit a
320 pixel screen, and the public page then shows the notice."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import BrowserContext, Page

from oversight.permissions import SECRETARIAT, role_groups_sync
from reports.models import Publication
from tests.browser.axe import axe_violations
from tests.browser.test_plan_review import assert_no_sideways_scroll, sign_in
from tests.oversight.factories import StaffUserFactory
from tests.reports.factories import ProgressUpdateFactory, QuarterlyUpdateFactory
from tests.reports.publishing import publish_for_test

PLANTED = "Call the survivor on 07700 900123."


@pytest.fixture
def published(transactional_db) -> Publication:
    role_groups_sync()
    edition = QuarterlyUpdateFactory(slug="2014-12")
    ProgressUpdateFactory(edition=edition, text=PLANTED)
    return publish_for_test(edition, warnings_accepted=True)


def _secretariat(username: str):
    user = StaffUserFactory(username=username)
    user.groups.add(Group.objects.get(name=SECRETARIAT))
    return user


def _context(browser, base: str) -> BrowserContext:
    """A profile of its own for each person; CSP bypassed so axe-core can be injected."""
    context = browser.new_context(
        base_url=base, bypass_csp=True, locale="en-GB", timezone_id="Europe/London"
    )
    context.set_default_timeout(10_000)
    return context


def _check(page: Page) -> None:
    violations = [f"{v['id']} ({v['help']})" for v in axe_violations(page)]
    assert not violations, violations
    page.set_viewport_size({"width": 320, "height": 800})
    assert_no_sideways_scroll(page)
    page.set_viewport_size({"width": 1024, "height": 800})


def test_one_person_asks_another_confirms_and_the_public_reads_the_notice(
    browser, live_server, published
) -> None:
    base = live_server.url
    requester, confirmer = _secretariat("requester"), _secretariat("confirmer")

    first = _context(browser, base)
    sign_in(first, requester, base)
    page = first.new_page()
    page.goto(f"/admin/reports/publication/{published.pk}/withdraw/")
    _check(page)
    page.get_by_role("button", name="Request withdrawal").click()
    summary = page.get_by_role("alert")
    assert summary.get_by_text("Enter why this revision must be withdrawn").count() == 1
    _check(page)
    page.get_by_label("Why must this revision be withdrawn?").fill("It gave a phone number.")
    page.get_by_role("button", name="Request withdrawal").click()
    page.wait_for_url(f"**/admin/reports/publication/{published.pk}/change/")
    first.close()

    second = _context(browser, base)
    sign_in(second, confirmer, base)
    page = second.new_page()
    page.goto(f"/admin/reports/publication/{published.pk}/withdraw/confirm/")
    _check(page)
    page.get_by_role("button", name="Confirm withdrawal").click()
    page.wait_for_url(f"**/admin/reports/publication/{published.pk}/change/")

    page.goto("/updates/2014-12/")
    assert page.get_by_text("because it contained personal information").count() == 1
    assert PLANTED not in page.content()
    second.close()
