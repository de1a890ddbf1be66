import datetime
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from oversight.compression import encoding_choose
from oversight.permissions import can_preview_edition
from reports.changes import editions_compare
from reports.compressed import compressed_page, publication_page_render
from reports.models import Publication, QuarterlyUpdate
from reports.pdf import publication_pdf
from reports.selectors import (
    current_publication,
    previous_publication,
    publication_revisions,
    published_listing,
)
from reports.services import edition_body_render
from reports.snapshot import edition_snapshot, snapshot_read

# Published pages are the same for everyone; a correction reaches caches within five minutes.
PUBLIC_CACHE_SECONDS = 300


class EditionListView(ListView):
    """Every published edition, newest first. Public."""

    template_name = "reports/edition_list.html"
    context_object_name = "publications"

    def get_queryset(self):
        return published_listing()


@require_safe
def edition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An edition as published, or a draft for signed-in members and the secretariat only.

    Published: served from the stored render of its latest revision, never from live records.
    """
    publications = publication_revisions(slug)
    if not publications:
        return _draft_preview(request, slug)
    current = publications[0]
    return _published_response(
        request,
        lambda: _publication_page(request, current, publications, slug=slug),
        # The link to the changes page appears once an earlier edition is published.
        etag=f'"{current.edition_id}-{current.revision}-{int(current.has_previous)}"',
        published_at=current.published_at,
    )


@require_safe
def edition_revision(request: HttpRequest, slug: str, revision: int) -> HttpResponse:
    """An earlier revision of a published edition, kept readable after a correction. Public."""
    publications = publication_revisions(slug)
    shown = next((pub for pub in publications if pub.revision == revision), None)
    if shown is None:
        raise Http404("No such revision")
    return _published_response(
        request,
        lambda: _publication_page(request, shown, publications, slug=slug, as_revision=True),
        # The banner names the current revision, so a correction changes this page too.
        etag=f'"{shown.edition_id}-{shown.revision}-of-{publications[0].revision}"',
        published_at=publications[0].published_at,
    )


def _publication_page(
    request: HttpRequest,
    shown: Publication,
    publications: list[Publication],
    *,
    slug: str,
    as_revision: bool = False,
) -> HttpResponse:
    """A publication's page, with its compressed bodies (made once, kept) for clients that
    accept one: `oversight.compression` sends the one the client prefers."""
    page = publication_page_render(shown, publications, slug=slug, as_revision=as_revision)
    response = HttpResponse(page)
    if encoding_choose(request.headers.get("Accept-Encoding", "")):
        response.precompressed = compressed_page(shown, response.content)
    return response


@require_safe
def edition_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The edition's working copy as it would be published. Signed-in members and secretariat."""
    return _draft_preview(request, slug)


def _draft_preview(request: HttpRequest, slug: str) -> HttpResponse:
    # Anonymous visitors learn nothing about drafts: the same 404 as for no edition at all.
    if not can_preview_edition(request.user):
        raise Http404("No such edition")
    edition = get_object_or_404(QuarterlyUpdate.objects.select_related("publisher"), slug=slug)
    response = render(
        request,
        "reports/edition_preview.html",
        {"edition": edition, "body_html": edition_body_render(edition_snapshot(edition))},
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def _published_response(
    request: HttpRequest,
    make_response: Callable[[], HttpResponse],
    *,
    etag: str,
    published_at: datetime.datetime,
    keep_in_memory: bool = True,
) -> HttpResponse:
    """Published content, the same for everyone: shared caches may keep it and revalidate it.

    `make_response` is called only when the client's copy is out of date, so a matching
    `If-None-Match` (or `If-Modified-Since`) costs no rendering. `keep_in_memory` lets
    `PublishedPageCacheMiddleware` keep the page too (pages, not large files).
    """
    timestamp = int(published_at.timestamp())
    not_modified = get_conditional_response(request, etag=etag, last_modified=timestamp)
    response = not_modified or make_response()
    response["ETag"] = etag
    response["Last-Modified"] = http_date(timestamp)
    patch_cache_control(response, public=True, max_age=PUBLIC_CACHE_SECONDS)
    response.shared_cacheable = keep_in_memory
    return response


@require_safe
def edition_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The current publication as a PDF, made once and kept. Public."""
    current = current_publication(slug)
    if current is None:
        raise Http404("No such edition")

    def pdf_response() -> HttpResponse:
        response = HttpResponse(publication_pdf(current), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="national-oversight-group-update-{slug}.pdf"'
        )
        return response

    return _published_response(
        request,
        pdf_response,
        etag=current.etag,
        published_at=current.published_at,
        keep_in_memory=False,
    )


@require_safe
def edition_changes(request: HttpRequest, slug: str) -> HttpResponse:
    """What changed in this edition since the previous published one, section by section. Public."""
    current = current_publication(slug)
    if current is None:
        raise Http404("No such edition")
    previous = previous_publication(current.edition)
    if previous is None:
        raise Http404("The first edition has nothing to compare with")
    context = {
        "current": current,
        "previous": previous,
        "comparison": editions_compare(
            snapshot_read(previous.content), snapshot_read(current.content)
        ),
    }
    return _published_response(
        request,
        lambda: render(request, "reports/edition_changes.html", context),
        # A correction to either edition changes the comparison.
        etag=f'"{current.edition_id}-{current.revision}-{previous.edition_id}-{previous.revision}"',
        published_at=max(current.published_at, previous.published_at),
    )
