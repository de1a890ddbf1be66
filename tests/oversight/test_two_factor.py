import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.oversight.fresh_process import settings_in_a_fresh_process

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def test_the_admin_sends_unverified_staff_to_set_up(required, secretariat_client):
    response = secretariat_client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/set-up/")


def test_set_up_then_verify_at_the_next_sign_in(required, secretariat_user, settings):
    client = Client()
    client.force_login(secretariat_user)
    client.get("/accounts/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=secretariat_user)
    wrong = client.post("/accounts/two-factor/set-up/", {"code": "000000"})
    assert "The code is not right" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    done = client.post("/accounts/two-factor/set-up/", {"code": _code(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    assert client.get("/admin/").status_code == 200

    again = Client()
    again.force_login(secretariat_user)
    assert again.get("/admin/")["Location"].startswith("/accounts/two-factor/verify/")
    refused = again.post("/accounts/two-factor/recovery/", {"code": "nope"})
    assert refused.status_code == 200
    # The wrong code made the device wait a second (throttling); skip the wait.
    StaticDevice.objects.update(throttling_failure_count=0)
    assert again.post("/accounts/two-factor/recovery/", {"code": codes[0]}).status_code == 302
    assert again.get("/admin/").status_code == 200

    third = Client()
    third.force_login(secretariat_user)
    used = third.post("/accounts/two-factor/recovery/", {"code": codes[0]})
    assert used.status_code == 200  # the code worked once only
    assert third.get("/admin/").status_code == 302


def test_a_wrong_code_is_refused_and_throttled(required, secretariat_user):
    device = TOTPDevice.objects.create(user=secretariat_user, confirmed=True)
    client = Client()
    client.force_login(secretariat_user)
    client.post("/accounts/two-factor/verify/", {"code": "000000"})
    response = client.post("/accounts/two-factor/verify/", {"code": _code(device)})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_members_with_an_app_must_give_a_code_after_their_password(member_user, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    member_user.set_password("a long enough passphrase")
    member_user.save()
    TOTPDevice.objects.create(user=member_user, confirmed=True)
    client = Client()
    client.post(
        "/accounts/sign-in/",
        {"username": member_user.username, "password": "a long enough passphrase"},
    )
    response = client.get("/forces/plans/")
    assert response["Location"].startswith("/accounts/two-factor/verify/")


def test_off_by_default_in_tests_members_are_not_forced(member_client):
    assert member_client.get("/forces/plans/").status_code == 200


@pytest.mark.parametrize(
    ("environment", "required"),
    [
        ({"DEBUG": "false", "SECRET_KEY": "x" * 50}, "True"),
        ({"DEBUG": "true"}, "False"),
        ({"DEBUG": "true", "TWO_FACTOR_REQUIRED": "true"}, "True"),
    ],
)
def test_two_factor_is_required_whenever_debug_is_off(tmp_path, environment, required):
    """Production (DEBUG off) needs no setting to require it; `make run` (DEBUG on) does not."""
    result = settings_in_a_fresh_process(
        tmp_path,
        "from django.conf import settings; print(settings.TWO_FACTOR_REQUIRED)",
        {"SECRET_KEY", "DEBUG", "DATABASE_URL", "TWO_FACTOR_REQUIRED"},
        **environment,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == required
