"""Outgoing e-mail: recorded in the database, then sent by a background job, once.

Every message the service sends (password resets now; invitations, reminders and alerts later)
goes through `email_queue`: it records an `OutgoingEmail` under a key that names that one
message and queues the `send_email` job. The job sends it through Django's e-mail backend
(`EMAIL_URL`) under a row lock and marks it sent in the same transaction, so a job that runs
twice, or two jobs for one message, send it once.

One window is left, as with any SMTP client: if the worker dies after the server accepted the
message but before the commit, the job runs again and the message goes twice. Each message has
a Message-ID made from its key, so that mail systems that drop duplicates can drop it.
"""

import hashlib
import logging
import smtplib

from django.conf import settings
from django.core.mail import DNS_NAME, EmailMessage
from django.db import transaction
from django.utils import timezone

from oversight.models import OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 1000
# Messages to members of the public (e-mail alerts) have keys starting with this; the admin
# does not show their recipients.
PRIVATE_RECIPIENT_PREFIX = "alert"


class EmailNotSent(Exception):
    """The e-mail backend refused or failed to send a message; the job may try again."""


def message_id(idempotency_key: str) -> str:
    """The same Message-ID header for every attempt at one message."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@{DNS_NAME}>"


@transaction.atomic
def email_queue(
    *,
    idempotency_key: str,
    to: list[str],
    subject: str,
    body: str,
    headers: dict[str, str] | None = None,
) -> tuple[OutgoingEmail, bool]:
    """Record a message and queue the job that sends it; a key seen before queues nothing.

    `headers` are extra headers (for example `List-Unsubscribe`); each is one line.

    The job is queued in the same transaction as the record: with the database backend the
    two commit together, so a worker never finds a job for a message that is not there, and a
    message is never left without its job.
    """
    from oversight.tasks import send_email  # the job imports this module

    existing = OutgoingEmail.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    email = OutgoingEmail(
        idempotency_key=idempotency_key,
        to=list(to),
        # Header injection is refused by Django when sending; a subject is one line anyway.
        subject=" ".join(subject.splitlines()),
        body=body,
        headers={name: " ".join(value.splitlines()) for name, value in (headers or {}).items()},
    )
    email.full_clean()
    email.save()
    send_email.enqueue(email_id=email.pk)
    return email, True


def email_send(*, email_id: int) -> bool:
    """Send one recorded message unless it was sent already. True if this call sent it.

    The row stays locked from the check to the commit, so a second job for the same message
    waits, then finds it sent. A failure is recorded and raised as `EmailNotSent`.
    """
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.sent_at is not None:
            return False  # sent already, or withdrawn (an alert to someone who unsubscribed)
        email.attempts += 1
        message = EmailMessage(
            subject=email.subject,
            body=email.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=email.to,
            headers={**email.headers, "Message-ID": message_id(email.idempotency_key)},
        )
        error: Exception | None = None
        try:
            message.send()
        except (smtplib.SMTPException, OSError, ValueError) as exc:
            error = exc
            email.last_error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
        else:
            email.sent_at = timezone.now()
            email.body = ""
            email.headers = {}
            email.last_error = ""
        email.full_clean()
        email.save(update_fields=["attempts", "sent_at", "body", "headers", "last_error"])
    if error is not None:
        logger.warning(
            "event=email_failed email=%s attempt=%s error=%s",
            email.pk,
            email.attempts,
            type(error).__name__,
        )
        raise EmailNotSent(email.last_error) from error
    logger.info("event=email_sent email=%s attempt=%s", email.pk, email.attempts)
    return True
