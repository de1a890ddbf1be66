"""Password reset: a few requests an hour per address and per client; the mail is a background job,
so a known address answers in the same time as an unknown one."""

import logging
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from oversight.models import OutgoingEmail, RateLimitBucket
from oversight.throttle import RateLimit, rate_limit_hit, rate_limit_key
from tests.oversight.factories import UserFactory
from tests.oversight.jobs import run_queued_jobs
from tests.oversight.slow_email import SLOW_EMAIL_SECONDS

RESET_URL = "/accounts/password-reset/"
RESET_SENT_URL = "/accounts/password-reset/sent/"
SLOW_EMAIL_BACKEND = "tests.oversight.slow_email.SlowEmailBackend"

pytestmark = pytest.mark.django_db


def ask_for_reset(email: str, client_address: str = "192.0.2.10"):
    return Client(REMOTE_ADDR=client_address).post(RESET_URL, {"email": email})


@pytest.fixture
def account():
    return UserFactory(username="alice", email="alice@example.org")


def test_35_requests_for_one_address_send_three_emails(account):
    answers = [ask_for_reset(account.email, f"192.0.2.{n}").status_code for n in range(1, 36)]
    run_queued_jobs()

    assert answers == [302] * 3 + [429] * 32
    assert [message.to for message in django_mail.outbox] == [[account.email]] * 3


def test_one_client_may_ask_for_ten_addresses_an_hour(account):
    answers = [ask_for_reset(f"someone{n}@example.org").status_code for n in range(10)]
    eleventh = ask_for_reset(account.email)
    from_elsewhere = ask_for_reset(account.email, "198.51.100.7")
    run_queued_jobs()

    assert answers == [302] * 10
    assert eleventh.status_code == 429
    assert from_elsewhere.status_code == 302
    assert [message.to for message in django_mail.outbox] == [[account.email]]


def test_an_address_counts_whatever_its_case_and_spaces(account):
    for typed in ["alice@example.org", "ALICE@Example.ORG", " Alice@example.org "]:
        assert ask_for_reset(typed, "203.0.113.1").status_code == 302

    assert ask_for_reset("alice@EXAMPLE.org", "203.0.113.2").status_code == 429


def test_beyond_the_limit_the_page_says_to_try_later_in_govuk_style(account, settings):
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 1
    ask_for_reset(account.email)

    response = ask_for_reset(account.email)

    text = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "<title>Error: Reset your password - GOV.UK</title>" in text
    assert 'class="govuk-error-summary"' in text
    assert '<a href="#id_email">You have asked for too many password reset links.' in text
    assert 'class="govuk-input govuk-input--error"' in text
    assert "Wait an hour, then try again." in text


def test_the_limit_answers_alike_for_an_address_with_no_account(account, settings):
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 1
    for email in [account.email, "nobody@example.org"]:
        ask_for_reset(email)
        refused = ask_for_reset(email)
        assert refused.status_code == 429
        assert "too many password reset links" in refused.content.decode()


def test_a_refused_request_is_not_counted_and_the_hour_ends(account, settings):
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 2
    ask_for_reset(account.email)
    ask_for_reset(account.email)
    for _ in range(5):
        assert ask_for_reset(account.email).status_code == 429
    assert RateLimitBucket.objects.get(scope="password-reset-address").count == 2

    RateLimitBucket.objects.update(window_started_at=timezone.now() - timedelta(minutes=61))

    assert ask_for_reset(account.email).status_code == 302


def test_a_request_refused_per_address_uses_up_nothing_of_the_clients_allowance(account, settings):
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 1
    ask_for_reset(account.email, "192.0.2.1")
    for _ in range(3):
        ask_for_reset(account.email, "192.0.2.99")

    assert not RateLimitBucket.objects.filter(
        scope="password-reset-client",
        key_hash=rate_limit_key(scope="password-reset-client", value="192.0.2.99"),
    ).exists()


def test_the_counts_hold_no_address_and_the_log_names_none(account, settings, caplog):
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 1
    with caplog.at_level(logging.INFO):
        ask_for_reset(account.email)
        ask_for_reset(account.email)
        run_queued_jobs()

    stored = " ".join(f"{b.scope} {b.key_hash}" for b in RateLimitBucket.objects.all()) + str(
        list(RateLimitBucket.objects.values())
    )
    assert "alice" not in stored.lower()
    assert "alice" not in caplog.text.lower()
    assert "event=password_reset_requested ip=192.0.2.10" in caplog.text
    assert "event=password_reset_throttled ip=192.0.2.10" in caplog.text


def test_an_unknown_or_deactivated_address_gets_no_mail_and_the_same_page(account):
    UserFactory(username="gone", email="gone@example.org", is_active=False)
    answers = [ask_for_reset(email) for email in ["nobody@example.org", "gone@example.org"]]
    run_queued_jobs()

    assert [(a.status_code, a["Location"]) for a in answers] == [(302, RESET_SENT_URL)] * 2
    assert django_mail.outbox == []
    assert not OutgoingEmail.objects.exists()


def test_the_reset_mail_is_not_sent_inside_the_request(account):
    ask_for_reset(account.email)

    assert django_mail.outbox == []
    run_queued_jobs()
    assert len(django_mail.outbox) == 1
    assert "http://testserver/accounts/reset/" in django_mail.outbox[0].body


# ---- The answer takes the same time whether or not the address has an account --------------


def median_answer_seconds(email: str, rounds: int) -> list[float]:
    times = []
    for n in range(rounds):
        client = Client(REMOTE_ADDR=f"10.0.{n // 250}.{n % 250 + 1}")
        started = time.perf_counter()
        response = client.post(RESET_URL, {"email": email})
        times.append(time.perf_counter() - started)
        assert response.status_code == 302
    return times


def answer_times(known: str, unknown: str, rounds: int) -> tuple[float, float]:
    """Medians over interleaved requests, so that a busy moment slows both alike."""
    known_times: list[float] = []
    unknown_times: list[float] = []
    for _ in range(rounds):
        known_times += median_answer_seconds(known, 1)
        unknown_times += median_answer_seconds(unknown, 1)
    return statistics.median(known_times), statistics.median(unknown_times)


@pytest.fixture
def no_limits(settings):
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 10_000
    settings.PASSWORD_RESET_PER_CLIENT_PER_HOUR = 10_000


def test_a_known_address_answers_as_fast_as_an_unknown_one(account, settings, no_limits):
    settings.EMAIL_BACKEND = SLOW_EMAIL_BACKEND
    answer_times(account.email, "nobody@example.org", rounds=3)  # warm up templates, caches

    known, unknown = answer_times(account.email, "nobody@example.org", rounds=15)

    assert abs(known - unknown) < 0.005, (
        f"known {known * 1000:.1f} ms, unknown {unknown * 1000:.1f} ms"
    )
    assert known < SLOW_EMAIL_SECONDS / 2
    run_queued_jobs()  # and the known address did get its mail, once per request
    assert len(django_mail.outbox) == 18
    assert {tuple(message.to) for message in django_mail.outbox} == {(account.email,)}


def test_the_timing_test_would_see_mail_sent_inside_the_request(account, settings, no_limits):
    """The same measurement, with jobs run at once: the slow backend shows in the known answer."""
    settings.EMAIL_BACKEND = SLOW_EMAIL_BACKEND
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    known, unknown = answer_times(account.email, "nobody@example.org", rounds=3)

    assert known - unknown > SLOW_EMAIL_SECONDS * 0.8


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_cannot_overshoot_the_limit():
    rate = RateLimit("test-concurrent", limit=3, window=timedelta(hours=1))
    start = threading.Barrier(12)

    def hit() -> bool:
        start.wait()
        try:
            return rate_limit_hit(rate=rate, value="alice@example.org")
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=12) as pool:
        allowed = list(pool.map(lambda _: hit(), range(12)))

    assert allowed.count(True) == 3
    assert RateLimitBucket.objects.get(scope="test-concurrent").count == 3
