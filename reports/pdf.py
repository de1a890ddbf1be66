"""The PDF of a publication: rendered once from its snapshot with WeasyPrint, then kept.

A job (`reports.tasks.make_publication_pdf`) makes it right after publishing and keeps it in
file storage (object storage when several app servers run): readers are sent the stored file,
never made to wait for WeasyPrint. Reading, making and deleting a stored PDF go through the
functions here, so nothing else needs to know where or how it is kept.
"""

import logging
from typing import IO

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string

from reports.models import Publication, PublicationPdf
from reports.snapshot import snapshot_read

logger = logging.getLogger(__name__)

TEMPLATE = "reports/pdf/edition.html"


def publication_pdf(publication: Publication) -> bytes:
    """The publication's PDF: the stored one, or made now from its snapshot and stored.

    Slow (about a second) when it is not stored yet: requests use `publication_pdf_open`,
    which never renders; the job and the catch-up command use `publication_pdf_store`.
    """
    stored = publication_pdf_store(publication)
    return publication_pdf_read(stored)


def publication_pdf_open(publication: Publication) -> IO[bytes] | None:
    """The stored PDF opened for reading, or None if it has not been made (or has gone)."""
    try:
        stored = publication.pdf
    except PublicationPdf.DoesNotExist:
        return None
    if not stored.file:
        return ContentFile(bytes(stored.content))  # a row made before file storage
    try:
        return stored.file.storage.open(stored.file.name, "rb")
    except FileNotFoundError:
        logger.error("event=publication_pdf_missing file=%s", stored.file.name)
        return None


def publication_pdf_read(stored: PublicationPdf) -> bytes:
    """The bytes of a stored PDF, wherever they are kept."""
    if not stored.file:
        return bytes(stored.content)
    with stored.file.storage.open(stored.file.name, "rb") as file:
        return file.read()


def publication_pdf_store(publication: Publication) -> PublicationPdf:
    """Make the publication's PDF and keep it, unless it is kept already. Safe to repeat.

    When two runs race (a job run twice), the first row inserted wins and the loser's file is
    deleted, so every reader gets the same PDF.
    """
    try:
        return PublicationPdf.objects.get(publication=publication)
    except PublicationPdf.DoesNotExist:
        pass
    content = publication_pdf_render(publication)
    stored = PublicationPdf(publication=publication, size_bytes=len(content))
    # Saved to storage first (it picks a free name), then the row: a row never points nowhere.
    stored.file.save("edition.pdf", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            stored.save(force_insert=True)
    except IntegrityError:
        stored.file.storage.delete(stored.file.name)
        return PublicationPdf.objects.get(publication=publication)
    logger.info("event=publication_pdf_made publication=%s file=%s", publication.pk, stored.file)
    return stored


def publication_pdf_delete(publication: Publication) -> bool:
    """Delete the publication's stored PDF, file and row (a withdrawn edition). False if none.

    PostgreSQL refuses to delete the row (migration 0003) unless the caller lifts that.
    """
    try:
        stored = publication.pdf
    except PublicationPdf.DoesNotExist:
        return False
    name = stored.file.name if stored.file else ""
    storage = stored.file.storage
    stored.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    return True


def publications_without_pdf() -> QuerySet[Publication]:
    """Publications whose PDF has not been made (older ones, or a job that failed)."""
    return Publication.objects.filter(pdf__isnull=True).select_related("edition")


def publication_pdf_render(publication: Publication) -> bytes:
    """A tagged, accessible PDF/UA-1 of the publication, from its snapshot alone."""
    html = render_to_string(
        TEMPLATE, {"edition": snapshot_read(publication.content), "publication": publication}
    )
    # Everything the document needs is inline: refuse every fetch, so nothing reaches the network.
    # Imported here: WeasyPrint takes most of a second to import, and only PDFs need it,
    # not every process that loads the URLs (management commands, tests, workers at start).
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    no_fetching = URLFetcher(allowed_protocols=())
    return HTML(string=html, url_fetcher=no_fetching).write_pdf(pdf_variant="pdf/ua-1")
