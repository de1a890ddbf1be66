"""The edition as a PDF: made once from the publication's snapshot with WeasyPrint, by a job
right after publishing (or by the catch-up command), then kept in file storage.

Rendering a real PDF is the slow part (about 1 s), so it happens once for the whole module, in
the `rendered` fixture; every other test here is quick, except those marked slow.
"""

import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass

import pypdf
import pytest
from django.core.files.storage import default_storage
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
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@dataclass(frozen=True)
class RenderedPdf:
    content_type: str
    content: bytes
    reader: pypdf.PdfReader
    pages: list[str]  # each page's text, whitespace collapsed to single spaces
    text: str  # all pages


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker) -> Iterator[RenderedPdf]:
    """The December 2014 edition's PDF, made by the catch-up command (the one slow step), as
    for a publication older than the PDF job.

    Recommendation 11 is edited in the live records after publication and before the PDF is
    made, so the PDF shows whether it was made from the snapshot. Everything is rolled back
    after the module; each test runs in a savepoint inside this transaction.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_hmic_2014", stdout=io.StringIO())
        Recommendation.objects.filter(number=11).update(text=EDITED)
        call_command("make_publication_pdfs", stdout=io.StringIO())
        with override_settings(PUBLISHED_PAGE_CACHE_SECONDS=0):
            response = Client().get(PDF_URL)
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        reader = pypdf.PdfReader(io.BytesIO(content))
        pages = [" ".join(page.extract_text().split()) for page in reader.pages]
        yield RenderedPdf(response["Content-Type"], content, reader, pages, " ".join(pages))
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
    # 1: the edition's current publication, with its edition; 2: its stored PDF's row.
    with django_assert_num_queries(2):
        response = anonymous_client.get(PDF_URL)

    assert b"".join(response.streaming_content) == rendered.content
    (stored,) = PublicationPdf.objects.all()
    assert stored.file.name == "publication-pdfs/2014-12-revision-1.pdf"
    assert stored.content == b""


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
    assert b"".join(response.streaming_content) == rendered.content
    assert response["Content-Type"] == "application/pdf"


def test_when_two_jobs_race_both_keep_the_pdf_stored_first(
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

    def render_while_another_job_stores_its_own(publication: Publication) -> bytes:
        PublicationPdf.objects.create(publication=publication, content=b"%PDF- stored first")
        return b"%PDF- made second"

    monkeypatch.setattr(
        "reports.pdf.publication_pdf_render", render_while_another_job_stores_its_own
    )

    assert publication_pdf(correction) == b"%PDF- stored first"
    assert PublicationPdf.objects.filter(publication=correction).count() == 1
    # The loser's file is deleted: only the first publication's PDF is in storage.
    assert default_storage.listdir("publication-pdfs")[1] == ["2014-12-revision-1.pdf"]


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


# ---- Made by a job after publishing, kept in file storage (issue 13) ----


def _correction(first: Publication) -> Publication:
    """A second revision of the edition with no PDF yet, as just after it is published."""
    return Publication.objects.create(
        edition=first.edition,
        revision=2,
        published_at=timezone.now(),
        change_note="Corrected the date of the second meeting.",
        content=first.content,
        body_html=first.body_html,
    )


def test_a_reader_before_the_pdf_is_made_is_told_so_at_once(
    rendered: RenderedPdf, anonymous_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    _correction(Publication.objects.get())

    def never_in_a_request(publication: Publication) -> bytes:
        raise AssertionError("a request made a reader wait for the PDF to be made")

    monkeypatch.setattr("reports.pdf.publication_pdf_render", never_in_a_request)
    response = anonymous_client.get(PDF_URL)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    # No cache may keep this in the PDF's place.
    assert response["Cache-Control"] == "no-store"
    assert "ETag" not in response
    assert "Last-Modified" not in response
    page = response.content.decode()
    assert "The PDF of this update is not ready yet" in page
    assert 'href="/updates/2014-12/"' in page
    assert "govuk-heading-l" in page


def test_a_pdf_kept_in_the_database_before_file_storage_is_still_served(
    rendered: RenderedPdf, anonymous_client: Client
) -> None:
    correction = _correction(Publication.objects.get())
    PublicationPdf.objects.create(publication=correction, content=b"%PDF- kept in the row")

    response = anonymous_client.get(PDF_URL)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF- kept in the row"


def test_the_catch_up_command_makes_only_missing_pdfs(rendered: RenderedPdf) -> None:
    out = io.StringIO()

    call_command("make_publication_pdfs", stdout=out)

    assert out.getvalue() == "0 publication PDFs made.\n"


def test_the_catch_up_command_can_queue_jobs_instead(rendered: RenderedPdf) -> None:
    from django_tasks_db.models import DBTaskResult

    correction = _correction(Publication.objects.get())
    out = io.StringIO()

    with override_settings(TASKS=DATABASE_TASKS):
        call_command("make_publication_pdfs", "--queue", stdout=out)

    assert out.getvalue() == "1 publication PDFs queued.\n"
    (job,) = DBTaskResult.objects.filter(task_path="reports.tasks.make_publication_pdf")
    assert job.args_kwargs["args"] == [correction.pk]


@pytest.mark.slow
@pytest.mark.object_storage
def test_publishing_queues_a_job_that_keeps_the_pdf_in_object_storage(
    rendered: RenderedPdf,
    anonymous_client: Client,
    file_storage,
    secretariat_user,
    django_capture_on_commit_callbacks,
) -> None:
    from reports.services import edition_correction_start
    from tests.object_storage import stored_bytes, stored_keys
    from tests.oversight.jobs import run_queued_jobs
    from tests.reports.publishing import publish_for_test

    edition = Publication.objects.get().edition
    edition_correction_start(edition=edition, started_by=secretariat_user)
    with override_settings(TASKS=DATABASE_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            publish_for_test(edition, change_note="Corrected the date of the second meeting.")
        # Published, the job not run yet: the reader is told, not kept waiting.
        assert anonymous_client.get(PDF_URL).status_code == 503

        run_queued_jobs()

    assert stored_keys(file_storage) == ["publication-pdfs/2014-12-revision-2.pdf"]
    response = anonymous_client.get(PDF_URL)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content == stored_bytes(file_storage, "publication-pdfs/2014-12-revision-2.pdf")
    text = " ".join(
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(content)).pages
    )
    assert "Corrected the date of the second meeting." in text


# ---- The tag tree: what a screen reader reads (issue 12) ----


@dataclass
class Tagged:
    """A structure element of the PDF's tag tree, with the text of its marked content."""

    role: str
    text: str
    children: list["Tagged"]

    def find(self, role: str) -> list["Tagged"]:
        found = [self] if self.role == role else []
        for child in self.children:
            found += child.find(role)
        return found

    @property
    def words(self) -> str:
        return " ".join(self.text.split())


class _MarkedText:
    """Collects the text of each marked-content sequence (by MCID) of one page."""

    def __init__(self, page: int, marked: dict[tuple[int, int], str]) -> None:
        self.page = page
        self.marked = marked
        self.open_mcids: list[int | None] = []

    def operator(self, op, args, cm, tm) -> None:
        if op == b"BDC":
            properties = args[1]
            self.open_mcids.append(properties.get("/MCID") if hasattr(properties, "get") else None)
        elif op == b"BMC":
            self.open_mcids.append(None)  # an artifact: not in the tag tree
        elif op == b"EMC" and self.open_mcids:
            self.open_mcids.pop()

    def text(self, words, cm, tm, font, size) -> None:
        if self.open_mcids and self.open_mcids[-1] is not None:
            key = (self.page, self.open_mcids[-1])
            self.marked[key] = self.marked.get(key, "") + words


def tag_tree(reader: pypdf.PdfReader) -> Tagged:
    """The document's tag tree, each element holding the text of the content it tags."""
    marked: dict[tuple[int, int], str] = {}
    for number, page in enumerate(reader.pages):
        collector = _MarkedText(number, marked)
        page.extract_text(visitor_operand_before=collector.operator, visitor_text=collector.text)
    page_numbers = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}

    def read(node, page: int | None) -> Tagged:
        node = node.get_object()
        if "/Pg" in node:
            page = page_numbers[node.raw_get("/Pg").idnum]
        kids = node.get("/K", [])
        kids = kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids]
        children, text = [], ""
        for kid in kids:
            if isinstance(kid, int):
                text += marked.get((page, kid), "")
                continue
            kid_object = kid.get_object()
            if kid_object.get("/Type") == "/MCR":
                text += marked.get((page, kid_object["/MCID"]), "")
            elif kid_object.get("/Type") != "/OBJR":
                child = read(kid, page)
                children.append(child)
                text += child.text
        return Tagged(str(node.get("/S", "/StructTreeRoot")), text, children)

    return read(reader.trailer["/Root"]["/StructTreeRoot"], None)


def test_each_contents_entry_is_a_link_to_its_heading_with_no_dots(rendered: RenderedPdf) -> None:
    (contents,) = [
        element.find("/L")[0]
        for element in tag_tree(rendered.reader).find("/NonStruct")
        if element.children and element.children[0].words == "Contents"
    ]
    links = [link.words for link in contents.find("/Link")]

    assert links == [
        "Home Secretary Foreword",
        "Update on progress against recommendations",
        "Recommendation 1",
        "Recommendations 2 and 3",
        *[f"Recommendation {number}" for number in range(4, 12)],
    ]
    # Each entry reads as its heading and its page number; the leader is drawn, not text.
    entries = [entry.words for entry in contents.find("/LBody")]
    assert entries[2] == "Recommendation 1 3"
    assert not [entry for entry in entries if ". ." in entry or ".." in entry]


def test_the_pdf_says_from_published_and_the_meeting_as_label_value_pairs(
    rendered: RenderedPdf,
) -> None:
    (table,) = tag_tree(rendered.reader).find("/Table")

    pairs = [
        tuple(cell.role + " " + cell.words for cell in row.children) for row in table.find("/TR")
    ]

    assert pairs == [
        ("/TH From:", "/TD Home Office"),
        ("/TH Published:", "/TD 1 December 2014"),
        ("/TH Reports on:", "/TD the group's meeting of 4 September 2014"),
    ]


def test_each_leader_keeps_clear_of_the_last_word_of_its_heading(rendered: RenderedPdf) -> None:
    """The leader starts where the heading's white background ends, 6pt after its last word
    (its link's box ends at the last letter): not flush against the 3 of "2 and 3"."""
    white_boxes: list[tuple[float, float]] = []  # (right edge, vertical middle), in points
    fill = [None]

    def operator(op, args, cm, tm) -> None:
        if op == b"rg":
            fill[0] = tuple(float(value) for value in args)
        elif op == b"re" and fill[0] == (1.0, 1.0, 1.0):
            x, y, width, height = (float(value) for value in args)
            right = cm[0] * (x + width) + cm[4]
            middle = cm[3] * (y + height / 2) + cm[5]
            white_boxes.append((right, middle))

    first_page = rendered.reader.pages[0]
    first_page.extract_text(visitor_operand_before=operator)
    links = [annotation.get_object() for annotation in first_page["/Annots"]]
    gaps = []
    for link in links:
        _, bottom, right, top = (float(value) for value in link["/Rect"])
        low, high = sorted((bottom, top))
        beside = [box for box, middle in white_boxes if low <= middle <= high]
        assert beside, f"no heading background beside the link at {link['/Rect']}"
        gaps.append(min(beside) - right)

    assert len(gaps) == 12  # every contents entry: foreword, progress, 10 sections
    assert min(gaps) >= 4, gaps
