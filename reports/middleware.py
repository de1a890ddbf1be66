"""Serve published pages from memory, ahead of sessions, CSRF and authentication.

A published page is the same for every visitor and is already public for five minutes in any
shared cache, so each worker may keep its own copy for a few seconds too. Only responses a
view marks as shared (`response.shared_cacheable = True`) are kept, under their path, and only
for plain GET requests without a query string, so the cache cannot be filled by junk URLs.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

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
        cached = _pages.get(request.path)
        if cached and cached[0] > time.monotonic():
            return self._from_cache(request, cached[1], cached[2])
        response = self.get_response(request)
        if (
            getattr(response, "shared_cacheable", False)
            and response.status_code == 200
            and request.method == "GET"
            and not response.streaming
        ):
            _pages[request.path] = (
                time.monotonic() + seconds,
                response.content,
                dict(response.items()),
            )
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
