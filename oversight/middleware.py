"""Response headers that Django and django-csp do not set, and the request size limit."""

import asyncio
import functools
import logging
from collections.abc import Callable, Sequence

from django.conf import settings
from django.contrib import admin
from django.db.models import FileField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from oversight.uploads import MAX_UPLOAD_BYTES

logger = logging.getLogger(__name__)


def permissions_policy_header(policy: dict[str, Sequence[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` -> `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{feature}=({' '.join(origins)})" for feature, origins in policy.items())


class PermissionsPolicyMiddleware:
    """Adds `Permissions-Policy` from settings.PERMISSIONS_POLICY to every response.

    It sits before reports' page cache in MIDDLEWARE, so pages served from memory get it too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if header := permissions_policy_header(settings.PERMISSIONS_POLICY):
            response.headers.setdefault("Permissions-Policy", header)
        return response


class RequestSizeLimitMiddleware:
    """Refuses with 413 a request whose body is larger than its page needs, before anything
    reads it: up to `MAX_UPLOAD_BYTES` (and a little for the form's other fields) on the admin
    pages that take documents, `MAX_REQUEST_BYTES` everywhere else.

    Under WSGI only Content-Length needs checking: a body sent without one (chunked) is never
    read at all, as Django's WSGI request reads at most Content-Length bytes, then 0. Under
    ASGI, RequestSizeLimitASGIMiddleware (oversight/asgi.py) caps what is read.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # what Django itself reads for a Content-Length that is not a number
        too_large = length > settings.MAX_REQUEST_BYTES and length > body_limit(request.path_info)
        if too_large or getattr(request, "scope", {}).get(_BODY_CUT_SHORT):
            return request_too_large(request)
        return self.get_response(request)


def body_limit(path_info: str) -> int:
    """The largest body the page at `path_info` accepts."""
    try:
        view_name = resolve(path_info).view_name
    except Resolver404:
        return settings.MAX_REQUEST_BYTES
    if view_name in _upload_views():
        return MAX_UPLOAD_BYTES + settings.MAX_REQUEST_BYTES
    return settings.MAX_REQUEST_BYTES


@functools.cache
def _upload_views() -> frozenset[str]:
    """`admin:<app>_<model>_add|change` of every admin whose form, or an inline of it, has a
    file field: action plans, meeting papers, forces and meetings."""
    names = set()
    for model, model_admin in admin.site._registry.items():
        forms_of = [model, *(inline.model for inline in model_admin.inlines)]
        if any(
            isinstance(field, FileField) for shown in forms_of for field in shown._meta.get_fields()
        ):
            prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            names |= {f"{prefix}_add", f"{prefix}_change"}
    return frozenset(names)


# Set in the ASGI scope when a body without a Content-Length ran past its page's limit.
_BODY_CUT_SHORT = "oversight.body_cut_short"


class RequestSizeLimitASGIMiddleware:
    """The same limit for the ASGI application, where it must act sooner: Django's ASGI handler
    reads the whole body into a temporary file before any middleware runs.

    A body whose Content-Length is over the limit is not read at all: Django is handed an
    empty one, and RequestSizeLimitMiddleware answers 413 from the header. A body without a
    Content-Length (chunked) is passed on until it runs past the limit, then cut short and
    answered 413 the same way.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = body_limit(scope.get("path", "/"))
        headers = dict(scope.get("headers", []))
        try:
            declared = int(headers.get(b"content-length", b""))
        except ValueError:
            declared = None
        received = 0
        # Over the declared limit: Django is handed an empty body and answers 413 from the header.
        cut = declared is not None and declared > limit
        end_sent = False

        async def capped() -> dict:
            nonlocal received, cut, end_sent
            if cut:
                if not end_sent:
                    end_sent = True
                    return {"type": "http.request", "body": b"", "more_body": False}
                # Django then listens for a disconnect. Nothing more is taken from the client
                # (the server stops reading), and Django cancels this wait once the 413 is sent.
                await asyncio.Future()
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    scope[_BODY_CUT_SHORT] = True
                    cut = end_sent = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        return await self.app(scope, capped, send)


def request_too_large(request: HttpRequest) -> HttpResponse:
    """The 413 page. The connection is closed: the body it did not read must not be taken for
    the next request."""
    response = render(
        request,
        "413.html",
        {"upload_limit_mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
        status=413,
    )
    response["Connection"] = "close"
    logger.warning(
        "event=request_too_large method=%s path=%s content_length=%s",
        request.method,
        request.path[:200],
        request.META.get("CONTENT_LENGTH"),
    )
    return response
