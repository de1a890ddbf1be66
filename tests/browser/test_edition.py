"""Reading, printing and downloading the published December 2014 update in a real browser."""

import io
import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from reports.models import ProgressUpdate, QuarterlyUpdate
from tests.browser.axe import assert_accessible
from tests.reports.publishing import publish_for_test


@pytest.fixture
def hmic_2014(transactional_db) -> None:
    call_command("load_hmic_2014", stdout=StringIO())


def test_the_contents_list_leads_to_each_section(page: Page, hmic_2014: None) -> None:
    page.goto("/updates/2014-12/")

    page.get_by_role("navigation", name="Contents").get_by_role(
        "link", name="Recommendation 11", exact=True
    ).click()

    expect(page).to_have_url(page.url.split("#")[0] + "#recommendation-11")
    expect(page.get_by_role("heading", name="Recommendation 11")).to_be_in_viewport()


def test_printing_leaves_out_the_navigation(page: Page, hmic_2014: None) -> None:
    page.goto("/updates/2014-12/")
    expect(page.locator(".govuk-header")).to_be_visible()

    page.emulate_media(media="print")

    for chrome in (
        ".govuk-header",
        ".govuk-service-navigation",
        ".govuk-footer",
        ".govuk-breadcrumbs",
    ):
        expect(page.locator(chrome)).to_be_hidden()
    expect(page.get_by_role("heading", name="Home Secretary Foreword")).to_be_visible()
    expect(page.get_by_text("This update in other formats")).to_be_hidden()
    assert page.pdf(format="A4")[:5] == b"%PDF-"


def test_the_pdf_link_gives_the_pdf(page: Page, hmic_2014: None) -> None:
    call_command("make_publication_pdfs", stdout=io.StringIO())  # what the task worker does
    page.goto("/updates/2014-12/")

    link = page.get_by_role("link", name="Download this update as a PDF")
    with page.expect_response(re.compile(r"/updates/2014-12\.pdf$")) as answer:
        link.click()

    # The browser opens it, or saves it, as it does any PDF.
    assert answer.value.status == 200
    assert answer.value.headers["content-type"] == "application/pdf"
    assert page.request.get(answer.value.url).body()[:5] == b"%PDF-"


def test_before_the_pdf_is_made_the_link_shows_a_note_not_a_failed_download(
    page: Page, hmic_2014: None
) -> None:
    page.goto("/updates/2014-12/")

    page.get_by_role("link", name="Download this update as a PDF").click()

    # A link with `download` saved the note as a failed download: the reader saw nothing.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The PDF of this update is not ready yet"
    )
    expect(
        page.get_by_role("link", name=re.compile("read the December 2014 update"))
    ).to_be_visible()
    assert_accessible(page)


def test_the_changes_page_of_a_later_edition_is_accessible(page: Page, hmic_2014: None) -> None:
    december = QuarterlyUpdate.objects.get(slug="2014-12")
    march = QuarterlyUpdate.objects.create(
        slug="2015-03", period="2015-03-01", publisher=december.publisher, foreword="Foreword.",
        signatory_name="The Rt Hon Theresa May MP", signatory_role="Home Secretary",
    )  # fmt: skip
    for bullet in ProgressUpdate.objects.filter(edition=december, parent__isnull=True):
        ProgressUpdate.objects.create(
            edition=march,
            recommendation=bullet.recommendation,
            position=bullet.position,
            text=bullet.text.replace("autumn", "spring"),
        )
    publish_for_test(march, by=None)

    page.goto("/updates/2015-03/")
    page.get_by_role("link", name="See what changed since the previous update").click()

    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("ins").first).to_be_visible()
    assert_accessible(page)
