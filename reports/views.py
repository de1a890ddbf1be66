import datetime

from django.db.models import Exists, OuterRef
from django.db.models.fields.json import KT
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from oversight.permissions import can_preview_edition
from reports.changes import editions_compare
from reports.models import Publication, QuarterlyUpdate
from reports.pdf import publication_pdf
from reports.services import edition_body_render
from reports.snapshot import edition_snapshot

# Published pages are the same for everyone; a correction reaches caches within five minutes.
PUBLIC_CACHE_SECONDS = 300


class EditionListView(ListView):
    """Every published edition, newest first. Public."""

    template_name = "reports/edition_list.html"
    context_object_name = "publications"

    def get_queryset(self):
        return Publication.objects.current_listing()


@require_safe
def edition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An edition as published, or a draft for signed-in members and the secretariat only.

    Published: served from the stored render of its latest revision, never from live records.
    """
    publications = _publications_of(slug)
    if not publications:
        return _draft_preview(request, slug)
    current = publications[0]
    return _published_response(
        request,
        "reports/edition_detail.html",
        {
            "publication": current,
            "history": list(reversed(publications)),
            "slug": slug,
            "has_previous": current.has_previous,
        },
        # The link to the changes page appears once an earlier edition is published.
        etag=f'"{current.edition_id}-{current.revision}-{int(current.has_previous)}"',
        published_at=current.published_at,
    )


@require_safe
def edition_revision(request: HttpRequest, slug: str, revision: int) -> HttpResponse:
    """An earlier revision of a published edition, kept readable after a correction. Public."""
    publications = _publications_of(slug)
    shown = next((pub for pub in publications if pub.revision == revision), None)
    if shown is None:
        raise Http404("No such revision")
    return _published_response(
        request,
        "reports/edition_detail.html",
        {
            "publication": shown,
            "current": publications[0],
            "history": list(reversed(publications)),
            "slug": slug,
        },
        # The banner names the current revision, so a correction changes this page too.
        etag=f'"{shown.edition_id}-{shown.revision}-of-{publications[0].revision}"',
        published_at=publications[0].published_at,
    )


@require_safe
def edition_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The edition's working copy as it would be published. Signed-in members and secretariat."""
    return _draft_preview(request, slug)


def _publications_of(slug: str) -> list[Publication]:
    """Every revision of an edition, newest first, with what the page needs and no more."""
    return list(
        Publication.objects.filter(edition__slug=slug)
        .annotate(
            title=KT("content__title"),
            period_label=KT("content__period_label"),
            has_previous=Exists(
                Publication.objects.filter(edition__period__lt=OuterRef("edition__period"))
            ),
        )
        .defer("content")
        .order_by("-revision")
    )


def _draft_preview(request: HttpRequest, slug: str) -> HttpResponse:
    # Anonymous visitors learn nothing about drafts: the same 404 as for no edition at all.
    if not can_preview_edition(request.user):
        raise Http404("No such edition")
    edition = get_object_or_404(QuarterlyUpdate.objects.select_related("publisher"), slug=slug)
    content = edition_snapshot(edition)
    response = render(
        request,
        "reports/edition_preview.html",
        {"edition": edition, "body_html": edition_body_render(content)},
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def _published_response(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    etag: str,
    published_at: datetime.datetime,
) -> HttpResponse:
    """A page of published content: the same for everyone, so caches may share it."""
    timestamp = int(published_at.timestamp())
    not_modified = get_conditional_response(request, etag=etag, last_modified=timestamp)
    response = not_modified or render(request, template, context)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(timestamp)
    patch_cache_control(response, public=True, max_age=PUBLIC_CACHE_SECONDS)
    response.shared_cacheable = True
    return response


@require_safe
def edition_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The current publication as a PDF, made once and kept. Public."""
    current = (
        Publication.objects.filter(edition__slug=slug)
        .select_related("edition")
        .order_by("-revision")
        .first()
    )
    if current is None:
        raise Http404("No such edition")
    response = HttpResponse(publication_pdf(current), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="national-oversight-group-update-{slug}.pdf"'
    )
    response["ETag"] = current.etag
    response["Last-Modified"] = http_date(current.published_at.timestamp())
    patch_cache_control(response, public=True, max_age=PUBLIC_CACHE_SECONDS)
    return response


@require_safe
def edition_changes(request: HttpRequest, slug: str) -> HttpResponse:
    """What changed in this edition since the previous published one, section by section. Public."""
    current = (
        Publication.objects.latest_per_edition()
        .filter(edition__slug=slug)
        .select_related("edition")
        .first()
    )
    if current is None:
        raise Http404("No such edition")
    previous = (
        Publication.objects.latest_per_edition()
        .filter(edition__period__lt=current.edition.period)
        .select_related("edition")
        .order_by("-edition__period")
        .first()
    )
    if previous is None:
        raise Http404("The first edition has nothing to compare with")
    return _published_response(
        request,
        "reports/edition_changes.html",
        {
            "current": current,
            "previous": previous,
            "comparison": editions_compare(previous.content, current.content),
        },
        # A correction to either edition changes the comparison.
        etag=f'"{current.edition_id}-{current.revision}-{previous.edition_id}-{previous.revision}"',
        published_at=max(current.published_at, previous.published_at),
    )
