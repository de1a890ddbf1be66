"""Response headers that Django and django-csp do not set, and the request size limit."""

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

    Only Content-Length is checked. A body sent without one (chunked) is never read at all:
    Django's WSGI request reads at most Content-Length bytes, which is then 0.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._upload_views: frozenset[str] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # what Django itself reads for a Content-Length that is not a number
        if length > settings.MAX_REQUEST_BYTES and length > self._limit(request):
            return request_too_large(request)
        return self.get_response(request)

    def _limit(self, request: HttpRequest) -> int:
        try:
            view_name = resolve(request.path_info).view_name
        except Resolver404:
            return settings.MAX_REQUEST_BYTES
        if view_name in self.upload_views:
            return MAX_UPLOAD_BYTES + settings.MAX_REQUEST_BYTES
        return settings.MAX_REQUEST_BYTES

    @property
    def upload_views(self) -> frozenset[str]:
        """`admin:<app>_<model>_add|change` of every admin whose form, or an inline of it,
        has a file field: action plans, meeting papers, forces and meetings."""
        if self._upload_views is None:
            names = set()
            for model, model_admin in admin.site._registry.items():
                forms_of = [model, *(inline.model for inline in model_admin.inlines)]
                if any(
                    isinstance(field, FileField)
                    for shown in forms_of
                    for field in shown._meta.get_fields()
                ):
                    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
                    names |= {f"{prefix}_add", f"{prefix}_change"}
            self._upload_views = frozenset(names)
        return self._upload_views


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
