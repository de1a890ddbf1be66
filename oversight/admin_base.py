"""The admin site, the base of every ModelAdmin here, and the read-only variant for records
written elsewhere."""

import datetime
import logging
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.main import ERROR_FLAG
from django.db import DataError, router, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict

logger = logging.getLogger(__name__)

BAD_FILTER_MESSAGE = (
    "Some of the filters could not be used, so the list is shown without them: {names}. "
    "Choose a filter from the list on the right instead."
)


class BadFilterGuard:
    """A ModelAdmin mixin: a filter value that no record could have gives the list without
    that filter and an error message, never a 500.

    Django itself turns most wrong lookups into a redirect, but not what fails only once the
    query runs: PostgreSQL refuses text holding a NUL byte (`DataError`), and the date
    hierarchy turns a 20-digit year into a `datetime` that overflows.
    """

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method != "GET" or not request.GET:
            return super().changelist_view(request, extra_context)
        if unusable := self._unusable_parameters(request.GET):
            return self._changelist_without(request, unusable)
        try:
            # A savepoint, so that a query PostgreSQL refused leaves the connection usable.
            with transaction.atomic(using=router.db_for_read(self.model)):
                response = super().changelist_view(request, extra_context)
                # The rows are read while the template renders: render inside the savepoint.
                if hasattr(response, "render"):
                    response.render()
        except (DataError, ValueError, OverflowError) as error:
            logger.warning(
                "event=admin_bad_filter path=%s error=%s", request.path, type(error).__name__
            )
            # Which parameter the database refused is not known: drop every filter.
            return self._changelist_without(request, list(request.GET))
        return response

    def _unusable_parameters(self, query: QueryDict) -> list[str]:
        """Parameters that could only make the query fail: NUL bytes, impossible dates."""
        unusable = [
            name
            for name, values in query.lists()
            if "\x00" in name or any("\x00" in value for value in values)
        ]
        if self.date_hierarchy and not _is_a_date_hierarchy_range(self.date_hierarchy, query):
            unusable += [
                name
                for part in ("year", "month", "day")
                if (name := f"{self.date_hierarchy}__{part}") in query and name not in unusable
            ]
        return unusable

    def _changelist_without(self, request: HttpRequest, names: list[str]) -> HttpResponse:
        kept = request.GET.copy()
        for name in [*names, ERROR_FLAG]:
            kept.pop(name, None)
        # Shown escaped by the admin's template; cut short, as they are whatever was sent.
        shown = ", ".join(sorted({name.replace("\x00", "\\x00")[:60] for name in names})[:10])
        messages.error(request, BAD_FILTER_MESSAGE.format(names=shown))
        query = kept.urlencode()
        return HttpResponseRedirect(request.path + (f"?{query}" if query else ""))


def _is_a_date_hierarchy_range(field: str, query: QueryDict) -> bool:
    """Whether the year, month and day given make a day, month or year the calendar has,
    one that also has a next one (the hierarchy filters up to the start of the next)."""
    parts = [query.get(f"{field}__{part}") for part in ("year", "month", "day")]
    if parts[0] is None:
        return True
    given = [part for part in parts if part is not None]
    if len(given) > 3 or any(len(part) > 4 or not part.isdigit() for part in given):
        return False
    year, month, day = (int(part) if part is not None else 1 for part in parts)
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return year < datetime.MAXYEAR


class ModelAdmin(BadFilterGuard, admin.ModelAdmin):
    """The base of every ModelAdmin of this service."""


class AdminSite(admin.AdminSite):
    """The admin site (`oversight.admin_site.AdminConfig`): every ModelAdmin registered on it,
    this service's or a library's (django-axes' logs have a date hierarchy too), is guarded."""

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, BadFilterGuard):
            admin_class = type(
                admin_class.__name__,
                (BadFilterGuard, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)


class ReadOnlyAdmin(ModelAdmin):
    """Records written elsewhere (a service, a data load, members' pages): read here, never changed."""

    actions = None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
