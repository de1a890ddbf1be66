import pytest

from oversight.permissions import can_use_members_area, is_secretariat
from tests.oversight.factories import StaffUserFactory, UserFactory

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
