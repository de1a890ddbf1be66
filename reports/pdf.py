"""The PDF of a publication: rendered once from its snapshot with WeasyPrint, then kept."""

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from reports.models import Publication, PublicationPdf
from reports.snapshot import snapshot_read

TEMPLATE = "reports/pdf/edition.html"


def publication_pdf(publication: Publication) -> bytes:
    """The publication's PDF: the stored one, or made now from its snapshot and stored."""
    try:
        return bytes(publication.pdf.content)
    except PublicationPdf.DoesNotExist:
        pass
    content = publication_pdf_render(publication)
    try:
        with transaction.atomic():
            PublicationPdf.objects.create(publication=publication, content=content)
    except IntegrityError:
        # A concurrent request stored one first: serve that, so every reader gets the same file.
        return bytes(PublicationPdf.objects.get(publication=publication).content)
    return content


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
