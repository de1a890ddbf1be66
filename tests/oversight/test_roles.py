import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.test import Client

from oversight.permissions import (
    CHAIRS_OFFICE,
    GROUP_MEMBER,
    SECRETARIAT,
    can_use_members_area,
    has_left_group,
    is_secretariat,
    role_groups_sync,
)
from tests.oversight.factories import MemberFactory, StaffUserFactory, UserFactory

PASSWORD = "a long enough passphrase for a member"

pytestmark = pytest.mark.django_db


def test_secretariat_may_change_every_record_of_the_service(secretariat_user):
    for permission in (
        "oversight.change_member",
        "recommendations.change_recommendation",
        "forces.change_actionplan",
        "reports.change_quarterlyupdate",
        "reports.add_progressupdate",
    ):
        assert secretariat_user.has_perm(permission), permission
    assert secretariat_user.has_perm("oversight.view_loadedrecord")
    assert not secretariat_user.has_perm("oversight.change_loadedrecord")


def test_group_members_may_only_read_force_plans(member_user):
    assert member_user.has_perm("forces.view_actionplan")
    assert not member_user.has_perm("forces.change_actionplan")
    assert not member_user.has_perm("reports.view_quarterlyupdate")


def test_roles_follow_the_groups(secretariat_user, member_user):
    assert is_secretariat(secretariat_user) and can_use_members_area(secretariat_user)
    assert can_use_members_area(member_user) and not is_secretariat(member_user)


def test_staff_outside_the_secretariat_group_and_deactivated_users_have_no_role(role_groups):
    stray_staff = StaffUserFactory()
    deactivated = UserFactory(is_active=False)
    deactivated.groups.add(role_groups["Group members"])

    assert not is_secretariat(stray_staff)
    assert not can_use_members_area(deactivated)


# ---- Roles on a fresh install: made by migrations, not by the demo logins ----


def _role_permissions() -> dict[str, set[str]]:
    return {
        group.name: {
            f"{perm.content_type.app_label}.{perm.codename}" for perm in group.permissions.all()
        }
        for group in Group.objects.prefetch_related("permissions__content_type")
    }


def test_a_fresh_install_has_both_roles_with_their_permissions(db):
    """The test database is made by `migrate` alone: nobody has called role_groups_sync."""
    roles = _role_permissions()

    assert {"oversight.change_member", "reports.publish_quarterlyupdate"} <= roles[SECRETARIAT]
    assert "oversight.change_loadedrecord" not in roles[SECRETARIAT]
    assert {"forces.view_actionplan", "forces.add_planreview"} <= roles[GROUP_MEMBER]
    assert "reports.publish_quarterlyupdate" not in roles[GROUP_MEMBER]
    # Four eyes: the chair's office approves and the secretariat, who writes editions, does not.
    assert "reports.approve_quarterlyupdate" in roles[CHAIRS_OFFICE]
    assert "reports.approve_quarterlyupdate" not in roles[SECRETARIAT]
    assert "reports.approve_quarterlyupdate" not in roles[GROUP_MEMBER]


def test_the_chairs_office_approves_and_reads_editions_but_writes_and_publishes_nothing(
    chairs_office_user,
):
    assert chairs_office_user.has_perm("reports.approve_quarterlyupdate")
    assert chairs_office_user.has_perm("reports.view_quarterlyupdate")
    for permission in (
        "reports.publish_quarterlyupdate",
        "reports.change_quarterlyupdate",
        "reports.add_quarterlyupdate",
        "reports.change_progressupdate",
        "oversight.change_member",
    ):
        assert not chairs_office_user.has_perm(permission), permission
    assert not is_secretariat(chairs_office_user)


def test_migrations_leave_the_roles_exactly_as_role_groups_sync_makes_them(db):
    """A migration that adds a permission a role should hold must call role_groups_sync."""
    after_migrate = _role_permissions()

    role_groups_sync()

    assert _role_permissions() == after_migrate


# ---- A member who has left the group ----


def _leave(user, on: datetime.date) -> None:
    MemberFactory(user=user, left_on=on)


def test_a_member_who_left_loses_the_members_pages_on_their_next_request(
    member_client, member_user
):
    assert member_client.get("/forces/plans/").status_code == 200

    _leave(member_user, on=datetime.date.today() - datetime.timedelta(days=1))
    response = member_client.get("/forces/plans/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=/forces/plans/"


def test_a_member_who_left_cannot_sign_in_again(member_user, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    member_user.set_password(PASSWORD)
    member_user.save()
    _leave(member_user, on=datetime.date.today())
    client = Client()

    response = client.post(
        "/accounts/sign-in/", {"username": member_user.username, "password": PASSWORD}
    )

    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_a_member_leaving_at_a_future_date_keeps_access_until_then(member_client, member_user):
    _leave(member_user, on=datetime.date.today() + datetime.timedelta(days=1))

    assert member_client.get("/forces/plans/").status_code == 200
    assert can_use_members_area(member_user)
    assert not has_left_group(member_user)
