"""Compressed responses, chosen by `Accept-Encoding`, and never where a secret could leak.

BREACH: an attacker who can make a victim's browser send requests, and can see the size of the
compressed responses, can recover a secret in the page (a CSRF token, a session's data) a
character at a time, because text that repeats compresses smaller. So a response is compressed
only when it carries no such secret: it sets no cookie, its view never asked for a CSRF token,
and nothing read or wrote the session (which also covers "who is signed in"). Public pages are
the same for everyone and pass; forms and every signed-in page do not.

Published pages bring their own compressed bodies, made once when published
(`response.precompressed`, see `reports.compressed`); everything else is compressed here, on
the way out.
"""

import gzip
from collections.abc import Callable

import brotli
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.regex_helper import _lazy_re_compile

# Preferred first when a client accepts both at the same quality: brotli is smaller.
ENCODINGS = ("br", "gzip")
# Below this a compressed body is barely smaller, or larger, than the page itself.
MIN_BYTES = 200
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
    "image/svg+xml",
)
_QUALITY = _lazy_re_compile(r";\s*q\s*=\s*([0-9.]+)")


def encoding_choose(accept_encoding: str, available: tuple[str, ...] = ENCODINGS) -> str | None:
    """The content coding to send for this `Accept-Encoding`, or None for the plain body.

    `br;q=0` refuses brotli; `*` stands for any coding not named.
    """
    qualities: dict[str, float] = {}
    for item in accept_encoding.split(","):
        coding = item.split(";", 1)[0].strip().lower()
        if not coding:
            continue
        match = _QUALITY.search(item)
        try:
            qualities[coding] = float(match.group(1)) if match else 1.0
        except ValueError:
            qualities[coding] = 0.0
    best, best_quality = None, 0.0
    for coding in available:
        quality = qualities.get(coding, qualities.get("*", 0.0))
        if quality > best_quality:
            best, best_quality = coding, quality
    return best


def gzip_compress(content: bytes, *, level: int = 6) -> bytes:
    # mtime=0: the same page always compresses to the same bytes.
    return gzip.compress(content, compresslevel=level, mtime=0)


def brotli_compress(content: bytes, *, quality: int = 5) -> bytes:
    return brotli.compress(content, mode=brotli.MODE_TEXT, quality=quality)


def compress(content: bytes, encoding: str, *, best: bool = False) -> bytes:
    """`content` in `encoding`; `best` for a body compressed once and kept (slower, smaller)."""
    if encoding == "br":
        return brotli_compress(content, quality=11 if best else 5)
    if encoding == "gzip":
        return gzip_compress(content, level=9 if best else 6)
    raise ValueError(f"Unknown content coding {encoding!r}")


def carries_secret(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether the response may hold a CSRF token or a session's data (so: never compress)."""
    if response.cookies:
        return True
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the view asked for a CSRF token
        return True
    session = getattr(request, "session", None)
    if session is not None and (session.accessed or session.modified):
        return True
    # Whatever read the session or the CSRF cookie said so for caches, even if we missed it.
    vary = response.get("Vary", "")
    return "cookie" in {header.strip().lower() for header in vary.split(",")}


def is_compressible(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.has_header("Content-Encoding")
        and response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES)
        and len(response.content) >= MIN_BYTES
        and not carries_secret(request, response)
    )


def response_encode(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Send the response in the coding the client prefers, keeping every coding it has.

    `response.encodings` is left holding each body made ({"identity": ..., "br": ...}), so
    the published page cache can keep them and serve the next client in its own coding.
    """
    patch_vary_headers(response, ("Accept-Encoding",))
    encodings: dict[str, bytes] = {"identity": response.content}
    encodings.update(getattr(response, "precompressed", None) or {})
    coding = encoding_choose(request.headers.get("Accept-Encoding", ""))
    if coding is not None and coding not in encodings:
        encodings[coding] = compress(response.content, coding)
    response.encodings = encodings
    if coding is None:
        return response
    response.content = encodings[coding]
    response["Content-Encoding"] = coding
    response["Content-Length"] = str(len(response.content))
    etag_weaken(response)
    return response


def etag_weaken(response: HttpResponse) -> None:
    """A compressed body is not byte-for-byte the page the strong ETag names (as Django's
    GZipMiddleware does); `If-None-Match` compares weakly, so revalidation still works."""
    etag = response.get("ETag")
    if etag and not etag.startswith("W/"):
        response["ETag"] = f"W/{etag}"


class CompressionMiddleware:
    """Compress what is safe to compress (see the module docstring), on the way out.

    Sits outside the session and CSRF middleware, so it sees what they did to the response.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_compressible(request, response):
            return response
        return response_encode(request, response)
