"""A visitor searches the published updates (issue 11), on a wide and a narrow screen."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible


@pytest.fixture
def hmic_2014(transactional_db) -> None:
    """The eleven recommendations and the December 2014 edition, published (and indexed)."""
    call_command("load_hmic_2014", stdout=StringIO())


@pytest.mark.parametrize("width", [1024, 320], ids=lambda width: f"{width}px")
def test_a_visitor_searches_for_risk_assessment_and_opens_the_section(
    page: Page, hmic_2014: None, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/search/")
    assert_accessible(page)

    page.get_by_label("Search the quarterly updates").fill("risk assessment")
    page.get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(r"/search/\?q=risk\+assessment$"))
    expect(page.get_by_role("status")).to_contain_text(
        re.compile(r"\d+ results? for risk assessment")
    )
    results = page.get_by_role(
        "region", name="National Oversight Group Update Report: December 2014"
    )
    expect(results.locator("mark").first).to_have_text(re.compile("risk", re.IGNORECASE))
    # Nothing scrolls sideways, even at 320 pixels.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)

    results.get_by_role("link", name="Recommendation 6").first.click()

    expect(page).to_have_url(re.compile(r"/updates/2014-12/#recommendation-6$"))
    expect(page.get_by_role("heading", name="Recommendation 6", exact=True)).to_be_in_viewport()


def test_a_query_of_punctuation_only_shows_the_error_accessibly(
    page: Page, hmic_2014: None
) -> None:
    page.goto("/search/?q=%3F%21")

    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Search terms must include letters or numbers"
    )
    expect(page).to_have_title(re.compile("^Error: "))
    assert_accessible(page)
