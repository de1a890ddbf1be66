"""A visitor reads the public pages: the home page, the recommendations and the updates."""

import itertools
import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.reports.factories import ReadyToPublishQuarterlyUpdateFactory
from tests.reports.publishing import publish_for_test


@pytest.fixture
def hmic_2014(transactional_db) -> None:
    """The eleven recommendations and the December 2014 edition, published."""
    call_command("load_hmic_2014", stdout=StringIO())


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "National Oversight Group on the police response to domestic abuse"),
        ("/recommendations/", "HMIC's recommendations"),
        ("/recommendations/2/", "Force action plans"),
        ("/recommendations/4/", "Data standards and victims' views"),
        ("/forces/", "Police forces' action plans"),
        ("/updates/", "Quarterly updates"),
        ("/updates/2014-12/", "National Oversight Group Update Report"),
    ],
)
def test_public_pages_have_one_h1_and_no_accessibility_violations(
    page: Page, hmic_2014: None, path: str, heading: str
) -> None:
    page.goto(path)

    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text(heading)
    assert_accessible(page)


def test_a_visitor_goes_from_the_home_page_to_the_latest_update_and_back(
    page: Page, hmic_2014: None
) -> None:
    page.goto("/")

    page.get_by_role("link", name="National Oversight Group Update Report: December 2014").click()

    expect(page).to_have_url(re.compile(r"/updates/2014-12/$"))
    expect(page.get_by_role("heading", name="Recommendations 2 and 3")).to_be_visible()

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Home").click()
    page.get_by_role("link", name="All quarterly updates").click()

    expect(page).to_have_url(re.compile(r"/updates/$"))
    expect(page.get_by_role("link", name=re.compile("December 2014"))).to_be_visible()


def test_a_visitor_reads_a_recommendation_and_follows_it_to_the_update(
    page: Page, hmic_2014: None
) -> None:
    page.goto("/")

    page.get_by_role("link", name="Read HMIC's recommendations").click()
    expect(page.locator(".app-recommendation-table tbody tr")).to_have_count(11)
    page.get_by_role("link", name="3. Leadership priority").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Leadership priority")
    expect(
        page.locator("strong", has_text="give full effect to their forces' stated priority")
    ).to_be_visible()
    page.get_by_role(
        "link", name="Read Recommendations 2 and 3 in the December 2014 update"
    ).click()

    expect(page).to_have_url(re.compile(r"/updates/2014-12/#recommendation-2-3$"))
    expect(page.locator("#recommendation-2-3")).to_be_in_viewport()


def test_the_status_chart_has_an_accessible_name_and_the_table_its_headers(
    page: Page, hmic_2014: None
) -> None:
    page.goto("/recommendations/4/")

    expect(page.get_by_role("img", name=re.compile("Status of recommendation 4"))).to_be_visible()
    table = page.get_by_role("table", name=re.compile("Status of recommendation 4"))
    expect(table.get_by_role("columnheader")).to_have_text(["Update", "Status"])
    expect(table.get_by_role("rowheader")).to_have_text(["December 2014"])


def test_at_320px_the_status_chart_keeps_its_size_and_scrolls_in_its_own_region(
    page: Page, hmic_2014: None
) -> None:
    for _ in range(8):  # two years of quarters: eight labels along the bottom
        publish_for_test(ReadyToPublishQuarterlyUpdateFactory(), by=None)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/recommendations/4/")

    chart = page.get_by_role("img", name=re.compile("Status of recommendation 4"))
    # Not scaled to the screen: drawn at its own width, its text as large as the page's.
    drawn = chart.bounding_box()
    assert drawn["width"] == pytest.approx(float(chart.get_attribute("width")), abs=0.5)
    for text in chart.locator("text").all():
        assert text.evaluate("text => text.getBoundingClientRect().height") >= 16
    labels = [text.bounding_box() for text in chart.locator("text").all()[3:]]
    assert all(a["x"] + a["width"] <= b["x"] for a, b in itertools.pairwise(labels))
    # The region scrolls, the page does not.
    region = page.get_by_role("region", name="Chart of the status by quarter")
    assert region.evaluate("region => region.scrollWidth > region.clientWidth")
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert_accessible(page)
