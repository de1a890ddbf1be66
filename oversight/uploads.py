"""Uploaded documents (force action plans, meeting papers): what is accepted, where it is kept,
and how it is handed back to the people allowed to read it.

The type is decided by the file's content, never by the name or content type the browser sent.
Three formats need three exact checks, so they are written out here rather than taken from a
general sniffing library: `filetype` guesses Office files from the first bytes of a ZIP and checks
neither its structure nor its size when unzipped, and python-magic needs libmagic on every host.
A PDF is parsed (pypdf, strict): `%PDF-` followed by a web page is not a PDF, and a hand-written
check of cross-reference tables and page trees would be a PDF parser of our own.

Stored files get a name made on the server and live under MEDIA_ROOT, which no URL serves:
the only way out is `document_response`, behind a view that checks who is asking.
"""

import logging
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.forms import ClearableFileInput
from django.http import FileResponse, Http404
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A real plan or paper has a few dozen parts and unzips to a few megabytes. The limits refuse
# ZIP bombs from what the archive declares, without unzipping anything.
MAX_ZIP_ENTRIES = 1000
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024

WRONG_TYPE_MESSAGE = "The selected file must be a PDF, Word (DOCX) or OpenDocument text (ODT) file"
TOO_BIG_MESSAGE = "The selected file must be smaller than 20MB"
TOO_BIG_UNZIPPED_MESSAGE = (
    "The selected file is too large when opened. Save it as a PDF and select it again"
)
LOCKED_PDF_MESSAGE = (
    "The selected file is protected with a password. Save it without one and select it again"
)

DOCUMENT_HELP_TEXT = (
    "A PDF, Word (DOCX) or OpenDocument text (ODT) file, smaller than 20MB. "
    "Group members download it under a name made from this record, not the file's own name."
)


@dataclass(frozen=True)
class DocumentType:
    """A kind of document the service accepts."""

    extension: str
    content_type: str


PDF = DocumentType("pdf", "application/pdf")
DOCX = DocumentType(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
ODT = DocumentType("odt", "application/vnd.oasis.opendocument.text")

_ZIP_SIGNATURE = b"PK\x03\x04"
_ZIP_ENCRYPTED_FLAG = 0x1
_DOCX_PARTS = frozenset({"[Content_Types].xml", "word/document.xml"})
_ODT_MIMETYPE = ODT.content_type.encode("ascii")


def document_type(file: IO[bytes]) -> DocumentType:
    """The type of document the content is, or ValidationError if it is none we accept.

    Reads a ZIP's directory and a PDF's cross-reference table and page tree only (both found
    from the end of the file), never the whole file into memory; leaves the file at its start.
    The answer is kept on the file object: the upload is checked by the field's validator and
    named by `upload_to`, and a 20MB PDF need not be parsed twice.
    """
    if (known := getattr(file, _CHECKED_TYPE, None)) is not None:
        return known
    try:
        file.seek(0)
        head = file.read(len(_ZIP_SIGNATURE) + 1)
        if head.startswith(b"%PDF-"):
            kind = _pdf_document_type(file)
        elif head.startswith(_ZIP_SIGNATURE):
            kind = _office_document_type(file)
        else:
            raise ValidationError(WRONG_TYPE_MESSAGE, code="document_type")
    finally:
        file.seek(0)
    setattr(file, _CHECKED_TYPE, kind)
    return kind


_CHECKED_TYPE = "_oversight_document_type"


def _pdf_document_type(file: IO[bytes]) -> DocumentType:
    """PDF if pypdf, strict, finds a cross-reference table, a catalogue and at least one page."""
    try:
        file.seek(0)
        # strict: no repairing of broken tables, no guessing where objects are.
        if len(PdfReader(file, strict=True).pages) > 0:
            return PDF
    except FileNotDecryptedError:
        raise ValidationError(LOCKED_PDF_MESSAGE, code="document_password") from None
    # A hostile file can make any parser raise almost anything (PdfReadError, KeyError,
    # ValueError, RecursionError, zlib.error...): every one of them means "not a PDF we accept".
    except Exception:  # noqa: S110
        pass
    raise ValidationError(WRONG_TYPE_MESSAGE, code="document_type")


def _office_document_type(file: IO[bytes]) -> DocumentType:
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            if (
                len(entries) > MAX_ZIP_ENTRIES
                or sum(entry.file_size for entry in entries) > MAX_UNZIPPED_BYTES
            ):
                raise ValidationError(TOO_BIG_UNZIPPED_MESSAGE, code="document_unzipped_size")
            if not entries or any(entry.flag_bits & _ZIP_ENCRYPTED_FLAG for entry in entries):
                raise ValidationError(WRONG_TYPE_MESSAGE, code="document_type")
            # ODF: the first entry is `mimetype`, stored, holding exactly the media type.
            first = entries[0]
            if first.filename == "mimetype" and first.file_size == len(_ODT_MIMETYPE):
                with archive.open(first) as entry:
                    if entry.read(len(_ODT_MIMETYPE) + 1) == _ODT_MIMETYPE:
                        return ODT
            if _DOCX_PARTS.issubset(entry.filename for entry in entries):
                return DOCX
    # What a damaged or hostile archive raises: bad headers or CRC, truncation, odd compression.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError):
        pass
    raise ValidationError(WRONG_TYPE_MESSAGE, code="document_type")


def validate_document(file: FieldFile) -> None:
    """Model field validator: a PDF, DOCX or ODT file smaller than 20MB."""
    # A file already stored passed this check on its way in; reading it again on every save of
    # the record would only fail the form if the file has since gone from the disk.
    if getattr(file, "_committed", False):
        return
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(TOO_BIG_MESSAGE, code="document_size")
    document_type(file)


def _server_name(folder: str, document: FieldFile) -> str:
    """`<folder>/<random hex>.<extension of the detected type>`: nothing of the sender's name."""
    if document._committed:
        # FieldFile.save(name, content) asks for the name before the content is attached, so
        # the type cannot be read: assign the file to the field and save the record instead.
        raise ValueError("Assign the upload to the field and save the record to store it.")
    return f"{folder}/{uuid.uuid4().hex}.{document_type(document).extension}"


def action_plan_document_path(plan, filename: str) -> str:
    """Where an action plan's document is stored, under MEDIA_ROOT."""
    return _server_name("action-plans", plan.document)


def meeting_paper_document_path(paper, filename: str) -> str:
    """Where a meeting paper's document is stored, under MEDIA_ROOT."""
    return _server_name("meeting-papers", paper.document)


def document_response(document: FieldFile, download_name: str) -> FileResponse:
    """The stored document as a download named `<download_name>.<extension>`; 404 if none."""
    if not document:
        raise Http404("No document")
    try:
        file = document.storage.open(document.name, "rb")
    except FileNotFoundError:
        logger.error("Stored document %s is missing", document.name)
        raise Http404("No document") from None
    try:
        kind = document_type(file)
    except ValidationError:
        # Only files that passed the upload check are handed out.
        file.close()
        logger.error("Stored document %s is not a PDF, DOCX or ODT file", document.name)
        raise Http404("No document") from None
    response = FileResponse(
        file,
        as_attachment=True,
        filename=f"{download_name}.{kind.extension}",
        content_type=kind.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Unpublished material: neither shared caches nor the browser's disk cache keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response


@dataclass(frozen=True)
class _DownloadLink:
    url: str

    def __str__(self) -> str:
        return "Download the current document"


class DocumentDownloadInput(ClearableFileInput):
    """The admin's file input, linking the stored document to its permission-checked download.

    Django's own input links to the storage URL, which does not exist: uploads have no public
    address. The record says where its download is (`document_download_url`).
    """

    def get_context(self, name: str, value, attrs) -> dict:
        context = super().get_context(name, value, attrs)
        if self.is_initial(value) and getattr(value, "instance", None) is not None:
            context["widget"]["value"] = _DownloadLink(url=value.instance.document_download_url)
        return context
