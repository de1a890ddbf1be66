import datetime
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from oversight.invitations import invitation_send
from oversight.models import OutgoingEmail
from oversight.permissions import GROUP_MEMBER
from tests.oversight.factories import MemberFactory, StaffUserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "three random words and more"


def _link() -> str:
    body = OutgoingEmail.objects.order_by("-pk").first().body
    return re.search(r"https?://[^/]+(/accounts/invitation/[^/]+/)", body).group(1)


@pytest.fixture
def invited(secretariat_client, secretariat_user):
    member = MemberFactory(email="jo@womensaid.example")
    response = secretariat_client.post(f"/admin/oversight/member/{member.pk}/invite/")
    assert response.status_code == 302
    member.refresh_from_db()
    return member


def test_inviting_makes_a_login_in_the_members_role_and_emails_a_link(invited):
    assert invited.user.username == "jo@womensaid.example"
    assert invited.user.groups.filter(name=GROUP_MEMBER).exists()
    assert not invited.user.has_usable_password()
    token = _link().split("/")[-2]
    assert token not in invited.invitations.get().token_hash


def test_the_link_is_valid_for_seven_days(invited):
    invitation = invited.invitations.get()
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=7)
    assert "the link works once, for 7 days" in OutgoingEmail.objects.get().body
    # A minute before it expires, it still works.
    invited.invitations.update(expires_at=timezone.now() + datetime.timedelta(seconds=60))
    assert "Choose your password" in Client().get(_link()).content.decode()


def test_the_link_sets_the_password_once_and_signs_in(invited):
    link = _link()
    client = Client()
    response = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == invited.user.pk
    invited.user.refresh_from_db()
    assert invited.user.check_password(PASSWORD)

    again = Client().get(link)
    assert "This invitation link no longer works" in again.content.decode()


def test_a_weak_password_is_refused_with_an_error_summary(invited):
    response = Client().post(_link(), {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_an_expired_link_does_not_work(invited):
    link = _link()
    invited.invitations.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = Client().post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert (
        "ask the secretariat" in response.content.decode().lower()
        or "Ask the secretariat" in response.content.decode()
    )
    invited.user.refresh_from_db()
    assert not invited.user.has_usable_password()


def test_revoke_and_resend(invited, secretariat_client):
    first = _link()
    secretariat_client.post(f"/admin/oversight/member/{invited.pk}/revoke/")
    assert "no longer works" in Client().get(first).content.decode()
    secretariat_client.post(f"/admin/oversight/member/{invited.pk}/resend/")
    second = _link()
    assert second != first
    assert "Choose your password" in Client().get(second).content.decode()
    secretariat_client.post(f"/admin/oversight/member/{invited.pk}/resend/")
    assert "no longer works" in Client().get(second).content.decode()


def test_a_member_without_an_email_cannot_be_invited(secretariat_user):
    member = MemberFactory(email="")
    with pytest.raises(Exception, match="e-mail"):
        invitation_send(member=member, invited_by=secretariat_user, site_url="http://x")


def test_members_cannot_invite(member_client):
    member = MemberFactory(email="a@example.org")
    response = member_client.post(f"/admin/oversight/member/{member.pk}/invite/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    member.refresh_from_db()
    assert member.user is None


def test_an_invitation_never_sets_the_password_of_a_staff_login(secretariat_client, role_groups):
    """Inviting is no way round the rule that the secretariat cannot hand out staff powers:
    a member linked to a staff login cannot be sent a link that sets its password."""
    staff = StaffUserFactory(username="chief-of-staff")
    member = MemberFactory(email="chief@example.gov.uk", user=staff)
    response = secretariat_client.post(f"/admin/oversight/member/{member.pk}/invite/", follow=True)
    assert "staff account" in response.content.decode()
    assert not OutgoingEmail.objects.exists() and not member.invitations.exists()
    staff.refresh_from_db()
    assert staff.check_password("correct horse battery staple")
    assert not staff.groups.filter(name=GROUP_MEMBER).exists()
