"""Test-only URLs that fail on purpose; production urls.py has none. Used with ROOT_URLCONF."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from oversight.urls import urlpatterns as site_urlpatterns


def raise_permission_denied(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("Only for the secretariat")


def raise_suspicious_operation(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("Tampered-with form")


def raise_error(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("A bug, with a secret in its message: s3cr3t")


# The site's own URLs too: the error pages link to the home page by name.
urlpatterns = [
    *site_urlpatterns,
    path("test-errors/403/", raise_permission_denied),
    path("test-errors/400/", raise_suspicious_operation),
    path("test-errors/500/", raise_error),
]
