import datetime
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import ListView

from oversight.compression import encoding_choose
from oversight.permissions import can_comment_on_edition, can_preview_edition
from recommendations.models import Recommendation
from reports.changes import editions_compare
from reports.compressed import compressed_page, publication_page_render
from reports.forms import SectionCommentForm
from reports.models import Publication, QuarterlyUpdate, SectionComment
from reports.pdf import publication_pdf_open
from reports.selectors import (
    current_publication,
    previous_publication,
    publication_revisions,
    published_listing,
)
from reports.services import CommentRefused, edition_body_render, section_comment_add
from reports.snapshot import Snapshot, edition_snapshot, snapshot_read

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
    return published_response(
        request,
        lambda: _publication_page(request, current, publications, slug=slug),
        # The link to the changes page appears once an earlier edition is published.
        etag=f'"{current.edition_id}-{current.version_tag}-{int(current.has_previous)}"',
        published_at=current.changed_at,
    )


@require_safe
def edition_revision(request: HttpRequest, slug: str, revision: int) -> HttpResponse:
    """An earlier revision of a published edition, kept readable after a correction. Public."""
    publications = publication_revisions(slug)
    shown = next((pub for pub in publications if pub.revision == revision), None)
    if shown is None:
        raise Http404("No such revision")
    return published_response(
        request,
        lambda: _publication_page(request, shown, publications, slug=slug, as_revision=True),
        # The banner names the current revision, so a correction changes this page too.
        # Withdrawing it, or the current one, changes it too.
        etag=f'"{shown.edition_id}-{shown.version_tag}-of-{publications[0].version_tag}"',
        published_at=max(shown.changed_at, publications[0].changed_at),
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
    """The edition's working copy as it would be published: the secretariat, and signed-in
    members once the draft is shared with them, who may then comment on its sections."""
    return _draft_preview(request, slug)


def _edition_to_preview(request: HttpRequest, slug: str) -> QuarterlyUpdate:
    # Anonymous visitors learn nothing about drafts: the same 404 as for no edition at all;
    # members the same for a draft not shared with them.
    if not can_preview_edition(request.user):
        raise Http404("No such edition")
    edition = get_object_or_404(
        QuarterlyUpdate.objects.select_related("publisher", "reports_on_meeting"), slug=slug
    )
    if not can_preview_edition(request.user, edition):
        raise Http404("No such edition")
    return edition


def _section_choices(content: Snapshot) -> list[tuple[int, str]]:
    return [(section["numbers"][0], section["heading"]) for section in content["sections"]]


def _draft_preview(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition_to_preview(request, slug)
    return _preview_response(request, edition, edition_snapshot(edition))


def _preview_response(
    request: HttpRequest,
    edition: QuarterlyUpdate,
    content: Snapshot,
    comment_form: SectionCommentForm | None = None,
) -> HttpResponse:
    context = {"edition": edition, "body_html": edition_body_render(content)}
    if can_comment_on_edition(request.user, edition):
        context.update(
            comment_form=comment_form or SectionCommentForm(sections=_section_choices(content)),
            comment_url=reverse("reports:edition-comment", kwargs={"slug": edition.slug}),
            my_comments=list(
                SectionComment.objects.filter(edition=edition, author=request.user)
                .select_related("recommendation")
                .order_by("created_at", "pk")
            ),
        )
    response = render(request, "reports/edition_preview.html", context)
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_POST
def edition_comment(request: HttpRequest, slug: str) -> HttpResponse:
    """A member's comment on one section of a shared draft; the form again if it is wrong."""
    edition = _edition_to_preview(request, slug)
    if not can_comment_on_edition(request.user, edition):
        raise PermissionDenied
    content = edition_snapshot(edition)
    sections = _section_choices(content)
    form = SectionCommentForm(request.POST, sections=sections)
    if form.is_valid():
        lead = Recommendation.objects.get(number=form.cleaned_data["section"])
        try:
            section_comment_add(
                edition=edition, lead=lead, author=request.user, text=form.cleaned_data["text"]
            )
        except CommentRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Thank you: your comment has been sent to the secretariat.")
            url = reverse("reports:edition-preview", kwargs={"slug": slug})
            return HttpResponseRedirect(f"{url}#comments")
    return _preview_response(request, edition, content, comment_form=form)


def published_response(
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


# Seconds a reader who asked for a PDF not made yet is told to wait: the job takes about one.
PDF_RETRY_AFTER_SECONDS = 30


@require_safe
def edition_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The current publication as a PDF, made by a job once published and kept. Public.

    Streamed from file storage. Before the job has made it, a page saying so (503, at once).
    """
    current = current_publication(slug)
    if current is None:
        raise Http404("No such edition")

    def pdf_response() -> HttpResponse:
        file = publication_pdf_open(current)
        if file is None:
            return _pdf_not_ready(request, current)
        response = FileResponse(file, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="national-oversight-group-update-{slug}.pdf"'
        )
        return response

    response = published_response(
        request,
        pdf_response,
        etag=current.etag,
        published_at=current.changed_at,
        keep_in_memory=False,
    )
    if response.status_code == 503:
        # Not the PDF: no cache may keep this answer in its place.
        for header in ("ETag", "Last-Modified"):
            del response[header]
        response["Cache-Control"] = "no-store"
    return response


def _pdf_not_ready(request: HttpRequest, publication: Publication) -> HttpResponse:
    context = {"slug": publication.edition.slug, "period_label": publication.edition.period_label}
    response = render(request, "reports/edition_pdf_not_ready.html", context, status=503)
    response["Retry-After"] = str(PDF_RETRY_AFTER_SECONDS)
    return response


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
        # A withdrawn side has no bullets left to compare: the page says so instead.
        "withdrawn": [
            snapshot_read(pub.content)["withdrawn"]
            for pub in (previous, current)
            if pub.withdrawn_at is not None
        ],
        "comparison": editions_compare(
            snapshot_read(previous.content), snapshot_read(current.content)
        ),
    }
    return published_response(
        request,
        lambda: render(request, "reports/edition_changes.html", context),
        # A correction to either edition changes the comparison.
        etag=(
            f'"{current.edition_id}-{current.version_tag}'
            f'-{previous.edition_id}-{previous.version_tag}"'
        ),
        published_at=max(current.changed_at, previous.changed_at),
    )
