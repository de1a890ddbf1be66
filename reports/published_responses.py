"""Public pages that are a function of the publications alone, rendered once per publication.

The home page, the editions list, the feed, the recommendation and force pages and the
datasets change only when something is published (or withdrawn). `made_from_publications`
gives such a view:

- one query to learn the publications' version (`reports.selectors.publications_version`),
  which is the page's `ETag` and `Last-Modified`, so a client or CDN revalidating its copy gets
  a `304` for that one query;
- the page rendered once per version in each worker and kept (at most
  `settings.PUBLICATION_PAGES_KEPT` pages, the least recently used dropped first; 0 keeps
  none), so a new publication invalidates every kept page at once;
- `PublishedPageCacheMiddleware` keeping it for a few seconds more in front of everything
  (addresses without a query string), as for the edition pages.

Only 200 responses that set no cookie are kept: none of these pages has a form with a CSRF
token or anything about the visitor.
"""

import datetime
import functools
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from reports.selectors import publications_version
from reports.views import published_response

# host and full path -> (version, content, headers)
_kept: "OrderedDict[str, tuple[tuple, bytes, dict[str, str]]]" = OrderedDict()


def made_from_publications_clear() -> None:
    _kept.clear()


def made_from_publications(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        latest_id, updated_at = publications_version()
        if updated_at is None:  # nothing published yet: the page says so, uncached
            return view(request, *args, **kwargs)
        # A page may say what today makes of what was published ("Overdue" once a due date
        # has passed), so each day is a version of its own.
        today = timezone.localdate()
        version = (latest_id, updated_at, today)
        start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
        return published_response(
            request,
            lambda: kept_response(request, version, lambda: view(request, *args, **kwargs)),
            # A withdrawal changes no id: the time of the latest change is in the tag too.
            etag=(
                f'"publications-{latest_id}-{int(updated_at.timestamp() * 1_000_000)}'
                f'-{today.isoformat()}"'
            ),
            published_at=max(updated_at, start_of_today),
        )

    return page


def kept_response(
    request: HttpRequest, version: tuple, make: Callable[[], HttpResponse]
) -> HttpResponse:
    """The response this worker kept for the request's address at this publications'
    `version`, or `make()`'s, kept for next time if it may be."""
    key = request.get_host() + request.get_full_path()  # pages may hold absolute links
    kept = _kept.get(key)
    if kept is not None and kept[0] == version:
        _kept.move_to_end(key)
        return HttpResponse(kept[1], headers=kept[2])
    response = make()
    if hasattr(response, "render"):
        response = response.render()
    keep = settings.PUBLICATION_PAGES_KEPT
    if keep and response.status_code == 200 and not response.streaming and not response.cookies:
        _kept[key] = (version, response.content, dict(response.items()))
        _kept.move_to_end(key)
        while len(_kept) > keep:
            _kept.popitem(last=False)
    return response
