"""The Content Security Policy as a real browser enforces it: no page here breaks it.

The shared `context` fixture bypasses CSP so axe-core can be injected; these tests make their
own context from `browser`, so Chromium applies the policy exactly as it would for a visitor.
"""

import re
from collections.abc import Iterator
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from reports.models import Publication, QuarterlyUpdate
from reports.services import edition_approve, edition_mark_ready
from tests.browser.conftest import DEFAULT_TIMEOUT_MS

PASSWORD = "a long and unusual passphrase"

# Reported by the page itself as each violation happens, before any of our scripts run.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def hmic_2014(transactional_db) -> None:
    call_command("load_hmic_2014", stdout=StringIO())


@pytest.fixture
def enforcing_page(browser: Browser, live_server) -> Iterator[Page]:
    """A page in a context that enforces CSP; console lines about the policy are kept on it."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/London"
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.policy_messages = []
    page.on("console", lambda message: _keep_policy_message(page, message))
    yield page
    context.close()


def _keep_policy_message(page: Page, message: ConsoleMessage) -> None:
    if "Content Security Policy" in message.text:
        page.policy_messages.append(message.text)


def assert_no_violation(page: Page) -> None:
    page.wait_for_load_state("load")
    assert page.evaluate("window.cspViolations") == []
    assert page.policy_messages == []


def assert_govuk_frontend_ran(page: Page) -> None:
    """The hashed inline script and the govuk-init module both ran under the policy."""
    expect(page.locator("body")).to_have_class(
        "govuk-template__body js-enabled govuk-frontend-supported"
    )
    expect(page.locator('[data-module="govuk-skip-link"]')).to_have_attribute(
        "data-govuk-skip-link-init", ""
    )


@pytest.mark.parametrize("path", ["/", "/updates/2014-12/"])
def test_public_pages_break_no_policy(enforcing_page: Page, hmic_2014: None, path: str) -> None:
    response = enforcing_page.goto(path)

    assert response.status == 200
    assert "script-src 'self' 'sha256-" in response.headers["content-security-policy"]
    assert_govuk_frontend_ran(enforcing_page)
    assert_no_violation(enforcing_page)


def test_the_admin_login_and_a_changelist_break_no_policy(
    enforcing_page: Page, hmic_2014: None
) -> None:
    get_user_model().objects.create_superuser("secretariat", password=PASSWORD)

    enforcing_page.goto("/admin/login/")
    assert_no_violation(enforcing_page)

    enforcing_page.get_by_label("Username").fill("secretariat")
    enforcing_page.get_by_label("Password").fill(PASSWORD)
    enforcing_page.get_by_role("button", name="Log in").click()
    expect(enforcing_page.get_by_role("heading", name="Records")).to_be_visible()
    assert_no_violation(enforcing_page)

    enforcing_page.goto("/admin/recommendations/recommendation/")
    expect(enforcing_page.locator("#result_list tbody tr")).to_have_count(11)
    # The changelist's scripts work: ticking a row's box counts it in the actions bar.
    enforcing_page.locator("#result_list tbody input.action-select").first.check()
    expect(enforcing_page.locator(".action-counter")).to_contain_text("1 of 11 selected")
    assert_no_violation(enforcing_page)


def test_a_violation_would_be_noticed(enforcing_page: Page, transactional_db, settings) -> None:
    """The checks above are not vacuous: without the hash, the inline script is reported."""
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": ["'self'"]}}

    enforcing_page.goto("/")
    enforcing_page.wait_for_load_state("load")

    assert enforcing_page.evaluate("window.cspViolations") == ["script-src-elem blocked inline"]
    assert len(enforcing_page.policy_messages) == 1


def test_the_publishing_screens_break_no_policy_and_keep_their_styles(
    enforcing_page: Page, hmic_2014: None
) -> None:
    """The admin screens of our own: their styles come from css/admin.css, not inline."""
    preparer = get_user_model().objects.create_superuser("secretariat", password=PASSWORD)
    approver = get_user_model().objects.create_superuser("chair", password=PASSWORD)
    edition = QuarterlyUpdate.objects.get(slug="2014-12")
    publication = Publication.objects.get(edition=edition)
    page = enforcing_page
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("secretariat")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"/admin/reports/publication/{publication.pk}/change/")
    expect(page.locator("pre.app-source").first).to_have_css("white-space", "pre-wrap")
    assert_no_violation(page)

    page.goto(f"/admin/reports/quarterlyupdate/{edition.pk}/change/")
    start_correction = page.get_by_role("button", name="Start a correction")
    expect(start_correction).to_have_css("border-radius", "15px")
    assert_no_violation(page)

    start_correction.click()
    expect(page.get_by_role("button", name="Mark ready for sign-off")).to_be_visible()
    # Signed off by a second person, so the correction may be published.
    edition_approve(
        edition=edition_mark_ready(edition=edition, marked_by=preparer), approved_by=approver
    )
    page.reload()
    page.get_by_role("link", name="Publish the correction").click()
    expect(page.locator("body")).to_have_class(re.compile(r"\bpublish-confirmation\b"))
    expect(page.locator(".publish-form .field").first).to_have_css("margin-bottom", "20px")
    assert_no_violation(page)
