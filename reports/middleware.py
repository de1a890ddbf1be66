"""Serve published pages from memory, ahead of sessions, CSRF and authentication.

A published page is the same for every visitor and is already public for five minutes in any
shared cache, so each worker may keep its own copy for a few seconds too. Only responses a
view marks as shared (`response.shared_cacheable = True`) are kept, and only for plain GET
requests without a query string, to a host the site answers to.

Entries are keyed by the publication's own address: a page is kept only when its path is the
one its view and arguments reverse to (`/updates/2014-12/revisions/1/`), so spellings of the
same publication (`/revisions/0001/`, which the URL converter refuses anyway) cannot each add
an entry. At most MAX_PAGES are kept; expired ones are dropped first, then the oldest.

Each entry keeps the page in every content coding made for it so far (the plain page, and the
gzip and brotli bodies stored at publication, see `oversight.compression`), and each client is
sent the one its `Accept-Encoding` prefers; a coding not kept yet is a miss, whose response
adds it.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import NoReverseMatch, reverse
from django.utils.http import parse_etags

from oversight.compression import encoding_choose
from reports.selectors import publications_version

# Each quarterly update has a page, a changes page and a page per earlier revision: a few a
# year, about 31 KB each. The bound is for the worst case, not for the real site.
MAX_PAGES = 100

# path -> (expires, {coding: body}, headers of the plain page)
_pages: dict[str, tuple[float, dict[str, bytes], dict[str, str]]] = {}
# Set per coding on the way out, not kept with the page.
_PER_CODING_HEADERS = ("Content-Encoding", "Content-Length", "ETag")


# (expires, version): the publications' version as this worker last read it.
_version: list[tuple[float, tuple]] = []


def published_page_cache_clear() -> None:
    _pages.clear()
    _version.clear()


def publications_version_recent() -> tuple:
    """The publications' version (`reports.selectors.publications_version`), read at most once per
    `PUBLISHED_PAGE_CACHE_SECONDS` in this worker: the pages made from publications whose
    address has a query string (a search, a page of a list) then cost no query either, and a
    new publication reaches them within the same seconds as it reaches the kept pages."""
    seconds = settings.PUBLISHED_PAGE_CACHE_SECONDS
    now = time.monotonic()
    if seconds and _version and _version[0][0] > now:
        return _version[0][1]
    version = publications_version()
    _version[:] = [(now + seconds, version)] if seconds else []
    return version


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
            wanted = encoding_choose(request.headers.get("Accept-Encoding", "")) or "identity"
            if wanted in cached[1]:
                return self._from_cache(request, cached[1], wanted, cached[2])
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
    def _from_cache(
        request: HttpRequest, bodies: dict[str, bytes], coding: str, headers: dict[str, str]
    ) -> HttpResponse:
        etag = headers.get("ETag")
        if etag and coding != "identity":
            etag = f"W/{etag}"  # as oversight.compression sends it
        if etag and _etag_matches(request.headers.get("If-None-Match", ""), etag):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            for name in ("Last-Modified", "Cache-Control", "Vary"):
                if name in headers:
                    response[name] = headers[name]
            return response
        response = HttpResponse(bodies[coding])
        for name, value in headers.items():
            response[name] = value
        if etag:
            response["ETag"] = etag
        if coding != "identity":
            response["Content-Encoding"] = coding
        response["Content-Length"] = str(len(response.content))
        return response


def _etag_matches(if_none_match: str, etag: str) -> bool:
    """The weak comparison `If-None-Match` uses (RFC 9110 13.1.2)."""
    tags = parse_etags(if_none_match)
    return "*" in tags or etag.removeprefix("W/") in {tag.removeprefix("W/") for tag in tags}


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
    headers = {name: value for name, value in response.items() if name not in _PER_CODING_HEADERS}
    if "ETag" in response:
        headers["ETag"] = response["ETag"].removeprefix("W/")
    bodies = dict(getattr(response, "encodings", None) or {"identity": response.content})
    old = _pages.pop(path, None)  # a renewed page moves to the end, as the newest
    if old and old[0] > now and old[2].get("ETag") == headers.get("ETag"):
        bodies = {**old[1], **bodies}  # the same page: keep the codings made before
    _pages[path] = (now + seconds, bodies, headers)
