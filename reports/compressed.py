"""A published page, compressed once (gzip and brotli) and kept in `CompressedPage`.

The page is compressed when its edition is published (`compressed_page_store`, called by
`edition_publish`), at the best settings, since it happens once. Publications that predate the
table, and pages whose furniture changed with a release (so the page's SHA-256 differs), get
their row on first request instead. Rows are only ever inserted; a publication never changes.
"""

import hashlib
import re

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from oversight.compression import compress
from oversight.context_processors import service
from reports.models import CompressedPage, Publication
from reports.selectors import publication_revisions

PAGE_TEMPLATE = "reports/edition_detail.html"


def publication_page_render(
    shown: Publication, publications: list[Publication], *, slug: str, as_revision: bool = False
) -> str:
    """The public page of `shown`, one of `publications` (the edition's revisions, newest first).

    `as_revision`: the page at the revision's own address, which names the current revision.
    The same for every visitor, so it needs no request: the service can render it at publish
    time byte for byte as the view does.
    """
    body_before, body_after = _body_around_metadata(shown.body_html)
    history = list(reversed(publications))
    context = {
        **service(None),
        "publication": shown,
        "history": history,
        "first_published_at": history[0].published_at,
        "slug": slug,
        "body_before": body_before,
        "body_after": body_after,
    }
    if as_revision:
        context["current"] = publications[0]
    else:
        # The link to the changes page appears once an earlier edition is published.
        context["has_previous"] = shown.has_previous
    return render_to_string(PAGE_TEMPLATE, context)


# How every body stored so far names its publisher (templates/reports/includes/edition_body.html).
_STORED_METADATA = re.compile(
    r'\n?\s*<dl class="app-publication-meta govuk-body">\s*<div><dt>From:</dt> <dd>[^<]*</dd>'
    r"</div>\s*</dl>"
)


def _body_around_metadata(body_html: str) -> tuple[str, str]:
    """The stored body before and after its one-line "From:" list, which the page shows as
    GOV.UK's metadata component instead (with the dates). The stored body never changes."""
    match = _STORED_METADATA.search(body_html)
    if match is None:
        return body_html, ""
    return body_html[: match.start()], body_html[match.end() :]


def compressed_page(publication: Publication, page: bytes) -> dict[str, bytes]:
    """`page` (the publication's page as served) in each coding: stored, or made now and stored."""
    sha256 = hashlib.sha256(page).hexdigest()
    stored = CompressedPage.objects.filter(publication=publication, sha256=sha256).first()
    if stored is None:
        stored = _compressed_page_insert(publication, page, sha256)
    return {"gzip": bytes(stored.gzip), "br": bytes(stored.brotli)}


def compressed_page_store(publication: Publication) -> None:
    """Compress a newly published page once, as it will be served, and keep it."""
    slug = publication.edition.slug
    publications = publication_revisions(slug)  # with what the page shows of each (newest first)
    shown = next(revision for revision in publications if revision.pk == publication.pk)
    page = publication_page_render(shown, publications, slug=slug)
    page_bytes = page.encode()
    _compressed_page_insert(publication, page_bytes, hashlib.sha256(page_bytes).hexdigest())


def _compressed_page_insert(publication: Publication, page: bytes, sha256: str) -> CompressedPage:
    row = CompressedPage(
        publication=publication,
        sha256=sha256,
        gzip=compress(page, "gzip", best=True),
        brotli=compress(page, "br", best=True),
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        # A concurrent request stored the same page first: theirs is the same bytes.
        return CompressedPage.objects.get(publication=publication, sha256=sha256)
    return row
