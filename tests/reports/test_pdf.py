"""The edition as a PDF: made once from the publication's snapshot with WeasyPrint, then kept.

Rendering a real PDF is the slow part (about 1 s), so it happens once for the whole module, in
the `rendered` fixture; every other test here is quick.
"""

import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass

import pypdf
import pytest
from django.core.management import call_command
from django.db import transaction
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.utils import timezone

from oversight.models import Organisation
from recommendations.models import Recommendation
from reports.models import Publication, PublicationPdf
from reports.pdf import TEMPLATE, publication_pdf
from tests.reports.factories import QuarterlyUpdateFactory

pytestmark = pytest.mark.django_db

PDF_URL = "/updates/2014-12.pdf"
RECOMMENDATION_11 = (
    "Tackling domestic abuse requires a number of organisations in both the statutory services "
    "(including health, local authorities, the Crown Prosecution Service and probation) and "
    "voluntary and community services to work together. Following HMIC's inspection, there "
    "should be a further multi-agency inspection of these services."
)
EDITED = "Edited after publication: this must never reach the published PDF."


@dataclass(frozen=True)
class RenderedPdf:
    content_type: str
    content: bytes
    reader: pypdf.PdfReader
    pages: list[str]  # each page's text, whitespace collapsed to single spaces
    text: str  # all pages


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker) -> Iterator[RenderedPdf]:
    """The December 2014 edition's PDF, made on its first request (the one slow step).

    Recommendation 11 is edited in the live records after publication and before that first
    request, so the PDF shows whether it was made from the snapshot. Everything is rolled back
    after the module; each test runs in a savepoint inside this transaction.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_hmic_2014", stdout=io.StringIO())
        Recommendation.objects.filter(number=11).update(text=EDITED)
        with override_settings(PUBLISHED_PAGE_CACHE_SECONDS=0):
            response = Client().get(PDF_URL)
        assert response.status_code == 200
        reader = pypdf.PdfReader(io.BytesIO(response.content))
        pages = [" ".join(page.extract_text().split()) for page in reader.pages]
        yield RenderedPdf(
            response["Content-Type"], response.content, reader, pages, " ".join(pages)
        )
        transaction.set_rollback(True)


def outline_titles(outline: list) -> list:
    """The bookmarks as nested lists of titles: [title, [child, child, [grandchild]]]."""
    return [outline_titles(item) if isinstance(item, list) else item.title for item in outline]


def test_anyone_can_download_the_published_edition_as_a_pdf(rendered: RenderedPdf) -> None:
    assert rendered.content_type == "application/pdf"
    assert rendered.content.startswith(b"%PDF-")


def test_the_pdf_is_a4_with_numbered_pages(rendered: RenderedPdf) -> None:
    pages = len(rendered.reader.pages)

    # 7 pages when this was written: the count moves whenever the layout or the text changes.
    assert 5 <= pages <= 9
    assert f"Page 1 of {pages}" in rendered.text
    assert f"Page {pages} of {pages}" in rendered.text
    for page in rendered.reader.pages:
        assert float(page.mediabox.width) == pytest.approx(595, abs=1)
        assert float(page.mediabox.height) == pytest.approx(842, abs=1)


def test_the_pdf_holds_the_text_with_key_phrases_in_bold(rendered: RenderedPdf) -> None:
    bold: list[str] = []

    def collect_bold(text, matrix, text_matrix, font, size) -> None:
        if font and str(font["/BaseFont"]).endswith("-Bold"):
            bold.append(text)

    page = next(n for n, text in enumerate(rendered.pages) if "multi-agency inspection" in text)
    rendered.reader.pages[page].extract_text(visitor_text=collect_bold)
    bold_text = " ".join("".join(bold).split())

    assert RECOMMENDATION_11 in rendered.text
    assert "further multi-agency inspection" in bold_text
    assert "Tackling domestic abuse" not in bold_text


def test_the_pdf_is_made_from_the_snapshot_not_the_live_records(rendered: RenderedPdf) -> None:
    assert Recommendation.objects.get(number=11).text == EDITED

    assert RECOMMENDATION_11 in rendered.text
    assert "Edited after publication" not in rendered.text


def test_the_headings_are_the_pdf_bookmarks(rendered: RenderedPdf) -> None:
    title, (foreword, progress, sections) = outline_titles(rendered.reader.outline)

    assert title == "National Oversight Group Update Report"
    assert foreword == "Home Secretary Foreword"
    assert progress == "Update on progress against recommendations"
    assert sections[0] == "Recommendation 1"
    assert sections[1] == "Recommendations 2 and 3"
    assert sections[-1] == "Recommendation 11"


def test_the_pdf_is_tagged_and_describes_itself(rendered: RenderedPdf) -> None:
    catalog = rendered.reader.trailer["/Root"]

    assert rendered.reader.metadata.title == "National Oversight Group Update Report, December 2014"
    assert rendered.reader.metadata.author == "Home Office"
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in catalog


def test_the_pdf_is_made_once_and_then_served_as_stored(
    rendered: RenderedPdf, anonymous_client: Client, django_assert_num_queries
) -> None:
    # 1: the edition's current publication, with its edition; 2: its stored PDF.
    with django_assert_num_queries(2):
        response = anonymous_client.get(PDF_URL)

    assert response.content == rendered.content
    assert PublicationPdf.objects.count() == 1


def test_a_cache_revalidating_the_pdf_gets_not_modified(
    rendered: RenderedPdf, anonymous_client: Client, django_assert_num_queries
) -> None:
    etag = anonymous_client.get(PDF_URL)["ETag"]

    # 1: the edition's current publication; the stored PDF is not even read.
    with django_assert_num_queries(1):
        response = anonymous_client.get(PDF_URL, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "public, max-age=300"
    assert "Last-Modified" in response


def test_a_stale_copy_of_the_pdf_gets_the_whole_pdf(
    rendered: RenderedPdf, anonymous_client: Client
) -> None:
    response = anonymous_client.get(PDF_URL, HTTP_IF_NONE_MATCH='"0-0"')

    assert response.status_code == 200
    assert response.content == rendered.content
    assert response["Content-Type"] == "application/pdf"


def test_when_two_requests_race_both_serve_the_pdf_stored_first(
    rendered: RenderedPdf, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = Publication.objects.get()
    correction = Publication.objects.create(
        edition=first.edition,
        revision=2,
        published_at=timezone.now(),
        change_note="Corrected the date of the second meeting.",
        content=first.content,
        body_html=first.body_html,
    )

    def render_while_another_request_stores_its_own(publication: Publication) -> bytes:
        PublicationPdf.objects.create(publication=publication, content=b"%PDF- stored first")
        return b"%PDF- made second"

    monkeypatch.setattr(
        "reports.pdf.publication_pdf_render", render_while_another_request_stores_its_own
    )

    assert publication_pdf(correction) == b"%PDF- stored first"
    assert PublicationPdf.objects.filter(publication=correction).count() == 1


def test_a_corrections_pdf_says_what_changed_and_when(rendered: RenderedPdf) -> None:
    first = Publication.objects.select_related("edition").get()
    correction = Publication(
        edition=first.edition,
        revision=2,
        published_at=datetime.datetime(2015, 1, 12, 9, 30, tzinfo=datetime.UTC),
        change_note="Corrected the date of the second meeting.",
        content=first.content,
    )

    html = render_to_string(TEMPLATE, {"edition": correction.content, "publication": correction})

    assert "1 December 2014" in html
    assert "12 January 2015: Corrected the date of the second meeting." in html


def test_a_draft_edition_has_no_pdf(rendered: RenderedPdf, anonymous_client: Client) -> None:
    QuarterlyUpdateFactory(
        period=datetime.date(2015, 3, 1),
        slug="2015-03",
        publisher=Organisation.objects.get(name="Home Office"),
    )

    assert anonymous_client.get("/updates/2015-03.pdf").status_code == 404
