"""Junk in the admin's changelists: the list again with an error message, never a 500.

The sweep walks every registered ModelAdmin (so admins added later are swept too) and sends,
as a secretariat user, a NUL byte in each list filter's parameters, a year no calendar has in
the date hierarchy, a bad ordering, a bad page and a NUL in the search box. PostgreSQL refuses
NUL in text outright, so run this on PostgreSQL too (DATABASE_URL).
"""

from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.management import call_command
from django.db import connection

from oversight.admin_base import BadFilterGuard, ModelAdmin
from tests.oversight.test_bad_input import HUGE_YEAR, admin_changelist_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded_2014(db):
    call_command("load_hmic_2014", stdout=StringIO())


@pytest.mark.parametrize(
    ("user_fixture", "client_fixture"),
    [("secretariat_user", "secretariat_client"), ("admin_user", "admin_client")],
    ids=["secretariat", "superuser"],
)
def test_no_changelist_answers_500_to_a_bad_filter(
    loaded_2014, request, user_fixture, client_fixture
):
    client = request.getfixturevalue(client_fixture)
    client.raise_request_exception = False
    urls = admin_changelist_sweep(request.getfixturevalue(user_fixture))
    failures = []
    for url in urls:
        response = client.get(url, secure=True)
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {url}")

    assert not failures, "\n".join(failures)
    assert len(urls) > 100
    assert "/admin/forces/actionplan/?status__exact=%00" in urls
    # A date filter given junk and a year no calendar has.
    assert "/admin/reports/publication/?published_at__gte=%00" in urls
    assert f"/admin/reports/publication/?published_at__gte={'9' * 30}" in urls
    if user_fixture == "admin_user":  # django-axes' logs keep their date hierarchy
        assert f"/admin/axes/accesslog/?attempt_time__year={HUGE_YEAR}" in urls


def test_a_nul_in_a_filter_shows_the_list_and_says_what_was_wrong(loaded_2014, secretariat_client):
    response = secretariat_client.get(
        "/admin/forces/actionplan/?status__exact=%00", secure=True, follow=True
    )

    assert response.status_code == 200
    assert isinstance(response.context["cl"], ChangeList)
    assert response.context["cl"].result_count == 43
    page = response.content.decode()
    assert "Some of the filters could not be used" in page
    assert "status__exact" not in response.request["QUERY_STRING"]


def test_a_year_no_calendar_has_shows_the_list_and_says_what_was_wrong(
    loaded_2014, secretariat_client
):
    response = secretariat_client.get(
        f"/admin/oversight/meeting/?date__year={HUGE_YEAR}", secure=True, follow=True
    )

    assert response.status_code == 200
    assert response.context["cl"].result_count == 4
    assert "Some of the filters could not be used" in response.content.decode()


def test_good_filters_beside_a_bad_one_still_apply(loaded_2014, secretariat_client):
    response = secretariat_client.get(
        "/admin/forces/actionplan/?status__exact=%00&force__nation__exact=wales",
        secure=True,
        follow=True,
    )

    assert response.status_code == 200
    assert response.context["cl"].result_count == 4  # the four Welsh forces


def test_every_admin_has_the_guard_even_a_librarys():
    ours = {"oversight", "recommendations", "forces", "reports"}
    registry = admin.site._registry

    assert all(isinstance(model_admin, BadFilterGuard) for model_admin in registry.values())
    assert all(
        isinstance(model_admin, ModelAdmin)
        for model, model_admin in registry.items()
        if model._meta.app_label in ours
    )


def test_the_bad_filter_is_dropped_and_the_others_kept_in_the_redirect(secretariat_client):
    response = secretariat_client.get(
        "/admin/forces/actionplan/?status__exact=%00&force__nation__exact=wales&o=2", secure=True
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/forces/actionplan/?force__nation__exact=wales&o=2"


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(
            "status__exact=%00",  # PostgreSQL refuses it while counting the rows
            marks=pytest.mark.skipif(
                connection.vendor != "postgresql", reason="SQLite stores NUL bytes"
            ),
        ),
        f"date__year={HUGE_YEAR}",  # the date hierarchy overflows
    ],
)
def test_what_the_first_check_misses_the_query_still_cannot_turn_into_a_500(
    loaded_2014, secretariat_client, monkeypatch, query
):
    """The second line of defence, for values no one has thought of yet."""
    monkeypatch.setattr(ModelAdmin, "_unusable_parameters", lambda self, query: [])
    model = "forces/actionplan" if query.startswith("status") else "oversight/meeting"
    secretariat_client.raise_request_exception = False

    response = secretariat_client.get(f"/admin/{model}/?{query}", secure=True, follow=True)

    assert response.status_code == 200
    assert "Some of the filters could not be used" in response.content.decode()
    assert response.request["QUERY_STRING"] == ""
