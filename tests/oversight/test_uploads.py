"""What the admin accepts as a plan document or meeting paper, and where it keeps it.

The type is read from the content: the name and content type the browser sends are ignored.
"""

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from forces.models import ActionPlan
from oversight import uploads
from oversight.models import MeetingPaper
from oversight.uploads import (
    LOCKED_PDF_MESSAGE,
    TOO_BIG_MESSAGE,
    TOO_BIG_UNZIPPED_MESSAGE,
    WRONG_TYPE_MESSAGE,
    document_type,
)
from tests.documents import MINIMAL_PDF, ODT_MIMETYPE, PNG, docx, odt, pdf, zipped
from tests.forces.factories import ActionPlanFactory, ForceFactory
from tests.object_storage import stored_bytes, stored_keys
from tests.oversight.factories import MeetingFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@dataclass
class AdminAddForm:
    """An admin add form with a document field, and the other fields it needs to save."""

    model: type[Model]
    folder: str
    fields: Callable[[], dict[str, Any]]

    @property
    def url(self) -> str:
        return reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_add")


PLAN_FORM = AdminAddForm(
    ActionPlan,
    "action-plans",
    lambda: {
        "force": ForceFactory().pk,
        "version": 1,
        "status": ActionPlan.Status.PROVIDED,
        "provided_on": "",
        "summary": "",
        "actions-TOTAL_FORMS": 0,
        "actions-INITIAL_FORMS": 0,
        "actions-MIN_NUM_FORMS": 0,
        "actions-MAX_NUM_FORMS": 1000,
    },
)
PAPER_FORM = AdminAddForm(
    MeetingPaper,
    "meeting-papers",
    lambda: {"meeting": MeetingFactory().pk, "position": 0, "title": "Minutes"},
)
ADD_FORMS = [
    pytest.param(PLAN_FORM, id="action-plan"),
    pytest.param(PAPER_FORM, id="meeting-paper"),
]


def _upload(
    secretariat_client, form: AdminAddForm, content: bytes, name: str, content_type: str
) -> Any:
    document = SimpleUploadedFile(name, content, content_type=content_type)
    return secretariat_client.post(form.url, {**form.fields(), "document": document})


def _document_errors(response) -> list[str]:
    assert response.status_code == 200, "the form was expected to be shown again with errors"
    return response.context["adminform"].form.errors["document"]


@pytest.mark.parametrize("form", ADD_FORMS)
@pytest.mark.parametrize(
    ("content", "name", "content_type", "extension"),
    [
        # The sender's name and content type are ignored, and so is anything in the name.
        (MINIMAL_PDF, "../../Gwent plan FINAL.html", "text/html", "pdf"),
        (pdf(pages=12), "plan.pdf", "application/pdf", "pdf"),
        (docx(), "plan.pdf", "application/pdf", "docx"),
        (odt(), "plan", "application/octet-stream", "odt"),
    ],
    ids=["pdf", "pdf-12-pages", "docx", "odt"],
)
def test_a_real_document_is_stored_under_a_name_made_from_its_type(
    secretariat_client, media_root, form, content, name, content_type, extension
):
    response = _upload(secretariat_client, form, content, name, content_type)

    assert response.status_code == 302, response.context["adminform"].form.errors
    stored = form.model.objects.get().document
    assert re.fullmatch(rf"{form.folder}/[0-9a-f]{{32}}\.{extension}", stored.name)
    assert (media_root / stored.name).read_bytes() == content


@pytest.mark.parametrize("form", ADD_FORMS)
def test_a_picture_named_as_a_pdf_is_refused(secretariat_client, media_root, form):
    response = _upload(secretariat_client, form, PNG, "plan.pdf", "application/pdf")

    assert _document_errors(response) == [WRONG_TYPE_MESSAGE]
    assert not form.model.objects.exists()
    assert not any(media_root.iterdir())


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"<html><script>alert(1)</script></html>", id="html"),
        pytest.param(b" %PDF-1.4 not at the very start", id="pdf-header-late"),
        pytest.param(
            b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n%%EOF\n",
            id="pdf-header-then-html",
        ),
        pytest.param(b"%PDF-1.4\n" + b"<p>junk</p>" * 10_000, id="pdf-header-then-much-html"),
        pytest.param(pdf(pages=0), id="pdf-without-pages"),
        pytest.param(pdf()[:-60], id="pdf-truncated"),
        pytest.param(pdf().replace(b"/Type/Pages", b"/Type/Junks"), id="pdf-broken-page-tree"),
        pytest.param(MINIMAL_PDF.replace(b"xref", b"XREF"), id="pdf-without-xref"),
        pytest.param(b"PK\x03\x04 not really a zip at all", id="broken-zip"),
        pytest.param(zipped({"xl/workbook.xml": b"<workbook/>"}), id="other-zip"),
        pytest.param(docx().replace(b"word/document.xml", b"word/documenx.xml"), id="no-body"),
        pytest.param(odt(b"application/vnd.oasis.opendocument.spreadsheet"), id="ods"),
        pytest.param(
            zipped({"content.xml": b"<x/>", "mimetype": ODT_MIMETYPE}), id="odt-mimetype-not-first"
        ),
        pytest.param(
            zipped(
                {
                    "[Content_Types].xml": b"<Types/>",
                    "word/document.xml": b"<w:document/>",
                },
                encrypted=True,
            ),
            id="encrypted-zip",
        ),
    ],
)
def test_anything_but_a_pdf_docx_or_odt_is_refused(secretariat_client, content):
    response = _upload(secretariat_client, PLAN_FORM, content, "plan.docx", "application/pdf")

    assert _document_errors(response) == [WRONG_TYPE_MESSAGE]


@pytest.mark.parametrize(
    "make_bomb",
    [
        pytest.param(
            lambda: docx(**{f"word/media/image{n}.png": b"" for n in range(1000)}), id="entries"
        ),
        # 101MB of zeros deflates to about 100KB: a small upload that unzips to a large one.
        pytest.param(lambda: docx(**{"word/media/zeros.bin": bytes(101 * MB)}), id="unzipped-size"),
    ],
)
def test_a_zip_bomb_is_refused_without_unzipping_it(secretariat_client, make_bomb, monkeypatch):
    bomb = make_bomb()

    def unzip(*args, **kwargs):
        raise AssertionError("an entry was unzipped")

    monkeypatch.setattr(zipfile.ZipFile, "open", unzip)
    response = _upload(secretariat_client, PLAN_FORM, bomb, "plan.docx", "application/pdf")

    assert _document_errors(response) == [TOO_BIG_UNZIPPED_MESSAGE]


def pdf_of_size(size: int) -> bytes:
    """A well-formed PDF of exactly `size` bytes."""
    padding = size - len(pdf())
    while len(content := pdf(padding=padding)) != size:
        padding += size - len(content)
    return content


def test_a_file_over_20mb_is_refused(secretariat_client):
    too_big = pdf_of_size(20 * MB + 1)

    response = _upload(secretariat_client, PAPER_FORM, too_big, "paper.pdf", "application/pdf")

    assert _document_errors(response) == [TOO_BIG_MESSAGE]


def test_a_file_of_exactly_20mb_is_accepted(secretariat_client):
    content = pdf_of_size(20 * MB)

    response = _upload(secretariat_client, PAPER_FORM, content, "paper.pdf", "application/pdf")

    assert response.status_code == 302


def test_a_pdf_that_needs_a_password_to_open_is_refused(secretariat_client):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    locked = io.BytesIO()
    writer.write(locked)

    response = _upload(
        secretariat_client, PLAN_FORM, locked.getvalue(), "plan.pdf", "application/pdf"
    )

    assert _document_errors(response) == [LOCKED_PDF_MESSAGE]


def test_a_pdf_is_parsed_once_per_upload_however_large(secretariat_client, monkeypatch):
    parsed = []

    def counting_reader(stream, **kwargs):
        parsed.append(kwargs)
        return PdfReader(stream, **kwargs)

    monkeypatch.setattr(uploads, "PdfReader", counting_reader)
    response = _upload(
        secretariat_client, PAPER_FORM, pdf_of_size(20 * MB), "paper.pdf", "application/pdf"
    )

    assert response.status_code == 302
    assert parsed == [{"strict": True}]


def test_the_refusal_is_shown_on_the_form_with_its_message(secretariat_client):
    response = _upload(
        secretariat_client, PLAN_FORM, b"%PDF-1.7\n<html></html>", "plan.pdf", "application/pdf"
    )

    page = response.content.decode()
    assert WRONG_TYPE_MESSAGE in page
    assert "errornote" in page


def test_changing_a_plan_keeps_its_document_without_reading_it_again(
    secretariat_client, media_root
):
    plan = ActionPlanFactory(document=SimpleUploadedFile("plan.pdf", MINIMAL_PDF))
    # Gone from the disk: the check ran when the file came in, not on every later save.
    (media_root / plan.document.name).unlink()

    response = secretariat_client.post(
        reverse("admin:forces_actionplan_change", args=[plan.pk]),
        {
            "force": plan.force_id,
            "version": plan.version,
            "status": ActionPlan.Status.REVIEWED,
            "provided_on": "",
            "summary": "Reviewed in June.",
            "actions-TOTAL_FORMS": 0,
            "actions-INITIAL_FORMS": 0,
            "actions-MIN_NUM_FORMS": 0,
            "actions-MAX_NUM_FORMS": 1000,
        },
    )

    assert response.status_code == 302
    refreshed = ActionPlan.objects.get()
    assert refreshed.status == ActionPlan.Status.REVIEWED
    assert refreshed.document.name == plan.document.name


def test_a_document_saved_outside_a_form_is_still_checked_and_renamed(media_root):
    plan = ActionPlanFactory(document=SimpleUploadedFile("Gwent plan.docx", docx()))

    assert re.fullmatch(r"action-plans/[0-9a-f]{32}\.docx", plan.document.name)
    with pytest.raises(ValidationError):
        ActionPlanFactory(document=SimpleUploadedFile("plan.pdf", PNG))


def test_saving_through_the_field_file_is_refused_as_the_type_is_unknown_then():
    plan = ActionPlanFactory()

    with pytest.raises(ValueError, match="Assign the upload"):
        plan.document.save("plan.pdf", SimpleUploadedFile("plan.pdf", MINIMAL_PDF))


def test_the_check_leaves_the_file_at_its_start():
    upload = SimpleUploadedFile("plan.docx", docx())
    upload.read(10)

    assert document_type(upload).extension == "docx"
    assert upload.tell() == 0


def test_stored_documents_have_no_public_url(anonymous_client, member_client):
    plan = ActionPlanFactory(document=SimpleUploadedFile("plan.pdf", MINIMAL_PDF))

    for client in (anonymous_client, member_client):
        for url in (f"/{plan.document.name}", f"/media/{plan.document.name}"):
            assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("form", ADD_FORMS)
def test_a_long_file_name_is_no_reason_to_refuse_a_document(secretariat_client, form):
    long_name = "Force domestic abuse action plan " * 5 + ".pdf"

    response = _upload(secretariat_client, form, MINIMAL_PDF, long_name, "application/pdf")

    assert response.status_code == 302, response.context["adminform"].form.errors


@pytest.mark.parametrize("form", ADD_FORMS)
def test_the_change_form_links_the_document_to_its_protected_download(secretariat_client, form):
    _upload(secretariat_client, form, MINIMAL_PDF, "plan.pdf", "application/pdf")
    record = form.model.objects.get()
    change_url = reverse(
        f"admin:{form.model._meta.app_label}_{form.model._meta.model_name}_change",
        args=[record.pk],
    )

    html = secretariat_client.get(change_url).content.decode()

    assert f'href="{record.document_download_url}"' in html
    assert f'href="/{record.document.name}"' not in html
    assert secretariat_client.get(record.document_download_url).status_code == 200


# ---- The same checks with files in object storage (S3_BUCKET set): a real SeaweedFS ----


@pytest.mark.object_storage
@pytest.mark.parametrize("form", ADD_FORMS)
@pytest.mark.parametrize(
    ("content", "extension"),
    [(MINIMAL_PDF, "pdf"), (docx(), "docx"), (odt(), "odt")],
    ids=["pdf", "docx", "odt"],
)
def test_in_object_storage_a_document_is_stored_under_a_name_made_from_its_type(
    secretariat_client, file_storage, media_root, form, content, extension
):
    response = _upload(secretariat_client, form, content, "../../plan.html", "text/html")

    assert response.status_code == 302, response.context["adminform"].form.errors
    stored = form.model.objects.get().document
    assert re.fullmatch(rf"{form.folder}/[0-9a-f]{{32}}\.{extension}", stored.name)
    assert stored_keys(file_storage) == [stored.name]
    assert stored_bytes(file_storage, stored.name) == content
    assert not any(media_root.iterdir())


@pytest.mark.object_storage
@pytest.mark.parametrize("form", ADD_FORMS)
def test_in_object_storage_a_refused_upload_stores_nothing(secretariat_client, file_storage, form):
    response = _upload(secretariat_client, form, PNG, "plan.pdf", "application/pdf")

    assert _document_errors(response) == [WRONG_TYPE_MESSAGE]
    assert stored_keys(file_storage) == []


@pytest.mark.object_storage
def test_in_object_storage_a_file_over_20mb_is_refused(secretariat_client, file_storage):
    too_big = pdf_of_size(20 * MB + 1)

    response = _upload(secretariat_client, PAPER_FORM, too_big, "paper.pdf", "application/pdf")

    assert _document_errors(response) == [TOO_BIG_MESSAGE]
    assert stored_keys(file_storage) == []


@pytest.mark.object_storage
def test_in_object_storage_changing_a_plan_keeps_its_document(secretariat_client, file_storage):
    plan = ActionPlanFactory(document=SimpleUploadedFile("plan.pdf", MINIMAL_PDF))

    response = secretariat_client.post(
        reverse("admin:forces_actionplan_change", args=[plan.pk]),
        {
            "force": plan.force_id,
            "version": plan.version,
            "status": ActionPlan.Status.REVIEWED,
            "provided_on": "",
            "summary": "Reviewed in June.",
            "actions-TOTAL_FORMS": 0,
            "actions-INITIAL_FORMS": 0,
            "actions-MIN_NUM_FORMS": 0,
            "actions-MAX_NUM_FORMS": 1000,
        },
    )

    assert response.status_code == 302
    assert ActionPlan.objects.get().document.name == plan.document.name
    assert stored_keys(file_storage) == [plan.document.name]
