"""Public pages that are a function of the publications alone, rendered once per publication.

The home page, the editions list, the feed, the recommendation and force pages and the
datasets change only when something is published (or withdrawn). `made_from_publications`
gives such a view:

- one query to learn the publications' version (`reports.selectors.publications_version`),
  which is the page's `ETag` and `Last-Modified`, so a client or CDN revalidating its copy gets
  a `304` for that one query; each worker reads it at most once per
  `PUBLISHED_PAGE_CACHE_SECONDS` (`reports.middleware.publications_version_recent`), so under
  load even the addresses the middleware below does not keep (with a query string) cost none;
- the page rendered once per version in each worker and kept (at most
  `settings.PUBLICATION_PAGES_KEPT` pages, the least recently used dropped first; 0 keeps
  none), so a new publication invalidates every kept page at once; the search results pages
  (`/search/?q=`, one per query and page) are kept apart, at most
  `settings.SEARCH_PAGES_KEPT` of them;
- `PublishedPageCacheMiddleware` keeping it for a few seconds more in front of everything
  (addresses without a query string), as for the edition pages.

Only 200 responses that set no cookie are kept: none of these pages has a form with a CSRF
token or anything about the visitor.
"""

import datetime
import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from oversight.kept_pages import KeptPages
from reports.middleware import publications_version_recent
from reports.views import published_response

# The pages and datasets; the searches apart, so that many different searches cannot push
# the home page and the lists out.
KEPT_PAGES = KeptPages("PUBLICATION_PAGES_KEPT")
KEPT_SEARCHES = KeptPages("SEARCH_PAGES_KEPT")


def made_from_publications_clear() -> None:
    KEPT_PAGES.clear()
    KEPT_SEARCHES.clear()


def made_from_publications(
    view: Callable[..., HttpResponse], *, kept: KeptPages = KEPT_PAGES
) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        latest_id, updated_at = publications_version_recent()
        if updated_at is None:  # nothing published yet: the page says so, uncached
            return view(request, *args, **kwargs)
        # A page may say what today makes of what was published ("Overdue" once a due date
        # has passed), so each day is a version of its own.
        today = timezone.localdate()
        version = (latest_id, updated_at, today)
        start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
        return published_response(
            request,
            lambda: kept.response(request, version, lambda: view(request, *args, **kwargs)),
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
    return KEPT_PAGES.response(request, version, make)
