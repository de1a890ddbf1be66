"""The rows of an admin list: the markup Django's `items_for_result` writes, with what is the
same for every row of a column worked out once per page (issue 13, ADR 11).

For every cell, Django works out again which kind of column it is, its empty value, its CSS
classes and whether it links; it reverses the change URL and pieces the cell together with
`format_html`. On a page of rows that was most of an admin list's time. Here each column is
looked at once. Each cell then only reads its value, shows it through Django's own display
functions, and is written out.

`tests/oversight/test_admin_rows.py` compares every registered list's rows with Django's own.
Lists with `list_editable`, and lists opened in a popup, keep Django's rows.
"""

import datetime
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.contrib.admin import helpers
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from oversight import dates
from oversight.admin_base import PlainActionCheckbox

# What a cell shows (before escaping) and its CSS classes; raises ObjectDoesNotExist where
# reading the value does, as Django's lookup does.
ShownValue = Callable[[Model], tuple[Any, str]]
CellWriter = Callable[[Model], str]

# Stands for the record's key in a change URL reversed once per page.
KEY_PLACEHOLDER = "0key0"
DATE_OR_TIME = (datetime.date, datetime.time)


def result_list(cl: ChangeList) -> dict[str, Any]:
    """The context Django's `result_list` tag gives `change_list_results.html`, with the rows
    written here. Each row is one item: its cells, written out together."""
    headers = list(admin_list.result_headers(cl))
    django_rows = cl.formset or cl.is_popup
    results = list(admin_list.results(cl) if django_rows else rows(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(admin_list.result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": results,
    }


def rows(cl: ChangeList) -> Iterator[admin_list.ResultList]:
    writers = column_writers(cl)
    for result in cl.result_list:
        # Safe: each cell escapes what it shows.
        row = mark_safe("".join([write(result) for write in writers]))  # noqa: S308
        yield admin_list.ResultList(None, [row])


def column_writers(cl: ChangeList) -> list[CellWriter]:
    """A function per column, writing that column's cell of a row."""
    writers = []
    first = True  # until the first linked column, as in items_for_result
    for index, field_name in enumerate(cl.list_display):
        linked = _link_in_column(first, field_name, cl)
        name_class = "field-" + admin_list._coerce_field_name(field_name, index)
        shown = _shown_value(cl, field_name, name_class, linked)
        writers.append(_cell_writer(cl, shown, name_class, linked, first))
        if linked:
            first = False
    return writers


def _link_in_column(is_first: bool, field_name: Any, cl: ChangeList) -> bool:
    if cl.list_display_links is None:
        return False
    if is_first and not cl.list_display_links:
        return True
    return field_name in cl.list_display_links


def _cell_writer(
    cl: ChangeList, shown: ShownValue, name_class: str, linked: bool, first: bool
) -> CellWriter:
    empty = cl.model_admin.get_empty_value_display()

    def shown_or_empty(result: Model) -> tuple[Any, str]:
        try:
            return shown(result)
        except ObjectDoesNotExist:
            return empty, name_class

    if not linked:

        def write(result: Model) -> str:
            text, classes = shown_or_empty(result)
            return f'<td class="{classes}">{conditional_escape(text)}</td>'

        return write

    tag = "th" if first else "td"
    change_url = _change_url_writer(cl)

    def write_linked(result: Model) -> str:
        text, classes = shown_or_empty(result)
        url = change_url(result)
        if url is None:
            return f'<{tag} class="{classes}">{conditional_escape(text)}</{tag}>'
        return f'<{tag} class="{classes}"><a href="{url}">{conditional_escape(text)}</a></{tag}>'

    return write_linked


def _shown_value(cl: ChangeList, field_name: Any, name_class: str, linked: bool) -> ShownValue:
    """How this column's cells are shown, decided once: a field of the model, a method of the
    admin (or a callable), or anything else the model has (Django's own lookup, row by row)."""
    model_admin = cl.model_admin
    site_empty = model_admin.get_empty_value_display()
    try:
        field = _get_non_gfk_field(cl.lookup_opts, field_name)
    except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
        field = None
    if field is not None:
        return _field_value(field, field_name, name_class, site_empty, linked)

    if field_name == "action_checkbox":
        name_class = "action-checkbox"

    def classes_for(value: Any) -> str:
        return _classes_for(name_class, value)

    if field_name == "action_checkbox" and isinstance(model_admin, PlainActionCheckbox):
        return _checkbox(name_class)
    if callable(field_name) or (hasattr(model_admin, field_name) and field_name != "__str__"):
        attr = field_name if callable(field_name) else getattr(model_admin, field_name)
        empty = getattr(attr, "empty_value_display", site_empty)
        boolean = getattr(attr, "boolean", False)

        def computed(result: Model) -> tuple[Any, str]:
            value = _blank_as_empty(attr(result))
            return _displayed(value, empty, boolean), classes_for(value)

        return computed

    def model_attribute(result: Model) -> tuple[Any, str]:
        # A property, a method, `__str__` or a path along relations: what they are can differ
        # from row to row (an attribute set on the record), so Django's own lookup each time.
        _, attr, value = lookup_field(field_name, result, model_admin)
        empty = getattr(attr, "empty_value_display", site_empty)
        boolean = getattr(attr, "boolean", False)
        if isinstance(attr, property) and hasattr(attr, "fget"):
            boolean = getattr(attr.fget, "boolean", False)
        value = _blank_as_empty(value)
        return _displayed(value, empty, boolean), classes_for(value)

    return model_attribute


def _checkbox(name_class: str) -> ShownValue:
    """`PlainActionCheckbox.action_checkbox`, its label translated once per page."""
    label = gettext("Select this object for an action - {}")

    def checkbox(result: Model) -> tuple[Any, str]:
        aria_label = label.format(escape(str(result)))  # the label is not escaped, as in Django
        return SafeString(
            f'<input type="checkbox" name="{helpers.ACTION_CHECKBOX_NAME}" '
            f'value="{escape(str(result.pk))}" class="action-select" aria-label="{aria_label}">'
        ), name_class

    return checkbox


def _displayed(value: Any, empty: str, boolean: bool) -> Any:
    """`display_for_value`, with dates written by `oversight.dates` and whole numbers as
    Django writes them without thousands separators."""
    if boolean:
        return display_for_value(value, empty, boolean)
    if isinstance(value, datetime.date):
        return dates.localize(value)
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return display_for_value(value, empty, boolean)


def _field_value(
    field: models.Field, field_name: str, name_class: str, empty: str, linked: bool
) -> ShownValue:
    if field.auto_created:  # the key Django made, say: shown as a plain value

        def auto_created(result: Model) -> tuple[Any, str]:
            value = _blank_as_empty(getattr(result, field_name))
            return _displayed(value, empty, False), _classes_for(name_class, value)

        return auto_created

    nowrap = isinstance(field, models.DateField | models.TimeField | models.ForeignKey)
    classes = name_class + " nowrap" if nowrap else name_class
    if isinstance(field.remote_field, models.ManyToOneRel):

        def related(result: Model) -> tuple[Any, str]:
            value = getattr(result, field.name)
            return (empty if value is None else value), classes

        return related

    if field.flatchoices:
        choices = dict(field.flatchoices)

        def chosen(result: Model) -> tuple[Any, str]:
            value = _blank_as_empty(getattr(result, field_name))
            try:
                return choices.get(value, empty), classes
            except TypeError:  # a value no dictionary takes: Django's way with it
                return display_for_field(value, field, empty, avoid_link=linked), classes

        return chosen

    if isinstance(field, models.DateField):  # a date, or a date and time

        def when(result: Model) -> tuple[Any, str]:
            value = getattr(result, field_name)
            return (empty if value in field.empty_values else dates.localize(value)), classes

        return when

    if isinstance(field, models.IntegerField) and not settings.USE_THOUSAND_SEPARATOR:

        def whole_number(result: Model) -> tuple[Any, str]:
            value = getattr(result, field_name)
            return (empty if value in field.empty_values else str(value)), classes

        return whole_number

    def plain(result: Model) -> tuple[Any, str]:
        value = _blank_as_empty(getattr(result, field_name))
        return display_for_field(value, field, empty, avoid_link=linked), classes

    return plain


def _classes_for(name_class: str, value: Any) -> str:
    """A computed cell's classes: a date or time does not wrap, as in Django."""
    return name_class + " nowrap" if isinstance(value, DATE_OR_TIME) else name_class


def _blank_as_empty(value: Any) -> Any:
    return "" if isinstance(value, str) and value.strip() == "" else value


def _change_url_writer(cl: ChangeList) -> Callable[[Model], SafeString | None]:
    """A function giving a row's change URL, escaped, with the list's filters kept in it; or
    None where the change page has no URL."""
    preserved = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}
    if not isinstance(cl.lookup_opts.pk, models.AutoField | models.IntegerField):
        # A key of text is quoted for the URL row by row, as Django does.
        def any_key(result: Model) -> SafeString | None:
            try:
                return escape(add_preserved_filters(preserved, cl.url_for_result(result)))
            except NoReverseMatch:
                return None

        return any_key

    opts = cl.opts
    try:
        url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=(KEY_PLACEHOLDER,),
            current_app=cl.model_admin.admin_site.name,
        )
    except NoReverseMatch:
        return lambda result: None
    # The placeholder is in the path, before any kept filter. A whole number's digits need
    # no quoting or escaping, and escaping a whole is escaping each of its parts.
    before, after = add_preserved_filters(preserved, url).split(KEY_PLACEHOLDER, 1)
    before, after = escape(before), escape(after)
    key = cl.pk_attname
    return lambda result: SafeString(f"{before}{getattr(result, key)}{after}")
