"""Every admin list's rows, written by `oversight.admin_rows`, are the markup Django's own
`items_for_result` writes for them: the same cells, classes, links and escaping."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.contrib.auth.models import Group
from django.db.models import Model
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.html import format_html
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from oversight import admin_rows
from oversight.admin_base import ModelAdmin
from oversight.models import Meeting, Member, Organisation
from tests.oversight.factories import (
    MeetingFactory,
    MemberFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.oversight.test_admin import ROW_MAKERS, Rows

pytestmark = pytest.mark.django_db

# In names and titles, so that a cell that forgot to escape shows.
AWKWARD = 'Women\'s Aid <Federation> & "Partners"'


def _user(rows: Rows, index: int) -> Model:
    return UserFactory(first_name=AWKWARD, last_name="", email=f"user{index}@example.org")


def _attempt_fields(index: int) -> dict[str, Any]:
    return {
        "username": f"{AWKWARD} {index}",
        "ip_address": "192.0.2.1",
        "user_agent": "<script>",
        "http_accept": "*/*",
        "path_info": "/admin/login/",
    }


LIBRARY_ROW_MAKERS: dict[type[Model], Callable[[Rows, int], Model]] = {
    Group: lambda rows, index: Group.objects.create(name=f"{AWKWARD} {index}"),
    UserFactory._meta.model: _user,
    AccessAttempt: lambda rows, index: AccessAttempt.objects.create(
        **_attempt_fields(index), get_data="", post_data="", failures_since_start=index
    ),
    AccessFailureLog: lambda rows, index: AccessFailureLog.objects.create(
        **_attempt_fields(index), locked_out=bool(index % 2)
    ),
    AccessLog: lambda rows, index: AccessLog.objects.create(
        **_attempt_fields(index), logout_time=None if index % 2 else timezone.now()
    ),
    # A key that is not a number: its change URLs are quoted row by row.
    DBTaskResult: lambda rows, index: DBTaskResult.objects.create(
        task_path="oversight.tasks.example",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=None,
        exception_class_path="",
        traceback="",
    ),
    StaticDevice: lambda rows, index: StaticDevice.objects.create(
        user=rows.related(index, UserFactory), name=f"{AWKWARD} {index}"
    ),
    TOTPDevice: lambda rows, index: TOTPDevice.objects.create(
        user=rows.related(index, UserFactory), name=f"{AWKWARD} {index}", confirmed=bool(index % 2)
    ),
}
EVERY_LIST = sorted(admin.site._registry, key=lambda model: model._meta.label)


def changelist(model: type[Model], user, query: dict[str, str] | None = None, model_admin=None):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    request = RequestFactory().get(url, query or {})
    request.user = user
    request.resolver_match = resolve(url)  # the kept filters in each row's link need it
    cl = (model_admin or admin.site._registry[model]).get_changelist_instance(request)
    cl.formset = None  # as changelist_view sets it for a list without list_editable
    return cl


def both_ways(cl) -> tuple[list[str], list[str]]:
    ours = ["".join(row) for row in admin_rows.rows(cl)]
    djangos = ["".join(row) for row in admin_list.results(cl)]
    return ours, djangos


def test_every_list_has_rows_to_compare() -> None:
    assert set(EVERY_LIST) - set(ROW_MAKERS) - set(LIBRARY_ROW_MAKERS) == set()


@pytest.mark.parametrize("model", EVERY_LIST, ids=lambda model: model._meta.label)
@pytest.mark.parametrize(
    "query",
    [{}, {"o": "-2.1"}, {"q": "a"}],
    ids=["as listed", "sorted, which each row's link keeps", "searched"],
)
def test_each_lists_rows_are_djangos_markup(admin_user, model, query) -> None:
    rows = Rows(ROW_MAKERS.get(model) or LIBRARY_ROW_MAKERS[model])
    rows.make(3)

    ours, djangos = both_ways(changelist(model, admin_user, query))

    assert ours == djangos
    if not query.get("q"):
        assert len(ours) >= 3  # row makers make some related rows of the same kind


def test_the_page_shows_the_rows_written_here(secretariat_client, secretariat_user) -> None:
    OrganisationFactory(name=AWKWARD)
    OrganisationFactory(name="SafeLives")

    page = secretariat_client.get(reverse("admin:oversight_organisation_changelist"))

    assert page.status_code == 200
    _, djangos = both_ways(changelist(Organisation, secretariat_user))
    for row in djangos:
        assert f"<tr>{row}</tr>" in page.content.decode()
    assert "<Federation>" not in page.content.decode()


class EveryKindOfColumn(ModelAdmin):
    """Columns of every kind `items_for_result` tells apart."""

    list_display = (
        "action_checkbox",
        "name",
        "id",  # the key Django made
        "organisation",  # a foreign key
        "is_chair",  # a boolean field: an icon
        "joined_on",  # a date field: no wrapping
        "left_on",  # empty
        "display_order",
        "role",  # blank text
        "listing_label",  # a property of the model
        "__str__",
        "organisation__name",  # a path along a relation
        "chair_icon",  # an admin method shown as a boolean
        "nothing",  # an admin method with an empty value of its own
        "joined",  # an admin method giving a date
        "markup",  # an admin method giving safe markup
        lambda member: f"<{member.name}>",  # a callable
    )
    list_display_links = ("name", "organisation")

    @admin.display(boolean=True)
    def chair_icon(self, member: Member) -> bool:
        return member.is_chair

    @admin.display(empty_value="(none given)")
    def nothing(self, member: Member) -> None:
        return None

    def joined(self, member: Member) -> datetime.date | None:
        return member.joined_on

    def markup(self, member: Member) -> str:
        return format_html("<strong>{}</strong>", member.name)


@pytest.fixture
def members() -> list[Member]:
    organisation = OrganisationFactory(name=AWKWARD)
    return [
        MemberFactory(
            name=AWKWARD,
            organisation=organisation,
            role="   ",
            is_chair=True,
            joined_on=datetime.date(2014, 9, 1),
            left_on=None,
        ),
        MemberFactory(organisation=organisation, role="Chief Constable", joined_on=None),
    ]


@pytest.mark.parametrize(
    "links", [("name", "organisation"), (), None], ids=["two links", "first column", "none"]
)
@pytest.mark.parametrize("query", [{}, {"o": "2"}], ids=["as listed", "sorted"])
def test_every_kind_of_column_is_djangos_markup(admin_user, members, links, query) -> None:
    model_admin = type("Columns", (EveryKindOfColumn,), {"list_display_links": links})(
        Member, admin.site
    )

    ours, djangos = both_ways(changelist(Member, admin_user, query, model_admin))

    assert ours == djangos
    assert len(ours) == 2
    assert "&lt;Federation&gt;" in ours[0] and "<Federation>" not in ours[0]


def test_a_choice_and_a_date_are_djangos_markup(admin_user) -> None:
    MeetingFactory(status=Meeting.Status.PLANNED)
    MeetingFactory(status=Meeting.Status.HELD)
    model_admin = type("Choices", (ModelAdmin,), {"list_display": ("date", "status", "focus")})(
        Meeting, admin.site
    )

    ours, djangos = both_ways(changelist(Meeting, admin_user, model_admin=model_admin))

    assert ours == djangos
    shown = "".join(ours)
    assert Meeting.Status.PLANNED.label in shown and Meeting.Status.HELD.label in shown


def test_a_list_in_a_popup_keeps_djangos_rows(admin_user) -> None:
    OrganisationFactory(name=AWKWARD)

    cl = changelist(Organisation, admin_user, {"_popup": "1", "_to_field": "id"})

    [row] = admin_rows.result_list(cl)["results"]
    assert "data-popup-opener" in "".join(row)


def test_whole_numbers_are_grouped_where_the_settings_ask(admin_user, settings) -> None:
    settings.USE_THOUSAND_SEPARATOR = True
    MemberFactory(display_order=12345)
    model_admin = type(
        "Numbers", (ModelAdmin,), {"list_display": ("name", "display_order", "number")}
    )
    model_admin.number = lambda self, member: member.display_order * 10

    ours, djangos = both_ways(
        changelist(Member, admin_user, model_admin=model_admin(Member, admin.site))
    )

    assert ours == djangos
    assert "12,345" in ours[0] and "123,450" in ours[0]
