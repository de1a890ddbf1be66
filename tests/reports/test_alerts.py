"""E-mail alerts: double opt-in, one alert per subscriber per publication, unsubscribing deletes."""

import datetime
import logging
import re
from io import StringIO

import pytest
from django.core import mail as django_mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from oversight.models import OutgoingEmail, RateLimitBucket
from oversight.throttle import rate_limit_hit
from reports.alerts import alerts_prune_unconfirmed, alerts_send, signup_rate_limits
from reports.models import AlertDelivery, AlertSubscription, QuarterlyUpdate
from tests.oversight.jobs import run_queued_jobs
from tests.oversight.smtp import smtp_server
from tests.recommendations.factories import RecommendationFactory
from tests.reports.factories import ReadyToPublishQuarterlyUpdateFactory
from tests.reports.publishing import publish_for_test

pytestmark = pytest.mark.django_db

ADDRESS = "reader@example.org"
SIGNUP = "/email-alerts/"
ALERTS = ("New update published", "Update corrected")
LINK = re.compile(r"http://testserver(/email-alerts/\S+/)")


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "http://testserver"
    RecommendationFactory(number=1)


def sign_up(client: Client, email: str = ADDRESS):
    return client.post(SIGNUP, {"email": email})


def links_in(message) -> list[str]:
    return LINK.findall(message.body)


def subscribe(client: Client, email: str = ADDRESS) -> AlertSubscription:
    """Sign up and follow the link in the confirmation e-mail."""
    sign_up(client, email)
    run_queued_jobs()
    [confirm] = links_in(django_mail.outbox[-1])
    assert client.get(confirm).status_code == 200
    return AlertSubscription.objects.get(email=email)


def publish_next():
    return publish_for_test(ReadyToPublishQuarterlyUpdateFactory(), warnings_accepted=True)


def correct(edition: QuarterlyUpdate, note: str):
    edition.status = QuarterlyUpdate.Status.CORRECTING
    edition.save()
    return publish_for_test(edition, change_note=note, warnings_accepted=True)


def alerts_sent() -> list:
    call_command("send_update_alerts", stdout=StringIO())
    run_queued_jobs()
    return [message for message in django_mail.outbox if message.subject.startswith(ALERTS)]


# ---- Signing up ---------------------------------------------------------------------------


def test_an_address_is_subscribed_only_once_the_link_in_the_email_is_followed(
    anonymous_client,
) -> None:
    response = sign_up(anonymous_client)

    assert response.status_code == 302
    assert response["Location"] == "/email-alerts/check-your-email/"
    assert AlertSubscription.objects.confirmed().count() == 0
    run_queued_jobs()
    [message] = django_mail.outbox
    assert message.to == [ADDRESS]
    assert message.subject == "Confirm you want emails about new updates"
    [confirm] = links_in(message)

    page = anonymous_client.get(confirm)

    assert page.status_code == 200
    assert "You have signed up" in page.content.decode()
    subscription = AlertSubscription.objects.get()
    assert subscription.confirmed_at is not None
    assert subscription.confirm_token_hash == ""
    # The link works once.
    assert "This link does not work" in anonymous_client.get(confirm).content.decode()


def test_the_token_is_stored_only_as_a_hash(anonymous_client) -> None:
    sign_up(anonymous_client)
    run_queued_jobs()
    [confirm] = links_in(django_mail.outbox[0])
    token = confirm.rstrip("/").rsplit("/", 1)[1]

    subscription = AlertSubscription.objects.get()
    assert token not in subscription.confirm_token_hash
    assert len(subscription.confirm_token_hash) == 64


def test_an_unconfirmed_address_gets_no_alert_and_is_deleted_after_a_week(
    anonymous_client,
) -> None:
    sign_up(anonymous_client)
    run_queued_jobs()
    publish_next()

    assert alerts_sent() == []

    AlertSubscription.objects.update(requested_at=timezone.now() - datetime.timedelta(days=8))
    [confirm] = links_in(django_mail.outbox[0])
    assert "This link does not work" in anonymous_client.get(confirm).content.decode()
    assert alerts_prune_unconfirmed() == 1
    assert not AlertSubscription.objects.exists()
    assert not OutgoingEmail.objects.filter(to=[ADDRESS]).exists()


def test_signing_up_again_before_confirming_sends_a_new_link_and_the_old_one_stops(
    anonymous_client,
) -> None:
    sign_up(anonymous_client)
    sign_up(anonymous_client)
    run_queued_jobs()
    [first], [second] = (links_in(message) for message in django_mail.outbox)

    assert "This link does not work" in anonymous_client.get(first).content.decode()
    assert "You have signed up" in anonymous_client.get(second).content.decode()


def test_the_answer_is_the_same_whether_or_not_the_address_is_subscribed(
    anonymous_client,
) -> None:
    subscribe(anonymous_client, "already@example.org")
    queued_before = OutgoingEmail.objects.count()

    new = sign_up(Client(), "new@example.org")
    existing = sign_up(Client(), "already@example.org")

    assert (new.status_code, new["Location"]) == (existing.status_code, existing["Location"])
    # Both queue one e-mail, so both take the same work.
    assert OutgoingEmail.objects.count() == queued_before + 2
    run_queued_jobs()
    already = (
        django_mail.outbox[-1]
        if django_mail.outbox[-1].to == ["already@example.org"]
        else (django_mail.outbox[-2])
    )
    assert already.subject == "You already get emails about new updates"
    assert "/email-alerts/unsubscribe/" in already.body
    # Signing up again does not undo the confirmation.
    assert AlertSubscription.objects.get(email="already@example.org").confirmed_at is not None


def test_addresses_are_compared_without_case_or_spaces(anonymous_client) -> None:
    subscribe(anonymous_client)

    sign_up(anonymous_client, "  Reader@Example.ORG ")

    assert AlertSubscription.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "Enter your email address"),
        ("not an address", "Enter an email address in the correct format, like name@example.com"),
    ],
)
def test_a_bad_address_is_the_form_again_with_an_error_summary(
    anonymous_client, typed, error
) -> None:
    response = sign_up(anonymous_client, typed)
    html = response.content.decode()

    assert response.status_code == 200
    assert "There is a problem" in html
    assert f'<a href="#id_email">{error}</a>' in html
    assert "<title>Error: " in html
    if typed:
        assert f'value="{typed}"' in html
    assert not OutgoingEmail.objects.exists()


def test_sign_up_is_limited_per_address_and_per_client(settings, anonymous_client) -> None:
    settings.ALERT_SIGNUPS_PER_ADDRESS_PER_HOUR = 2
    settings.ALERT_SIGNUPS_PER_CLIENT_PER_HOUR = 3

    answers = [sign_up(anonymous_client).status_code for _ in range(3)]
    queued = OutgoingEmail.objects.count()
    other_address = [sign_up(anonymous_client, f"x{n}@example.org").status_code for n in range(2)]

    assert answers == [302, 302, 429]
    assert queued == 2
    assert other_address == [302, 429]  # the client's third
    refused = sign_up(anonymous_client, "y@example.org")
    assert "You have asked too many times" in refused.content.decode()
    assert refused["Retry-After"] == "3600"
    assert OutgoingEmail.objects.count() == 3
    # Counted under keyed hashes, never the address itself.
    assert not RateLimitBucket.objects.filter(key_hash__contains="example").exists()


# ---- Alerts -------------------------------------------------------------------------------


def test_publishing_sends_each_subscriber_one_alert_with_one_click_unsubscribe(
    anonymous_client, settings
) -> None:
    subscribe(anonymous_client)
    edition = ReadyToPublishQuarterlyUpdateFactory()
    publish_for_test(edition, warnings_accepted=True)

    with smtp_server() as (server, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = False
        call_command("send_update_alerts", stdout=StringIO())
        run_queued_jobs()
        call_command("send_update_alerts", stdout=StringIO())  # a rerun sends nothing more
        run_queued_jobs()

    [message] = server.messages
    assert message["To"] == ADDRESS
    # Long headers are folded on the wire; a reader unfolds them.
    assert " ".join(message["Subject"].split()) == (
        f"New update published: National Oversight Group Update Report: {edition.period_label}"
    )
    subscription = AlertSubscription.objects.get()
    [unsubscribe_header] = re.findall(r"<([^>]+)>", "".join(message["List-Unsubscribe"].split()))
    assert unsubscribe_header.startswith(
        f"http://testserver/email-alerts/unsubscribe/{subscription.pk}/"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = message.get_payload()
    assert f"http://testserver/updates/{edition.slug}/" in body
    assert unsubscribe_header in body
    assert AlertDelivery.objects.count() == 1
    # Sent, the record keeps neither the body nor the headers.
    sent = OutgoingEmail.objects.get(idempotency_key__startswith="alert:")
    assert (sent.body, sent.headers) == ("", {})


def test_a_rerun_or_a_second_sender_sends_nobody_an_alert_twice(anonymous_client) -> None:
    subscribe(anonymous_client)
    subscribe(Client(), "second@example.org")
    publish_next()

    assert alerts_send(site_url="http://testserver") == 2
    assert alerts_send(site_url="http://testserver") == 0
    call_command("send_update_alerts", stdout=StringIO())
    run_queued_jobs()

    alerts = [m for m in django_mail.outbox if m.subject.startswith("New update")]
    assert sorted(m.to[0] for m in alerts) == ["reader@example.org", "second@example.org"]
    assert AlertDelivery.objects.count() == 2


def test_a_correction_is_alerted_with_its_change_note(anonymous_client) -> None:
    subscribe(anonymous_client)
    publication = publish_next()
    correct(publication.edition, "Corrected the date of the second meeting.")

    alerts = alerts_sent()

    assert [message.subject.split(":")[0] for message in alerts] == [
        "New update published",
        "Update corrected",
    ]
    assert "What changed: Corrected the date of the second meeting." in alerts[1].body


def test_an_address_confirmed_after_a_publication_gets_no_alert_about_it(
    anonymous_client,
) -> None:
    publish_for_test(
        ReadyToPublishQuarterlyUpdateFactory(),
        published_at=timezone.now() - datetime.timedelta(days=1),
    )
    subscribe(anonymous_client)

    assert alerts_sent() == []


def test_publishing_queues_the_sender_once_it_has_committed(
    anonymous_client, django_capture_on_commit_callbacks
) -> None:
    subscribe(anonymous_client)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publish_next()
    assert len(callbacks) == 1
    assert DBTaskResult.objects.filter(task_path="reports.tasks.send_update_alerts").count() == 1

    run_queued_jobs()

    assert [m.subject.split(":")[0] for m in django_mail.outbox[1:]] == ["New update published"]


# ---- Unsubscribing ------------------------------------------------------------------------


def test_the_unsubscribe_link_asks_once_then_deletes_the_address_and_its_emails(
    anonymous_client,
) -> None:
    subscribe(anonymous_client)
    publish_next()
    [alert] = alerts_sent()
    [unsubscribe] = [link for link in links_in(alert) if "unsubscribe" in link]

    page = anonymous_client.get(unsubscribe)
    assert page.status_code == 200
    assert "Unsubscribe from emails about new updates" in page.content.decode()
    assert AlertSubscription.objects.exists()  # a GET (a link checker) changes nothing

    response = anonymous_client.post(unsubscribe)

    assert response["Location"] == "/email-alerts/unsubscribed/"
    assert not AlertSubscription.objects.exists()
    assert not AlertDelivery.objects.exists()
    assert not [email for email in OutgoingEmail.objects.all() if ADDRESS in email.to]
    assert "This link does not work" in anonymous_client.get(unsubscribe).content.decode()


def test_a_mail_clients_one_click_post_unsubscribes_without_a_csrf_token() -> None:
    subscribe(Client())
    publish_next()
    [alert] = alerts_sent()
    url = re.findall(r"<([^>]+)>", alert.extra_headers["List-Unsubscribe"])[0]

    response = Client(enforce_csrf_checks=True).post(
        url.removeprefix("http://testserver"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 302
    assert not AlertSubscription.objects.exists()


def test_an_unsubscribe_link_with_a_wrong_token_changes_nothing(anonymous_client) -> None:
    subscription = subscribe(anonymous_client)

    response = anonymous_client.post(f"/email-alerts/unsubscribe/{subscription.pk}/forged/")

    assert "This link does not work" in response.content.decode()
    assert AlertSubscription.objects.filter(pk=subscription.pk).exists()


def test_an_alert_queued_before_unsubscribing_is_never_sent(anonymous_client) -> None:
    subscription = subscribe(anonymous_client)
    publish_next()
    alerts_send(site_url="http://testserver")
    [alert] = OutgoingEmail.objects.filter(idempotency_key__startswith="alert:")
    url = alert.headers["List-Unsubscribe"].strip("<>").removeprefix("http://testserver")

    anonymous_client.post(url)
    run_queued_jobs()

    assert not AlertSubscription.objects.filter(pk=subscription.pk).exists()
    assert not [m for m in django_mail.outbox if m.subject.startswith("New update")]


# ---- No address on any page or in any log line ----------------------------------------------


def test_no_page_or_log_line_shows_a_subscribers_address(
    anonymous_client, secretariat_client, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    pages = [sign_up(anonymous_client), anonymous_client.get("/email-alerts/check-your-email/")]
    run_queued_jobs()
    [confirm] = links_in(django_mail.outbox[0])
    pages.append(anonymous_client.get(confirm))
    pages.append(sign_up(anonymous_client))  # already subscribed
    run_queued_jobs()
    publish_next()
    [alert] = alerts_sent()
    [unsubscribe] = [link for link in links_in(alert) if "unsubscribe" in link]
    pages.append(anonymous_client.get(unsubscribe))
    for email in OutgoingEmail.objects.all():
        pages.append(secretariat_client.get(f"/admin/oversight/outgoingemail/{email.pk}/change/"))
    pages.append(secretariat_client.get("/admin/oversight/outgoingemail/"))
    pages.append(anonymous_client.post(unsubscribe, follow=True))

    assert [page.status_code for page in pages] == [302, 200, 200, 302] + [200] * (len(pages) - 4)
    for page in pages:
        assert ADDRESS not in page.content.decode()
        assert "reader" not in page.content.decode()
    assert "event=alert_signup_queued" in caplog.text
    assert ADDRESS not in caplog.text
    assert "reader" not in caplog.text


def test_the_privacy_notice_says_what_is_kept_for_how_long_and_whom_to_ask(
    anonymous_client, settings
) -> None:
    settings.PRIVACY_CONTACT_EMAIL = "dpo@homeoffice.example.gov.uk"

    html = anonymous_client.get("/privacy/").content.decode()

    assert "your email address" in html
    assert "after 7 days" in html
    assert "until you unsubscribe" in html
    assert 'href="mailto:dpo@homeoffice.example.gov.uk"' in html


def test_every_edition_and_the_updates_list_offer_alerts(anonymous_client) -> None:
    publication = publish_next()

    for url in ("/updates/", f"/updates/{publication.edition.slug}/"):
        html = anonymous_client.get(url).content.decode()
        assert (
            '<a class="govuk-link" href="/email-alerts/">Get emails about new updates</a>' in html
        )


def test_the_alert_pages_take_no_query(anonymous_client, django_assert_num_queries) -> None:
    for url in (
        SIGNUP,
        "/email-alerts/check-your-email/",
        "/email-alerts/unsubscribed/",
        "/privacy/",
    ):
        with django_assert_num_queries(0):
            assert anonymous_client.get(url).status_code == 200


def test_signing_up_takes_the_same_queries_for_a_new_and_a_subscribed_address(
    anonymous_client, django_assert_num_queries
) -> None:
    subscribe(Client(), "already@example.org")
    publish_next()  # the data does not change the count either
    # The same 16 statements either way, in a savepoint (the service's transaction):
    # 1-2. the per-client and per-address counts (one UPDATE each, the window open);
    # 3. insert the address unless it is there; 4. read it, locked; 5. save it;
    # then the e-mail, in a savepoint of its own: 6. is its key new, 7. full_clean's unique
    # check, 8-10. its constraint check (in a savepoint), 11. record it, 12. queue its job,
    # and 13-16. the savepoints' SAVEPOINT / RELEASE pairs.
    for address in ("already@example.org", "new@example.org"):
        # Open this address's rate-limit window, as an earlier request would have.
        rate_limit_hit(rate=signup_rate_limits()[1], value=address)
        with django_assert_num_queries(16):
            assert sign_up(anonymous_client, address).status_code == 302
    assert AlertSubscription.objects.filter(email="new@example.org").exists()
