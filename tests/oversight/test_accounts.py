"""Accounts: passwords, sessions, login throttling, password reset and the auth event log."""

import datetime
import logging
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import Client
from django.utils import timezone

from oversight import accounts
from tests.oversight.factories import StaffUserFactory
from tests.oversight.jobs import run_queued_jobs

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password
LOGIN_URL = "/admin/login/"
LOCKED_TEXT = "Too many attempts to sign in"
WRONG_DETAILS_TEXT = "Please enter the correct username and password"
CLIENT_IP = "192.0.2.10"
OTHER_IP = "198.51.100.20"
# A passphrase of 100 characters, lower-case letters and spaces only.
LONG_PASSPHRASE = (
    "the secretariat reads every force action plan before the group meets to agree the next update"
    " in may"
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Dozens of sign-ins here: a deliberately slow hash would take most of a minute."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(client: Client, username: str, password: str, ip: str = CLIENT_IP, **headers: str):
    return client.post(
        f"{LOGIN_URL}?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
        headers=headers,
    )


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def fail_to_sign_in(client: Client, username: str, times: int, ip: str = CLIENT_IP, **headers):
    return [sign_in(client, username, "not the password", ip, **headers) for _ in range(times)]


def page_text(response) -> str:
    """The page without what differs per response: the CSRF token and any CSP nonce."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "CSRF", text)
    return re.sub(r'nonce="[^"]*"', "NONCE", text)


def log_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == accounts.logger.name]


# ---- Passwords -----------------------------------------------------------------------------


def test_passwords_need_length_and_must_not_be_common_but_have_no_composition_rules():
    validators = {v["NAME"].rsplit(".", 1)[1]: v for v in settings.AUTH_PASSWORD_VALIDATORS}

    # Similarity to the username is not a composition rule. Nothing asks for digits, symbols,
    # mixed case or "not entirely numeric" (NumericPasswordValidator).
    assert set(validators) == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
    }
    assert validators["MinimumLengthValidator"]["OPTIONS"] == {"min_length": 12}


@pytest.mark.parametrize(
    ("password", "code"),
    [("eleven char", "password_too_short"), ("password1234", "password_too_common")],
)
def test_short_and_common_passwords_are_refused(password, code):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)

    assert code in {error.code for error in refused.value.error_list}


def test_a_100_character_passphrase_is_accepted_and_signs_in(secretariat_user, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # the real one
    assert len(LONG_PASSPHRASE) == 100
    validate_password(LONG_PASSPHRASE, secretariat_user)  # raises if refused
    validate_password("plum harbour", secretariat_user)  # 12 lower-case letters and a space
    secretariat_user.set_password(LONG_PASSPHRASE)
    secretariat_user.save()
    client = Client()

    response = sign_in(client, secretariat_user.username, LONG_PASSPHRASE)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert signed_in(client)


# ---- Sessions ------------------------------------------------------------------------------


def test_signing_in_starts_a_new_session_and_ends_the_old_one(secretariat_user):
    client = Client()
    before = client.session  # a session from before signing in, as a visitor might have
    before["seen_cookie_banner"] = True
    before.save()

    sign_in(client, secretariat_user.username, PASSWORD)

    after_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert signed_in(client)
    assert after_key != before.session_key
    assert not SessionStore().exists(before.session_key)


def test_signing_out_ends_the_session(secretariat_client):
    old_key = secretariat_client.cookies[settings.SESSION_COOKIE_NAME].value
    assert secretariat_client.get("/admin/").status_code == 200

    response = secretariat_client.post("/admin/logout/")

    assert response.status_code == 200
    assert not SessionStore().exists(old_key)
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    assert replay.get("/admin/")["Location"] == "/admin/login/?next=/admin/"


def test_a_deactivated_user_loses_access_on_their_next_request(
    secretariat_client, secretariat_user
):
    assert secretariat_client.get("/admin/").status_code == 200
    secretariat_user.is_active = False
    secretariat_user.save()

    response = secretariat_client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def set_last_activity(client: Client, minutes_ago: float) -> None:
    session = client.session
    session[accounts.LAST_ACTIVITY_KEY] = (
        timezone.now() - datetime.timedelta(minutes=minutes_ago)
    ).timestamp()
    session.save()


def test_staff_idle_for_more_than_30_minutes_are_signed_out(
    secretariat_client, secretariat_user, caplog
):
    set_last_activity(secretariat_client, minutes_ago=31)

    with caplog.at_level(logging.INFO, logger=accounts.logger.name):
        response = secretariat_client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"
    assert not signed_in(secretariat_client)
    assert log_lines(caplog)[0].startswith(
        f"event=session_idle_timeout user={secretariat_user.pk} idle_minutes=31 "
    )
    assert f"event=logout user={secretariat_user.pk} ip=127.0.0.1" in log_lines(caplog)


def test_staff_active_within_30_minutes_stay_signed_in_and_the_clock_restarts(
    secretariat_client,
):
    set_last_activity(secretariat_client, minutes_ago=29)

    assert secretariat_client.get("/admin/").status_code == 200

    idle = timezone.now().timestamp() - secretariat_client.session[accounts.LAST_ACTIVITY_KEY]
    assert idle < 5


def test_group_members_are_not_timed_out(member_client):
    """The timeout is for staff, who can change records; members only read plans."""
    set_last_activity(member_client, minutes_ago=120)

    member_client.get("/")

    assert signed_in(member_client)


def test_anonymous_visitors_get_no_session_cookie_and_no_vary_cookie(anonymous_client):
    response = anonymous_client.get("/")

    assert response.status_code == 200
    assert not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()


# ---- Login throttling (django-axes) --------------------------------------------------------


def test_five_failures_lock_the_username_from_that_address(secretariat_user):
    client = Client()

    *first_four, fifth = fail_to_sign_in(client, secretariat_user.username, times=5)
    sixth = sign_in(client, secretariat_user.username, PASSWORD)

    assert [r.status_code for r in first_four] == [200] * 4
    assert all(WRONG_DETAILS_TEXT in r.content.decode() for r in first_four)
    for locked in (fifth, sixth):
        assert locked.status_code == 429
        assert LOCKED_TEXT in locked.content.decode()
        assert "Wait 15 minutes, then try again." in locked.content.decode()
    assert "/accounts/password-reset/" in sixth.content.decode()
    assert not signed_in(client)


def test_the_same_username_from_another_address_is_not_locked(secretariat_user):
    fail_to_sign_in(Client(), secretariat_user.username, times=5, ip=CLIENT_IP)
    client = Client()

    response = sign_in(client, secretariat_user.username, PASSWORD, ip=OTHER_IP)

    assert response.status_code == 302
    assert signed_in(client)


def shift_attempts_back(minutes: int) -> None:
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes)
    )


def test_the_lock_lasts_15_minutes_from_the_latest_attempt(secretariat_user):
    client = Client()
    fail_to_sign_in(client, secretariat_user.username, times=5)

    shift_attempts_back(minutes=14)
    # Still locked; and trying again while locked starts the 15 minutes again.
    assert sign_in(client, secretariat_user.username, PASSWORD).status_code == 429
    shift_attempts_back(minutes=14)
    assert sign_in(client, secretariat_user.username, PASSWORD).status_code == 429

    shift_attempts_back(minutes=16)
    response = sign_in(client, secretariat_user.username, PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_signing_in_clears_earlier_failures(secretariat_user):
    fail_to_sign_in(Client(), secretariat_user.username, times=4)
    assert sign_in(Client(), secretariat_user.username, PASSWORD).status_code == 302

    responses = fail_to_sign_in(Client(), secretariat_user.username, times=4)

    assert [r.status_code for r in responses] == [200] * 4


def test_an_unknown_username_and_a_wrong_password_get_the_same_page(secretariat_user):
    username = secretariat_user.username
    wrong_password = sign_in(Client(), username, "not the password")
    secretariat_user.username = "renamed"  # the same username, now belonging to nobody
    secretariat_user.save()

    unknown_user = sign_in(Client(), username, "not the password")

    assert wrong_password.status_code == unknown_user.status_code == 200
    assert WRONG_DETAILS_TEXT in page_text(wrong_password)
    assert page_text(wrong_password) == page_text(unknown_user)


def test_an_unknown_username_is_locked_out_the_same_way(secretariat_user):
    *_, known = fail_to_sign_in(Client(), secretariat_user.username, times=5)
    *_, unknown = fail_to_sign_in(Client(), "nobody-by-this-name", times=5)

    assert known.status_code == unknown.status_code == 429
    assert page_text(known) == page_text(unknown)


def test_a_forged_x_forwarded_for_does_not_dodge_the_lock_without_a_trusted_proxy(
    secretariat_user, settings
):
    settings.TRUSTED_PROXY_COUNT = 0
    client = Client()
    for n in range(5):
        # A new made-up address each time, as a script trying to look like five people would.
        sign_in(client, secretariat_user.username, "wrong", **{"x-forwarded-for": f"203.0.113.{n}"})

    response = sign_in(
        client, secretariat_user.username, PASSWORD, **{"x-forwarded-for": "203.0.113.99"}
    )

    assert response.status_code == 429
    assert not signed_in(client)


def test_behind_a_trusted_proxy_each_client_address_is_locked_separately(
    secretariat_user, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    attacker = "203.0.113.5"
    for n in range(5):
        # The attacker forges addresses on the left; the proxy appends the real one.
        forwarded = f"198.51.100.{n}, {attacker}"
        sign_in(
            Client(), secretariat_user.username, "wrong", proxy, **{"x-forwarded-for": forwarded}
        )
    attacker_again = sign_in(
        Client(), secretariat_user.username, PASSWORD, proxy, **{"x-forwarded-for": attacker}
    )
    colleague = Client()

    response = sign_in(
        colleague, secretariat_user.username, PASSWORD, proxy, **{"x-forwarded-for": OTHER_IP}
    )

    assert attacker_again.status_code == 429
    assert response.status_code == 302
    assert signed_in(colleague)


@pytest.mark.parametrize(
    ("proxies", "remote_addr", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "203.0.113.9", "192.0.2.1"),  # no trusted proxy: header ignored
        (1, "10.0.0.1", "203.0.113.9", "203.0.113.9"),
        (1, "10.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # forged left part ignored
        (2, "10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (2, "10.0.0.2", "203.0.113.9", "10.0.0.2"),  # fewer entries than proxies
        (1, "10.0.0.1", "", "10.0.0.1"),
        (1, "10.0.0.1", "not-an-address", "10.0.0.1"),
        (1, "10.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip(rf, settings, proxies, remote_addr, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR=forwarded)

    assert accounts.client_ip(request) == expected


# ---- Password reset ------------------------------------------------------------------------

RESET_URL = "/accounts/password-reset/"
RESET_SENT_URL = "/accounts/password-reset/sent/"


def reset_link(mail) -> str:
    match = re.search(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def test_the_admin_sign_in_page_links_to_password_reset(anonymous_client):
    response = anonymous_client.get(LOGIN_URL)

    assert f'href="{RESET_URL}"' in response.content.decode()


def test_asking_for_a_reset_looks_the_same_whether_or_not_the_address_has_an_account(
    secretariat_user, mailoutbox
):
    known = Client().post(RESET_URL, {"email": secretariat_user.email})
    unknown = Client().post(RESET_URL, {"email": "nobody@example.org"})
    run_queued_jobs()

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == RESET_SENT_URL
    assert [mail.to for mail in mailoutbox] == [[secretariat_user.email]]
    assert mailoutbox[0].subject == "Reset your password: National Oversight Group"
    assert "Check your email" in Client().get(RESET_SENT_URL).content.decode()


def test_the_reset_page_is_govuk_styled(anonymous_client):
    response = anonymous_client.post(RESET_URL, {"email": "not an address"})

    text = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Reset your password - GOV.UK</title>" in text
    assert 'class="govuk-error-summary"' in text
    assert 'class="govuk-input govuk-input--error"' in text


def test_a_reset_link_works_once(secretariat_user, mailoutbox):
    Client().post(RESET_URL, {"email": secretariat_user.email})
    run_queued_jobs()
    link = reset_link(mailoutbox[0])
    client = Client()

    set_password_url = client.get(link)["Location"]
    form = client.get(set_password_url)
    done = client.post(
        set_password_url, {"new_password1": LONG_PASSPHRASE, "new_password2": LONG_PASSPHRASE}
    )
    second_use = Client().get(link)

    assert "Choose a new password" in form.content.decode()
    assert done["Location"] == "/accounts/reset/done/"
    secretariat_user.refresh_from_db()
    assert secretariat_user.check_password(LONG_PASSPHRASE)
    assert second_use.status_code == 200
    assert "This link has expired or has already been used" in second_use.content.decode()
    assert sign_in(Client(), secretariat_user.username, LONG_PASSPHRASE).status_code == 302


def test_a_new_password_must_pass_the_validators(secretariat_user, mailoutbox):
    Client().post(RESET_URL, {"email": secretariat_user.email})
    run_queued_jobs()
    client = Client()
    set_password_url = client.get(reset_link(mailoutbox[0]))["Location"]

    response = client.post(set_password_url, {"new_password1": "short", "new_password2": "short"})

    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    secretariat_user.refresh_from_db()
    assert secretariat_user.check_password(PASSWORD)


@pytest.mark.parametrize(("minutes_later", "works"), [(59, True), (61, False)])
def test_a_reset_link_expires_after_an_hour(
    secretariat_user, mailoutbox, monkeypatch, minutes_later, works
):
    Client().post(RESET_URL, {"email": secretariat_user.email})
    run_queued_jobs()
    later = datetime.datetime.now() + datetime.timedelta(minutes=minutes_later)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)

    response = Client().get(reset_link(mailoutbox[0]))

    if works:
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        assert "This link has expired or has already been used" in response.content.decode()


# ---- Event log -----------------------------------------------------------------------------


def test_sign_in_failure_and_sign_out_are_logged_without_passwords(secretariat_user, caplog):
    client = Client()

    with caplog.at_level(logging.INFO, logger=accounts.logger.name):
        sign_in(client, secretariat_user.username, "not the password")
        sign_in(client, secretariat_user.username, PASSWORD)
        client.post("/admin/logout/", REMOTE_ADDR=CLIENT_IP)

    assert log_lines(caplog) == [
        f"event=login_failed username=secretariat-staff ip={CLIENT_IP}",
        f"event=login_succeeded user={secretariat_user.pk} ip={CLIENT_IP}",
        f"event=logout user={secretariat_user.pk} ip={CLIENT_IP}",
    ]
    assert "not the password" not in caplog.text
    assert PASSWORD not in caplog.text


def test_a_lockout_is_logged(secretariat_user, caplog):
    with caplog.at_level(logging.INFO, logger=accounts.logger.name):
        fail_to_sign_in(Client(), secretariat_user.username, times=5)

    lines = log_lines(caplog)
    assert lines.count(f"event=login_failed username=secretariat-staff ip={CLIENT_IP}") == 5
    assert f"event=login_locked_out username=secretariat-staff ip={CLIENT_IP}" in lines


def test_a_username_cannot_forge_a_log_line(caplog):
    forged = "x\nINFO oversight.accounts event=login_succeeded user=1 ip=192.0.2.1"

    with caplog.at_level(logging.INFO, logger=accounts.logger.name):
        sign_in(Client(), forged, "not the password")

    (line,) = log_lines(caplog)
    assert "\n" not in line
    assert line.startswith('event=login_failed username="x\\nINFO oversight.accounts event=')
    assert line.endswith(f'" ip={CLIENT_IP}')


@pytest.mark.parametrize(
    ("value", "logged"),
    [
        ("alice", "alice"),
        ("alice@example.org", "alice@example.org"),
        (None, "-"),
        ("two words", '"two words"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("line\r\nbreak", '"line\\r\\nbreak"'),
        ("caf\u00e9\u2028", '"caf\\u00e9\\u2028"'),
        ("a" * 100, '"' + "a" * 64 + '"'),
    ],
)
def test_logged_values_are_escaped_and_cut_short(value, logged):
    assert accounts.log_value(value) == logged


def test_permission_denials_are_logged(caplog):
    staff_without_permissions = StaffUserFactory()
    client = Client()
    client.force_login(staff_without_permissions)
    caplog.clear()

    with caplog.at_level(logging.INFO, logger=accounts.logger.name):
        response = client.get("/admin/recommendations/recommendation/")
        csrf_failure = Client(enforce_csrf_checks=True).post(RESET_URL, {"email": "a@b.org"})

    assert response.status_code == csrf_failure.status_code == 403
    assert log_lines(caplog) == [
        f"event=permission_denied user={staff_without_permissions.pk} method=GET"
        " path=/admin/recommendations/recommendation/ ip=127.0.0.1",
        f"event=permission_denied user=- method=POST path={RESET_URL} ip=127.0.0.1",
    ]


def test_check_deploy_warns_while_email_goes_to_the_console(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert [m.id for m in accounts.check_email_backend(None)] == ["oversight.W001"]

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert accounts.check_email_backend(None) == []


def test_a_ten_thousand_character_username_is_a_failed_sign_in_not_an_error(anonymous_client, db):
    response = anonymous_client.post(
        "/admin/login/", {"username": "x" * 10_000, "password": "wrong password"}, secure=True
    )

    assert response.status_code == 200
    assert b"Please enter the correct username and password" in response.content


def test_a_group_member_signs_in_on_the_sign_in_page_and_lands_on_the_plans(
    member_user, anonymous_client
):
    member_user.set_password("a long and memorable passphrase")
    member_user.save()

    response = anonymous_client.post(
        "/accounts/sign-in/",
        {"username": member_user.username, "password": "a long and memorable passphrase"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/forces/plans/"
    assert anonymous_client.get("/forces/plans/").status_code == 200


def test_a_wrong_password_on_the_sign_in_page_is_an_error_summary(member_user, anonymous_client):
    response = anonymous_client.post(
        "/accounts/sign-in/", {"username": member_user.username, "password": "not it at all"}
    )

    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert b"not it at all" not in response.content


def test_signing_out_ends_a_members_session(member_client):
    assert member_client.get("/forces/plans/").status_code == 200

    response = member_client.post("/accounts/sign-out/")

    assert response.status_code == 302
    assert member_client.get("/forces/plans/")["Location"].startswith("/accounts/sign-in/")
