import pytest
from django.test import Client

from oversight.permissions import SECRETARIAT
from tests.oversight.factories import MemberFactory, StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_secretariat_cannot_grant_superuser_staff_roles_or_permissions(
    secretariat_client, role_groups
):
    login = UserFactory()
    secretariat = role_groups[SECRETARIAT]
    response = secretariat_client.post(
        f"/admin/auth/user/{login.pk}/change/",
        {
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [secretariat.pk],
            "user_permissions": list(secretariat.permissions.values_list("pk", flat=True)),
            "username": "renamed",
        },
    )
    assert response.status_code == 302
    login.refresh_from_db()
    assert not (login.is_staff or login.is_superuser)
    assert not login.groups.exists() and not login.user_permissions.exists()
    assert login.username != "renamed"


def test_the_secretariat_form_offers_only_the_active_flag(secretariat_client):
    login = UserFactory()
    form = secretariat_client.get(f"/admin/auth/user/{login.pk}/change/").context["adminform"].form
    assert list(form.fields) == ["is_active"]


def test_the_secretariat_cannot_reach_staff_logins_add_or_set_passwords(
    secretariat_client, secretariat_user
):
    superuser = StaffUserFactory(is_superuser=True)
    assert (
        secretariat_client.post(f"/admin/auth/user/{superuser.pk}/change/", {}).status_code != 200
    )
    superuser.refresh_from_db()
    assert superuser.is_active
    assert secretariat_client.get("/admin/auth/user/add/").status_code == 403
    member_login = UserFactory()
    assert (
        secretariat_client.get(f"/admin/auth/user/{member_login.pk}/password/").status_code == 403
    )
    assert secretariat_client.get("/admin/auth/group/").status_code == 403


def test_deactivating_a_member_signs_them_out_on_their_next_request(
    secretariat_client, member_client, member_user
):
    MemberFactory(user=member_user)
    assert member_client.get("/forces/plans/").status_code == 200
    response = secretariat_client.post(f"/admin/auth/user/{member_user.pk}/change/", {})
    assert response.status_code == 302
    response = member_client.get("/forces/plans/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


def test_the_member_admin_links_only_member_logins(secretariat_client):
    member = MemberFactory()
    staff = StaffUserFactory()
    response = secretariat_client.get(f"/admin/oversight/member/{member.pk}/change/")
    choices = response.context["adminform"].form.fields["user"].queryset
    assert staff not in choices
    assert Client().get("/admin/auth/user/").status_code == 302
