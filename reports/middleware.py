"""Serve published pages from memory, ahead of sessions, CSRF and authentication.

A published page is the same for every visitor and is already public for five minutes in any
shared cache, so each worker may keep its own copy for a few seconds too. Only responses a
view marks as shared (`response.shared_cacheable = True`) are kept, and only for plain GET
requests without a query string, to a host the site answers to.

Entries are keyed by the publication's own address: a page is kept only when its path is the
one its view and arguments reverse to (`/updates/2014-12/revisions/1/`), so spellings of the
same publication (`/revisions/0001/`, which the URL converter refuses anyway) cannot each add
an entry. At most MAX_PAGES are kept; expired ones are dropped first, then the oldest.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import NoReverseMatch, reverse

# Each quarterly update has a page, a changes page and a page per earlier revision: a few a
# year, about 31 KB each. The bound is for the worst case, not for the real site.
MAX_PAGES = 100

_pages: dict[str, tuple[float, bytes, dict[str, str]]] = {}


def published_page_cache_clear() -> None:
    _pages.clear()


class PublishedPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = settings.PUBLISHED_PAGE_CACHE_SECONDS
        if not seconds or request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
            return self.get_response(request)
        # A Host the site does not answer to is a 400 (DisallowedHost), cached page or not.
        request.get_host()
        cached = _pages.get(request.path)
        if cached and cached[0] > time.monotonic():
            return self._from_cache(request, cached[1], cached[2])
        response = self.get_response(request)
        if (
            getattr(response, "shared_cacheable", False)
            and response.status_code == 200
            and request.method == "GET"
            and not response.streaming
            and _is_canonical(request)
        ):
            _keep(request.path, seconds, response)
        return response

    @staticmethod
    def _from_cache(request: HttpRequest, content: bytes, headers: dict[str, str]) -> HttpResponse:
        if request.headers.get("If-None-Match") == headers.get("ETag"):
            response = HttpResponseNotModified()
            for name in ("ETag", "Last-Modified", "Cache-Control"):
                if name in headers:
                    response[name] = headers[name]
            return response
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        return response


def _is_canonical(request: HttpRequest) -> bool:
    """Whether the path is the one address of what the view showed."""
    match = request.resolver_match
    if match is None:
        return False
    try:
        return reverse(match.view_name, args=match.args, kwargs=match.kwargs) == request.path
    except NoReverseMatch:
        return False


def _keep(path: str, seconds: int, response: HttpResponse) -> None:
    now = time.monotonic()
    if path not in _pages and len(_pages) >= MAX_PAGES:
        for expired in [key for key, (expires, _, _) in _pages.items() if expires <= now]:
            del _pages[expired]
        while len(_pages) >= MAX_PAGES:
            del _pages[next(iter(_pages))]  # the oldest: dicts keep insertion order
    _pages.pop(path, None)  # a renewed page moves to the end, as the newest
    _pages[path] = (now + seconds, response.content, dict(response.items()))
