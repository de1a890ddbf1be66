import io
import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from oversight.models import Member
from oversight.permissions import can_approve, can_publish, can_use_members_area, is_secretariat

pytestmark = pytest.mark.django_db

# django-axes checks every sign-in against the request it came with.
LOGIN_REQUEST = RequestFactory().post("/admin/login/")


def demo_passwords() -> dict[str, str]:
    output = io.StringIO()
    call_command("create_demo_users", stdout=output)
    return dict(re.findall(r"^\s+(\S+)\s+password: (\S+)$", output.getvalue(), re.MULTILINE))


def test_demo_logins_are_refused_outside_local_development(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="local use"):
        call_command("create_demo_users")

    assert not get_user_model().objects.exists()


def test_demo_logins_work_and_have_their_roles(settings):
    settings.DEBUG = True

    passwords = demo_passwords()

    secretariat = authenticate(
        LOGIN_REQUEST, username="secretariat", password=passwords["secretariat"]
    )
    member = authenticate(LOGIN_REQUEST, username="member", password=passwords["member"])
    assert secretariat is not None and is_secretariat(secretariat)
    assert member is not None and can_use_members_area(member)
    assert not is_secretariat(member)
    assert not member.is_staff
    # A newcomer can try four eyes: the chair approves, the secretariat publishes.
    chair = authenticate(LOGIN_REQUEST, username="chair", password=passwords["chair"])
    assert chair is not None and can_approve(chair) and not can_publish(chair)
    assert can_publish(secretariat) and not can_approve(secretariat)


def test_running_again_resets_the_passwords_without_duplicating_users(settings):
    settings.DEBUG = True
    first = demo_passwords()

    second = demo_passwords()

    assert get_user_model().objects.count() == 3
    assert (
        authenticate(LOGIN_REQUEST, username="secretariat", password=first["secretariat"]) is None
    )
    assert (
        authenticate(LOGIN_REQUEST, username="secretariat", password=second["secretariat"])
        is not None
    )


def test_the_demo_member_is_a_seeded_member_and_sees_the_review_as_one(settings):
    """`make run`: the newcomer's member login is linked to a real seeded `Member`, so that
    the dashboard and auto-assign treat it as a group member with a sector."""
    settings.DEBUG = True
    call_command("load_hmic_2014", stdout=io.StringIO())
    output = io.StringIO()
    call_command("create_demo_users", stdout=output)
    login = get_user_model().objects.get(username="member")
    seeded = Member.objects.get(user=login)
    assert seeded.organisation.name == "Women's Aid" and seeded.sector == "voluntary"
    assert f"member signs in as {seeded.listing_label}" in output.getvalue()
    # The logins say what they need: locally (two-factor off), no authenticator app.
    assert "no authenticator app needed" in output.getvalue()
    call_command("create_demo_users", stdout=io.StringIO())  # again: still the same one member
    assert list(Member.objects.filter(user=login)) == [seeded]
