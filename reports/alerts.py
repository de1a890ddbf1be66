"""E-mail alerts about new updates: sign-up, confirmation, unsubscribing, and the sending.

An address is subscribed only once its owner follows the link in the confirmation e-mail
(double opt-in). Sign-up says the same, and queues one e-mail, whether or not the address is
subscribed already, so the page tells nobody who is. Every alert has a one-click unsubscribe
link (and `List-Unsubscribe` headers); unsubscribing deletes the address and the messages sent
to it.

Alerts go out for each publication (a new edition, or a correction with its change note) to
each address confirmed by the time it was published, from `send_update_alerts` (a job queued
when an edition is published, and a management command): never inside the request that
published. An `AlertDelivery` row per subscriber and publication, under a unique constraint,
and the e-mail's idempotency key make a rerun send nothing twice.

No address is ever logged: log lines name subscriptions by id.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, Min, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from oversight.accounts import normalise_email
from oversight.mail import email_queue
from oversight.models import OutgoingEmail
from oversight.throttle import RateLimit, rate_limit_hit
from reports.models import AlertDelivery, AlertSubscription, Publication
from reports.snapshot import listing_fields

logger = logging.getLogger(__name__)

SIGNUP_WINDOW = timedelta(hours=1)
# An unconfirmed sign-up (and its link) lasts this long, then is deleted.
CONFIRM_DAYS = 7
# Every alert e-mail's idempotency key starts with this (oversight.mail hides their recipients).
KEY_PREFIX = "alert"


class AlertSignupThrottled(Exception):
    """Too many sign-ups for one address, or from one client, within the hour."""


class AlertLinkInvalid(Exception):
    """A confirmation or unsubscribe link that is wrong, used already or out of date."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def unsubscribe_token(subscription: AlertSubscription) -> str:
    """The secret in a subscription's unsubscribe links, worked out again when needed (never
    stored): the same for every alert, and useless once the address is deleted."""
    return salted_hmac(
        "reports.alerts.unsubscribe", f"{subscription.pk}:{subscription.email}", algorithm="sha256"
    ).hexdigest()


def unsubscribe_url(subscription: AlertSubscription, site_url: str) -> str:
    path = reverse(
        "alerts:unsubscribe",
        kwargs={"pk": subscription.pk, "token": unsubscribe_token(subscription)},
    )
    return site_url.rstrip("/") + path


def signup_rate_limits() -> tuple[RateLimit, RateLimit]:
    """(per client, per address), read from the settings at each request."""
    return (
        RateLimit("alert-signup-client", settings.ALERT_SIGNUPS_PER_CLIENT_PER_HOUR, SIGNUP_WINDOW),
        RateLimit(
            "alert-signup-address", settings.ALERT_SIGNUPS_PER_ADDRESS_PER_HOUR, SIGNUP_WINDOW
        ),
    )


@transaction.atomic
def alert_signup(*, email: str, client: str, site_url: str) -> None:
    """Queue the e-mail that confirms a sign-up, or that says the address is already signed up.

    The same work either way: one row read and written, one e-mail queued. Raises
    `AlertSignupThrottled` beyond either limit, and then nothing is counted or queued.
    """
    email = normalise_email(email)
    per_client, per_address = signup_rate_limits()
    if not (
        rate_limit_hit(rate=per_client, value=client)
        and rate_limit_hit(rate=per_address, value=email)
    ):
        raise AlertSignupThrottled
    now = timezone.now()
    # The same statements whether or not the address is there: insert it unless it is (a
    # concurrent sign-up cannot make this fail), then read it locked.
    AlertSubscription.objects.bulk_create(
        [AlertSubscription(email=email, requested_at=now)], ignore_conflicts=True
    )
    subscription = AlertSubscription.objects.select_for_update().get(email=email)
    token = secrets.token_urlsafe(32)
    site_url = site_url.rstrip("/")
    if subscription.confirmed_at is None:
        # A new link each time: an older e-mail's link stops working.
        subscription.confirm_token_hash = token_hash(token)
        confirm = site_url + reverse("alerts:confirm", kwargs={"token": token})
        subject = "Confirm you want emails about new updates"
        body = (
            "You asked for an email when the National Oversight Group on domestic abuse "
            "publishes or corrects a quarterly update.\n\n"
            f"To start getting them, follow this link within {CONFIRM_DAYS} days:\n\n"
            f"{confirm}\n\n"
            "If you did not ask for this, ignore this email: you will not be signed up, and we "
            f"will delete your address after {CONFIRM_DAYS} days.\n"
        )
    else:
        subject = "You already get emails about new updates"
        body = (
            "Someone, probably you, asked for emails about new quarterly updates from the "
            "National Oversight Group on domestic abuse. This address already gets them.\n\n"
            "To stop them, follow this link:\n\n"
            f"{unsubscribe_url(subscription, site_url)}\n"
        )
    subscription.requested_at = now
    subscription.full_clean(validate_unique=False, validate_constraints=False)
    subscription.save()
    email_queue(
        idempotency_key=f"{KEY_PREFIX}-signup:{subscription.pk}:{token_hash(token)[:16]}",
        to=[subscription.email],
        subject=subject,
        body=body,
    )
    logger.info("event=alert_signup_queued subscription=%s", subscription.pk)


@transaction.atomic
def alert_confirm(*, token: str) -> AlertSubscription:
    """Subscribe the address whose confirmation link this is. Raises `AlertLinkInvalid`."""
    cutoff = timezone.now() - timedelta(days=CONFIRM_DAYS)
    subscription = (
        AlertSubscription.objects.select_for_update()
        .filter(confirm_token_hash=token_hash(token), requested_at__gte=cutoff)
        .first()
    )
    if subscription is None:
        raise AlertLinkInvalid
    subscription.confirmed_at = timezone.now()
    subscription.confirm_token_hash = ""
    subscription.full_clean(validate_unique=False)
    subscription.save(update_fields=["confirmed_at", "confirm_token_hash"])
    logger.info("event=alert_subscription_confirmed subscription=%s", subscription.pk)
    return subscription


def subscription_for_unsubscribe(*, pk: int, token: str) -> AlertSubscription:
    """The subscription an unsubscribe link is for. Raises `AlertLinkInvalid`."""
    subscription = AlertSubscription.objects.filter(pk=pk).first()
    if subscription is None or not constant_time_compare(token, unsubscribe_token(subscription)):
        raise AlertLinkInvalid
    return subscription


@transaction.atomic
def alert_unsubscribe(*, pk: int, token: str) -> None:
    """Delete the address, its delivery records and every e-mail to it (sent or not)."""
    subscription = subscription_for_unsubscribe(pk=pk, token=token)
    _delete(subscription)
    logger.info("event=alert_unsubscribed subscription=%s", pk)


def _delete(subscription: AlertSubscription) -> None:
    # Unsent ones too: their job then finds nothing to send.
    OutgoingEmail.objects.filter(
        idempotency_key__startswith=f"{KEY_PREFIX}-signup:{subscription.pk}:"
    ).delete()
    OutgoingEmail.objects.filter(
        idempotency_key__startswith=f"{KEY_PREFIX}:{subscription.pk}:"
    ).delete()
    subscription.delete()


def alerts_prune_unconfirmed() -> int:
    """Delete sign-ups not confirmed within `CONFIRM_DAYS`, with their e-mails."""
    stale = list(
        AlertSubscription.objects.unconfirmed_since(timezone.now() - timedelta(days=CONFIRM_DAYS))
    )
    for subscription in stale:
        with transaction.atomic():
            _delete(subscription)
    return len(stale)


@dataclass(frozen=True)
class AlertMessage:
    subject: str
    body: str
    headers: dict[str, str]


def alert_message(publication: Publication, unsubscribe: str, site_url: str) -> AlertMessage:
    """The alert about one publication (annotated with `listing_fields`)."""
    page = site_url.rstrip("/") + reverse(
        "reports:edition-detail", kwargs={"slug": publication.edition.slug}
    )
    name = f"{publication.title}: {publication.period_label}"
    if publication.revision == 1:
        subject = f"New update published: {name}"
        news = f"The National Oversight Group on domestic abuse has published {name}."
    else:
        subject = f"Update corrected: {name}"
        news = (
            f"The National Oversight Group on domestic abuse has corrected {name}.\n\n"
            f"What changed: {publication.change_note}"
        )
    body = (
        f"{news}\n\nRead it: {page}\n\n"
        "You get this email because you asked for emails about new updates.\n"
        f"Unsubscribe (one click, no sign-in): {unsubscribe}\n"
    )
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return AlertMessage(subject=subject, body=body, headers=headers)


def alerts_send(*, site_url: str) -> int:
    """Queue the alerts not yet sent: one for each publication to each address confirmed by
    the time it was published. Safe to run again, and at the same time: returns how many this
    run queued."""
    confirmed = AlertSubscription.objects.confirmed()
    earliest = confirmed.aggregate(earliest=Min("confirmed_at"))["earliest"]
    if earliest is None:
        return 0
    publications = (
        Publication.objects.filter(published_at__gte=earliest)
        .annotate(**listing_fields())
        .select_related("edition")
        .defer("content", "body_html")
        .order_by("published_at", "pk")
    )
    queued = 0
    for publication in publications:
        already = AlertDelivery.objects.filter(subscription=OuterRef("pk"), publication=publication)
        recipients = confirmed.filter(confirmed_at__lte=publication.published_at).exclude(
            Exists(already)
        )
        for subscription in recipients:
            queued += _deliver(publication, subscription, site_url)
    if queued:
        logger.info("event=alerts_queued count=%s", queued)
    return queued


def _deliver(publication: Publication, subscription: AlertSubscription, site_url: str) -> int:
    message = alert_message(publication, unsubscribe_url(subscription, site_url), site_url)
    try:
        with transaction.atomic():
            AlertDelivery.objects.create(subscription=subscription, publication=publication)
            email_queue(
                idempotency_key=f"{KEY_PREFIX}:{subscription.pk}:{publication.pk}",
                to=[subscription.email],
                subject=message.subject,
                body=message.body,
                headers=message.headers,
            )
    except IntegrityError:
        return 0  # another run recorded it first
    return 1
