"""Signed-in logins kept by the worker until an account changes (`oversight.signed_in`):
what a kept sign-in costs, and that every change to who may do what is seen on the next
request, as it is when each request loads the login."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oversight.auth_backends import MemberAwareBackend
from oversight.permissions import GROUP_MEMBER, MEMBERS_AREA_PERMISSION
from oversight.personal_pages import MEMBERS_DASHBOARD, page_version_bump
from oversight.signed_in import ACCOUNTS, KEPT_SIGN_INS, accounts_changed
from tests.forces.test_member_pages import make_forces
from tests.oversight.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sign_ins_kept")]

PLANS = "/forces/plans/"
DASHBOARD = "/members/"


@pytest.fixture
def me(member_user):
    MemberFactory(user=member_user, name="Polly Neate")
    return member_user


def status(client: Client, url: str = PLANS) -> int:
    return client.get(url).status_code


def is_sent_to_sign_in(client: Client, url: str = PLANS) -> bool:
    response = client.get(url)
    return response.status_code == 302 and response["Location"].startswith(
        resolve_url(settings.LOGIN_URL)
    )


def sql_of(queries) -> list[str]:
    return [query["sql"] for query in queries]


def test_a_kept_sign_in_costs_the_session_and_the_tokens(me, member_client):
    assert status(member_client) == 200  # loads the login and its permissions, and keeps them
    with CaptureQueriesContext(connection) as queries:
        assert status(member_client, "/forces/plans/summary/") == 200
    statements = sql_of(queries)
    # The session, then every token at once: no query of the login or its permissions.
    assert statements[0].startswith('SELECT "django_session"')
    assert statements[1].startswith('SELECT "oversight_pageversion"."name"')
    assert not any('FROM "auth_user"' in sql or '"auth_permission"' in sql for sql in statements)


@pytest.mark.usefixtures("pages_kept")
@pytest.mark.parametrize("count", [43, 430])
def test_a_kept_dashboard_for_a_kept_sign_in_costs_two_queries_whatever_the_forces(
    count, me, other_member, secretariat_user, member_client
):
    make_forces(count, reviewer=me, other_reviewer=other_member, secretariat=secretariat_user)
    for _ in range(2):  # the first sets the CSRF cookie; the second is kept
        assert status(member_client, DASHBOARD) == 200
    with CaptureQueriesContext(connection) as queries:
        page = member_client.get(DASHBOARD).content.decode()
    # The session; the tokens of the sign-in and of the dashboard, in one query.
    assert len(queries) == 2, sql_of(queries)
    assert f"{count} reviews assigned to you" in page


def test_the_first_request_after_an_account_changes_loads_the_login_again(me, member_client):
    status(member_client)
    accounts_changed()
    with CaptureQueriesContext(connection) as queries:
        assert status(member_client) == 200
    assert any('FROM "auth_user"' in sql for sql in sql_of(queries))


def test_a_member_taken_out_of_the_group_is_refused_at_once(me, member_client, role_groups):
    assert status(member_client) == 200
    me.groups.remove(role_groups[GROUP_MEMBER])
    assert status(member_client) == 403


def test_a_member_whose_group_loses_the_permission_is_refused_at_once(
    me, member_client, role_groups
):
    assert status(member_client) == 200
    app_label, codename = MEMBERS_AREA_PERMISSION.split(".")
    role_groups[GROUP_MEMBER].permissions.remove(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    assert status(member_client) == 403


def test_a_permission_given_to_the_login_itself_counts_at_once(other_member):
    outsider = get_user_model().objects.create_user("outsider", password="!")
    client = Client()
    client.force_login(outsider)
    assert status(client) == 403
    app_label, codename = MEMBERS_AREA_PERMISSION.split(".")
    outsider.user_permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    assert status(client) == 200


def test_a_deactivated_login_is_signed_out_at_once(me, member_client):
    assert status(member_client) == 200
    me.is_active = False
    me.save()
    assert is_sent_to_sign_in(member_client)


def test_a_deleted_login_is_signed_out_at_once(me, member_client):
    assert status(member_client) == 200
    me.group_member.delete()
    me.delete()
    assert is_sent_to_sign_in(member_client)


def test_a_member_who_has_left_is_signed_out_at_once(me, member_client):
    assert status(member_client) == 200
    member = me.group_member
    member.left_on = timezone.localdate()
    member.save()
    assert is_sent_to_sign_in(member_client)


def test_a_leaving_date_that_arrives_signs_the_kept_login_out(me, member_client, monkeypatch):
    member = me.group_member
    member.left_on = timezone.localdate() + datetime.timedelta(days=1)
    member.save()
    assert status(member_client) == 200  # kept, leaving tomorrow
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert is_sent_to_sign_in(member_client)


def test_a_password_changed_elsewhere_ends_the_kept_session(me, member_client):
    assert status(member_client) == 200
    me.set_password("a new and much longer passphrase")
    me.save()
    assert is_sent_to_sign_in(member_client)


def test_each_request_gets_its_own_copy_of_the_kept_login(me):
    backend = MemberAwareBackend()
    first = backend.get_user(me.pk)
    first.first_name = "Changed by one request"
    first.otp_device = "set by one request's middleware"
    second = backend.get_user(me.pk)
    assert second is not first
    assert second.first_name == me.first_name
    assert not hasattr(second, "otp_device")
    assert second.has_perm(MEMBERS_AREA_PERMISSION)


def test_a_change_to_another_kind_of_page_does_not_reload_logins(me, member_client):
    status(member_client)
    page_version_bump(MEMBERS_DASHBOARD)
    with CaptureQueriesContext(connection) as queries:
        assert status(member_client) == 200
    assert not any('FROM "auth_user"' in sql for sql in sql_of(queries))


def test_another_members_sign_in_does_not_reload_logins(me, member_client, other_member):
    status(member_client)
    response = Client().post(
        resolve_url(settings.LOGIN_URL),
        {"username": other_member.username, "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    other_member.refresh_from_db()
    assert other_member.last_login is not None  # the sign-in was recorded, alone
    with CaptureQueriesContext(connection) as queries:
        assert status(member_client) == 200
    assert not any('FROM "auth_user"' in sql for sql in sql_of(queries))
    # A change to the login itself still does.
    other_member.first_name = "Changed"
    other_member.save()
    with CaptureQueriesContext(connection) as queries:
        assert status(member_client) == 200
    assert any('FROM "auth_user"' in sql for sql in sql_of(queries))


def test_at_most_the_setting_keeps_the_least_recently_used_out(me, other_member, settings):
    settings.SIGNED_IN_KEPT = 1
    backend = MemberAwareBackend()
    backend.get_user(me.pk)
    backend.get_user(other_member.pk)
    assert list(KEPT_SIGN_INS.users) == [str(other_member.pk)]


def test_none_are_kept_when_the_setting_is_zero(me, settings):
    settings.SIGNED_IN_KEPT = 0
    assert MemberAwareBackend().get_user(me.pk) == me
    assert KEPT_SIGN_INS.users == {}


def test_a_login_that_does_not_exist_is_not_kept(db):
    assert MemberAwareBackend().get_user(987654) is None
    assert KEPT_SIGN_INS.users == {}


def test_the_accounts_token_names_its_pages(db):
    assert ACCOUNTS == "accounts"  # stored in PageVersion: renaming it orphans the old row
