"""Outgoing e-mail: recorded once per key, sent by a job, sent once however often the job runs."""

from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from oversight import mail
from oversight.models import OutgoingEmail
from oversight.tasks import send_email
from tests.oversight.jobs import run_queued_jobs
from tests.oversight.smtp import free_port, smtp_server

pytestmark = pytest.mark.django_db


def queue(key: str = "test:1", to: str = "alice@example.org") -> OutgoingEmail:
    email, _ = mail.email_queue(
        idempotency_key=key, to=[to], subject="Hello", body="A line of text.\n"
    )
    return email


def test_a_queued_email_is_sent_by_its_job_and_keeps_no_body():
    email = queue()
    assert django_mail.outbox == []

    run_queued_jobs()

    email.refresh_from_db()
    assert [(m.to, m.subject, m.body) for m in django_mail.outbox] == [
        (["alice@example.org"], "Hello", "A line of text.\n")
    ]
    assert email.sent_at is not None
    assert email.attempts == 1
    assert email.body == ""


def test_queueing_the_same_key_twice_sends_one_email():
    first, created = mail.email_queue(
        idempotency_key="k", to=["a@example.org"], subject="S", body="B"
    )
    again, created_again = mail.email_queue(
        idempotency_key="k", to=["a@example.org"], subject="S", body="B"
    )
    run_queued_jobs()

    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert DBTaskResult.objects.count() == 1
    assert len(django_mail.outbox) == 1


def test_a_job_run_twice_sends_nothing_twice():
    email = queue()
    send_email.enqueue(email_id=email.pk)  # a duplicate job for the same message

    run_queued_jobs()
    sent_again = mail.email_send(email_id=email.pk)  # and once more by hand

    assert len(django_mail.outbox) == 1
    assert sent_again is False
    assert DBTaskResult.objects.successful().count() == 2
    assert sorted(r.return_value for r in DBTaskResult.objects.all()) == [False, True]


def test_a_sent_email_cannot_keep_its_body():
    email = queue()
    email.sent_at = timezone.now()

    with pytest.raises(ValidationError, match="A sent email keeps no body"):
        email.full_clean()


def test_every_attempt_at_one_message_has_the_same_message_id():
    assert mail.message_id("k") == mail.message_id("k") != mail.message_id("other")


def test_mail_goes_through_a_real_smtp_server(settings):
    with smtp_server() as (server, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = False
        settings.DEFAULT_FROM_EMAIL = "oversight@example.gov.uk"
        queue(key="smtp:1")
        run_queued_jobs()

    [message] = server.messages
    assert message["To"] == "alice@example.org"
    assert message["From"] == "oversight@example.gov.uk"
    assert message["Subject"] == "Hello"
    assert message["Message-ID"] == mail.message_id("smtp:1")
    assert message.get_payload().strip() == "A line of text."


def test_a_refused_message_is_recorded_and_tried_again_later(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_TIMEOUT = 2
    email = queue()
    before = timezone.now()

    run_queued_jobs()

    email.refresh_from_db()
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert email.sent_at is None
    assert email.attempts == 1
    assert email.last_error.startswith("ConnectionRefusedError")
    assert email.body  # kept for the next attempt
    assert failed.exception_class_path == "oversight.mail.EmailNotSent"
    assert retry.run_after >= before + timedelta(minutes=1)
    assert retry.args_kwargs["kwargs"] == {"email_id": email.pk}


def test_after_three_refusals_no_more_attempts_are_queued(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    email = queue()
    OutgoingEmail.objects.filter(pk=email.pk).update(attempts=2)
    DBTaskResult.objects.all().delete()

    with pytest.raises(mail.EmailNotSent):
        send_email.call(email_id=email.pk)

    assert OutgoingEmail.objects.get(pk=email.pk).attempts == 3
    assert not DBTaskResult.objects.exists()


def test_extra_headers_go_with_the_message_and_are_not_kept_once_sent(settings):
    with smtp_server() as (server, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = False
        email, _ = mail.email_queue(
            idempotency_key="headers:1",
            to=["alice@example.org"],
            subject="Hello",
            body="Hi",
            headers={"List-Unsubscribe": "<https://example.org/u/1/>\nBcc: x@example.org"},
        )
        run_queued_jobs()

    [message] = server.messages
    # One line each: a newline in a value cannot add a header.
    assert message["List-Unsubscribe"] == "<https://example.org/u/1/> Bcc: x@example.org"
    assert message["Bcc"] is None
    email.refresh_from_db()
    assert email.headers == {}


def test_a_message_deleted_before_its_job_runs_is_not_sent():
    email = queue()
    OutgoingEmail.objects.filter(pk=email.pk).delete()

    run_queued_jobs()

    assert django_mail.outbox == []
    assert mail.email_send(email_id=email.pk) is False
