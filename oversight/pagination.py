"""Pages of a long list, for the GOV.UK pagination component (`{% pagination page %}`).

A page number that is not a number, or past the end, shows the nearest page: an address typed
by hand or kept from a longer list is never an error page.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def paginate(
    items: QuerySet | Sequence[Any],
    *,
    number: str | int | None,
    per_page: int,
    parameter: str = "page",
    rows: Callable[[list[Any]], list[Any]] | None = None,
    count: int | None = None,
) -> Page:
    """Page `number` of `items` (from `?<parameter>=N`); `rows` turns the page's items into
    what the page shows (for example, plans into rows with their reviews).

    On a queryset it costs two queries (the count, then the page), whatever the list's length;
    one where the caller knows the `count` already (a running total).
    """
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # instead of the cached property's query
    page = paginator.get_page(number)
    if rows is not None:
        page.object_list = rows(list(page.object_list))
    page.parameter = parameter
    return page


def page_href(request: HttpRequest, page: Page, number: int) -> str:
    """The address of page `number` of `page`'s list, keeping the address's other parameters."""
    query = request.GET.copy()
    query[getattr(page, "parameter", "page")] = str(number)
    return "?" + query.urlencode()
