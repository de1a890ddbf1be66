"""What a visitor and the secretariat do, end to end, in headless Chromium."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, Response, expect

from tests.browser.axe import assert_accessible

TRANSPARENT = "rgba(0, 0, 0, 0)"


@pytest.fixture
def hmic_2014(transactional_db) -> None:
    """The eleven recommendations and the forces, loaded as `make seed` would."""
    call_command("load_hmic_2014", stdout=StringIO())


@pytest.fixture
def secretariat_password(transactional_db, settings) -> str:
    """Create the demo logins and read the secretariat's password from what the command prints."""
    output = StringIO()
    debug = settings.DEBUG
    settings.DEBUG = True  # the command refuses to run otherwise
    try:
        call_command("create_demo_users", stdout=output)
    finally:
        settings.DEBUG = debug
    match = re.search(r"^\s*secretariat\s+password: (\S+)$", output.getvalue(), re.MULTILINE)
    assert match, f"no secretariat password in:\n{output.getvalue()}"
    return match.group(1)


def test_secretariat_signs_in_from_the_home_page_and_lists_the_recommendations(
    page: Page, hmic_2014: None, secretariat_password: str
) -> None:
    responses: list[Response] = []
    # A lambda, not responses.append: Playwright cannot wrap a built-in method as a handler.
    page.on("response", lambda response: responses.append(response))
    page.goto("/")

    stylesheets = {r.url: r.status for r in responses if r.request.resource_type == "stylesheet"}
    assert stylesheets, "the home page loaded no stylesheet"
    assert stylesheets == dict.fromkeys(stylesheets, 200)
    # The GOV.UK header is blue only if govuk-frontend's CSS really applied.
    header_background = page.locator(".govuk-header").evaluate(
        "element => getComputedStyle(element).backgroundColor"
    )
    assert header_background != TRANSPARENT
    assert_accessible(page)

    page.get_by_role("link", name="sign in to the secretariat admin").click()
    page.get_by_label("Username").fill("secretariat")
    page.get_by_label("Password").fill(secretariat_password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Records")).to_be_visible()

    # The app and its model are both called "Recommendations": the model is the row header.
    page.get_by_role("rowheader", name="Recommendations", exact=True).get_by_role("link").click()

    expect(page).to_have_url(re.compile(r"/admin/recommendations/recommendation/$"))
    expect(page.locator("#result_list tbody tr")).to_have_count(11)


def test_home_page_has_one_h1_and_a_skip_link_for_keyboard_users(page: Page) -> None:
    page.goto("/")

    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    expect(page.locator("h1")).to_have_count(1)

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()  # GOV.UK shows it only while it has focus
    page.keyboard.press("Enter")

    expect(page.locator("main#main-content")).to_be_focused()
