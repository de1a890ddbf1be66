"""The open data pages: /data/, each dataset as CSV or JSON, and /updates/<slug>.json. Public.

Every file is made from publications only, and is the same until the next publication: its
`ETag` names the newest publication, so a client that polls with `If-None-Match` (or
`If-Modified-Since`) gets a 304, which costs one query.
"""

import datetime
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from oversight.permissions import allow_public
from reports.datasets import (
    DATASETS,
    EDITION_FIELDS,
    LICENCE_NAME,
    LICENCE_URL,
    Links,
    dataset_render,
    edition_document,
)
from reports.published_responses import kept_response
from reports.selectors import (
    current_publication,
    publications_version,
    published_editions,
    published_listing,
)

# Shared caches may keep a file as long as a published page (reports.views).
PUBLIC_CACHE_SECONDS = 300
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


@allow_public
@require_safe
def data_index(request: HttpRequest) -> HttpResponse:
    """What each dataset holds, field by field, with a link to each file."""
    return render(
        request,
        "reports/data_index.html",
        {
            "datasets": DATASETS.values(),
            "edition_fields": EDITION_FIELDS,
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
            "latest": published_listing().first(),
        },
    )


@allow_public
@require_safe
def dataset_file(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    dataset = DATASETS.get(name)
    if dataset is None:
        raise Http404("No such dataset")
    version = latest_id, updated_at = publications_version()

    def make() -> HttpResponse:
        body = dataset_render(
            dataset, fmt, published_editions(), Links(request.build_absolute_uri), updated_at
        )
        return _file_response(body, fmt, dataset.filename(fmt), attachment=fmt == "csv")

    # A withdrawal changes no id: the time of the latest change is in the tag too.
    changed = int(updated_at.timestamp() * 1_000_000) if updated_at else 0
    etag = f'"{name}-{fmt}-{latest_id}-{changed}"'
    # Made once per publication in each worker (reports.published_responses).
    return _conditional(
        request, lambda: kept_response(request, version, make), etag=etag, updated_at=updated_at
    )


@allow_public
@require_safe
def edition_json(request: HttpRequest, slug: str) -> HttpResponse:
    """One edition's current publication as structured data (documented on /data/)."""
    publication = current_publication(slug)
    if publication is None:
        raise Http404("No such edition")
    return _conditional(
        request,
        lambda: _file_response(
            edition_document(publication, Links(request.build_absolute_uri)),
            "json",
            f"national-oversight-group-update-{slug}.json",
            attachment=False,
        ),
        etag=publication.etag,
        updated_at=publication.changed_at,
    )


def _file_response(body: bytes, fmt: str, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _conditional(
    request: HttpRequest,
    make_response: Callable[[], HttpResponse],
    *,
    etag: str,
    updated_at: datetime.datetime | None,
) -> HttpResponse:
    """`make_response()`, or a 304 when the client's copy (by ETag or date) is current."""
    timestamp = int(updated_at.timestamp()) if updated_at else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=timestamp)
    response = not_modified or make_response()
    response["ETag"] = etag
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    patch_cache_control(response, public=True, max_age=PUBLIC_CACHE_SECONDS)
    # The same for everyone: the worker's page cache may keep it a few seconds too.
    response.shared_cacheable = True
    return response
