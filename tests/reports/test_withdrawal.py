"""Withdrawing a revision that exposed personal data (reports/withdrawal.py, ADR 6)."""

import json

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from oversight.mail import email_queue
from oversight.permissions import SECRETARIAT
from reports.middleware import _pages
from reports.models import (
    CompressedPage,
    Publication,
    PublicationPdf,
    PublicationWithdrawal,
    SearchPassage,
)
from reports.pdf import publication_pdf_render
from reports.services import edition_correction_start
from reports.snapshot import SCHEMA_VERSION
from reports.withdrawal import (
    REQUESTER_CANNOT_CONFIRM,
    WithdrawalRefused,
    publication_withdrawal_confirm,
    publication_withdrawal_request,
    text_scrub,
    withdrawal_cleanup_register,
)
from tests.oversight.factories import StaffUserFactory, UserFactory
from tests.reports.factories import ProgressUpdateFactory, QuarterlyUpdateFactory
from tests.reports.publishing import publish_for_test

EMAIL = "jane.victim@example.org"
PHONE = "07700 900123"
PLANTED = f"The survivor can be reached on {EMAIL} or {PHONE} at any time."
FOREWORD = f"Domestic abuse destroys lives.\n\nWrite to her at {EMAIL} for details."
CORRECTED = "Survivors were consulted on the new guidance."


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def second_secretariat_user(role_groups):
    user = StaffUserFactory(username="second-secretariat")
    user.groups.add(Group.objects.get(name=SECRETARIAT))
    return user


@pytest.fixture
def corrected(role_groups, secretariat_user):
    """December 2014 with personal data in a bullet and the foreword, published, then
    corrected: revision 1 holds the planted text, revision 2 does not."""
    edition = QuarterlyUpdateFactory(slug="2014-12", foreword=FOREWORD)
    bullet = ProgressUpdateFactory(edition=edition, text=PLANTED)
    first = publish_for_test(edition, warnings_accepted=True)
    edition_correction_start(edition=edition, started_by=secretariat_user)
    bullet.text = CORRECTED
    bullet.save()
    edition.refresh_from_db()
    edition.foreword = "Domestic abuse destroys lives."
    edition.save()
    publish_for_test(edition, change_note="Removed personal information.")
    first.refresh_from_db()
    return first


def _withdraw(publication, requester, confirmer) -> PublicationWithdrawal:
    withdrawal = publication_withdrawal_request(
        publication=publication, requested_by=requester, reason="Bullet gave a phone number."
    )
    return publication_withdrawal_confirm(withdrawal=withdrawal, confirmed_by=confirmer)


# ---- Four eyes ----


def test_the_requester_cannot_confirm(corrected, secretariat_user) -> None:
    withdrawal = publication_withdrawal_request(
        publication=corrected, requested_by=secretariat_user, reason="A phone number."
    )
    with pytest.raises(WithdrawalRefused, match="someone else"):
        publication_withdrawal_confirm(withdrawal=withdrawal, confirmed_by=secretariat_user)
    corrected.refresh_from_db()
    assert corrected.withdrawn_at is None
    assert PLANTED in corrected.body_html


def test_the_database_refuses_a_withdrawal_confirmed_by_its_requester(
    corrected, secretariat_user
) -> None:
    withdrawal = publication_withdrawal_request(
        publication=corrected, requested_by=secretariat_user, reason="A phone number."
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicationWithdrawal.objects.filter(pk=withdrawal.pk).update(
            confirmed_by=secretariat_user, confirmed_at=withdrawal.requested_at
        )


def test_a_withdrawal_needs_a_reason_and_the_permission(corrected, secretariat_user) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        publication_withdrawal_request(
            publication=corrected, requested_by=secretariat_user, reason="   "
        )
    with pytest.raises(WithdrawalRefused, match="permission"):
        publication_withdrawal_request(
            publication=corrected, requested_by=UserFactory(), reason="A phone number."
        )


def test_a_second_person_confirms_and_the_withdrawal_is_recorded(
    corrected, secretariat_user, second_secretariat_user
) -> None:
    withdrawal = _withdraw(corrected, secretariat_user, second_secretariat_user)
    withdrawal.refresh_from_db()
    assert withdrawal.requested_by == secretariat_user
    assert withdrawal.confirmed_by == second_secretariat_user
    assert withdrawal.reason == "Bullet gave a phone number."
    corrected.refresh_from_db()
    assert corrected.withdrawn_at == withdrawal.confirmed_at
    content = corrected.content
    assert content["schema_version"] == SCHEMA_VERSION
    assert content["foreword"]["paragraphs"] == []
    assert all(section["bullets"] == [] for section in content["sections"])
    assert content["withdrawn"]["on"] == corrected.withdrawn_at.date().isoformat()
    assert content["withdrawn"]["notice"].startswith("This revision was withdrawn on ")
    assert content["withdrawn"]["notice"].endswith("because it contained personal information.")
    assert content["withdrawn"]["notice"] in corrected.body_html
    with pytest.raises(WithdrawalRefused, match="already been confirmed"):
        publication_withdrawal_confirm(withdrawal=withdrawal, confirmed_by=secretariat_user)
    assert REQUESTER_CANNOT_CONFIRM


def test_files_are_removed_cleanups_run_and_the_page_cache_is_emptied(
    corrected, secretariat_user, second_secretariat_user, django_capture_on_commit_callbacks
) -> None:
    PublicationPdf.objects.create(publication=corrected, content=b"%PDF-1.7 " + PLANTED.encode())
    CompressedPage.objects.create(publication=corrected, sha256="0" * 64, gzip=b"", brotli=b"")
    seen = []
    cleanup = withdrawal_cleanup_register(lambda **kwargs: seen.append(kwargs))
    _pages["/updates/2014-12/revisions/1/"] = (float("inf"), {}, {})
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _withdraw(corrected, secretariat_user, second_secretariat_user)
    finally:
        from reports import withdrawal

        withdrawal._cleanups.remove(cleanup)
    assert not PublicationPdf.objects.filter(publication=corrected).exists()
    assert not CompressedPage.objects.filter(publication=corrected).exists()
    assert seen[0]["publication"] == corrected
    assert PLANTED in seen[0]["passages"] and EMAIL in seen[0]["passages"]
    assert CORRECTED not in seen[0]["passages"]  # still published in revision 2
    assert not _pages


def test_text_scrub_reaches_text_and_json_fields(db) -> None:
    email, _ = email_queue(
        idempotency_key="test:1", to=["a@example.org"], subject="x", body=f"Quote: {PLANTED}"
    )
    assert text_scrub(type(email).objects.all(), [PLANTED, EMAIL]) == 1
    email.refresh_from_db()
    assert email.body == "Quote: [withdrawn]"


# ---- The trigger (PostgreSQL) ----


def test_the_trigger_refuses_every_other_change(
    corrected, secretariat_user, second_secretariat_user
) -> None:
    if not _is_postgresql():
        pytest.skip("the trigger is PostgreSQL's: set DATABASE_URL to run this")
    PublicationPdf.objects.create(publication=corrected, content=b"%PDF-1.7")
    refused = [
        "UPDATE reports_publication SET body_html = 'Rewritten' WHERE id = %s",
        "UPDATE reports_publication SET change_note = 'Rewritten' WHERE id = %s",
        # Marked withdrawn, but with its text still there.
        "UPDATE reports_publication SET withdrawn_at = now() WHERE id = %s",
        "UPDATE reports_publication SET withdrawn_at = now(),"
        " body_html = '<p data-withdrawn-notice>x</p>' WHERE id = %s",
        "DELETE FROM reports_publication WHERE id = %s",
        "DELETE FROM reports_publicationpdf WHERE publication_id = %s",
        "UPDATE reports_publicationpdf SET content = '' WHERE publication_id = %s",
    ]
    for statement in refused:
        _assert_refused(statement, corrected.pk)

    _withdraw(corrected, secretariat_user, second_secretariat_user)
    once_withdrawn = [
        *refused[:2],
        # Withdrawn once, for good: not again, not back.
        "UPDATE reports_publication SET withdrawn_at = now() WHERE id = %s",
        "UPDATE reports_publication SET withdrawn_at = NULL WHERE id = %s",
        "DELETE FROM reports_publication WHERE id = %s",
    ]
    for statement in once_withdrawn:
        _assert_refused(statement, corrected.pk)
    # Other revisions stay frozen.
    other = Publication.objects.exclude(pk=corrected.pk).get()
    _assert_refused("UPDATE reports_publication SET body_html = 'x' WHERE id = %s", other.pk)


def _assert_refused(statement: str, pk: int) -> None:
    with (
        pytest.raises(IntegrityError, match="never change"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [pk])


# ---- Nothing of it left anywhere ----


def _tables_containing(needle: str) -> list[str]:
    """Every table of the database whose rows, cast to text, contain `needle`."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*) FROM {quoted} AS t WHERE t::text LIKE %s",  # noqa: S608
                [f"%{needle}%"],
            )
            if cursor.fetchone()[0]:
                found.append(table)
    return found


def test_no_table_keeps_the_withdrawn_email_address_or_phone_number(
    corrected, secretariat_user, second_secretariat_user
) -> None:
    if not _is_postgresql():
        pytest.skip("casts each row to text in PostgreSQL: set DATABASE_URL to run this")
    # Copies of it: a PDF made before the withdrawal, and an e-mail quoting it.
    PublicationPdf.objects.create(publication=corrected, content=publication_pdf_render(corrected))
    email_queue(
        idempotency_key="test:quote", to=["editor@example.org"], subject="Draft", body=PLANTED
    )
    for needle in (EMAIL, PHONE):
        assert _tables_containing(needle), f"the test planted {needle} nowhere"

    _withdraw(corrected, secretariat_user, second_secretariat_user)

    for needle in (EMAIL, PHONE, PLANTED):
        assert _tables_containing(needle) == [], needle


# ---- Public pages ----


@pytest.fixture
def withdrawn(corrected, secretariat_user, second_secretariat_user):
    _withdraw(corrected, secretariat_user, second_secretariat_user)
    corrected.refresh_from_db()
    return corrected


def test_the_withdrawn_revision_page_shows_the_notice(withdrawn, anonymous_client) -> None:
    notice = withdrawn.content["withdrawn"]["notice"]
    page = anonymous_client.get(reverse("reports:edition-revision", args=["2014-12", 1]))
    assert page.status_code == 200
    text = page.content.decode()
    assert notice in text
    assert EMAIL not in text and PHONE not in text
    assert "govuk-notification-banner" in text

    current = anonymous_client.get(reverse("reports:edition-detail", args=["2014-12"]))
    assert "Withdrawn " in current.content.decode()  # the change history says so, with the date
    assert EMAIL not in current.content.decode()


def test_a_withdrawn_current_revision_shows_the_notice_in_every_format(
    role_groups, secretariat_user, second_secretariat_user, anonymous_client
) -> None:
    edition = QuarterlyUpdateFactory(slug="2014-12", foreword=FOREWORD)
    ProgressUpdateFactory(edition=edition, text=PLANTED)
    publication = publish_for_test(edition, warnings_accepted=True)
    etag_before = anonymous_client.get(reverse("reports:edition-json", args=["2014-12"]))["ETag"]
    dataset_before = anonymous_client.get("/data/progress-updates.csv")
    assert EMAIL in dataset_before.content.decode()
    _withdraw(publication, secretariat_user, second_secretariat_user)
    publication.refresh_from_db()
    notice = publication.content["withdrawn"]["notice"]

    page = anonymous_client.get(reverse("reports:edition-detail", args=["2014-12"]))
    assert notice in page.content.decode() and EMAIL not in page.content.decode()

    data = anonymous_client.get(reverse("reports:edition-json", args=["2014-12"]))
    assert data["ETag"] != etag_before
    document = json.loads(data.content)
    assert document["withdrawn"]["notice"] == notice
    assert EMAIL not in data.content.decode() and PHONE not in data.content.decode()

    dataset = anonymous_client.get(
        "/data/progress-updates.csv", headers={"If-None-Match": dataset_before["ETag"]}
    )
    assert dataset.status_code == 200  # never a 304 that keeps the old file in a cache
    assert EMAIL not in dataset.content.decode()

    feed = anonymous_client.get(reverse("reports:edition-feed"))
    assert notice in feed.content.decode() and EMAIL not in feed.content.decode()


def test_a_withdrawn_revision_leaves_search_and_the_kept_pages_at_once(
    settings, role_groups, secretariat_user, second_secretariat_user, anonymous_client
) -> None:
    settings.PUBLICATION_PAGES_KEPT = 200
    edition = QuarterlyUpdateFactory(slug="2014-12", foreword=FOREWORD)
    ProgressUpdateFactory(edition=edition, text=PLANTED)
    publication = publish_for_test(edition, warnings_accepted=True)
    found = anonymous_client.get("/search/", {"q": "survivor reached"})
    home = anonymous_client.get("/")
    assert found.context["results"].count == 1

    _withdraw(publication, secretariat_user, second_secretariat_user)

    assert anonymous_client.get("/search/", {"q": "survivor reached"}).context["results"].count == 0
    assert not SearchPassage.objects.filter(text__contains=EMAIL).exists()
    # The home page kept from before is not served again, nor a 304 for the old copy.
    revalidated = anonymous_client.get("/", headers={"If-None-Match": home["ETag"]})
    assert revalidated.status_code == 200


def test_the_pdf_of_a_withdrawn_revision_is_the_notice(withdrawn) -> None:
    pdf = publication_pdf_render(withdrawn)
    assert pdf.startswith(b"%PDF")
    import io

    from pypdf import PdfReader  # the PDF tests' reader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "withdrawn" in text
    assert EMAIL not in text


# ---- The admin ----


def test_the_admin_asks_for_a_reason_then_a_second_person_confirms(
    corrected, secretariat_client, secretariat_user, second_secretariat_user
) -> None:
    request_url = reverse("admin:reports_publication_withdraw", args=[corrected.pk])
    confirm_url = reverse("admin:reports_publication_withdraw_confirm", args=[corrected.pk])
    change_url = reverse("admin:reports_publication_change", args=[corrected.pk])

    assert secretariat_client.get(request_url).status_code == 200
    refused = secretariat_client.post(request_url, {"reason": "  "})
    assert refused.status_code == 200
    assert "There is a problem" in refused.content.decode()
    assert "Enter why this revision must be withdrawn" in refused.content.decode()
    assert not PublicationWithdrawal.objects.exists()

    response = secretariat_client.post(request_url, {"reason": "It gave a phone number."})
    assert response.status_code == 302 and response["Location"] == change_url
    change_page = secretariat_client.get(change_url).content.decode()
    assert "Requested by" in change_page and "It gave a phone number." in change_page
    assert "Confirm withdrawal" in change_page

    # The requester sees the request, no button, and cannot confirm it by posting.
    own = secretariat_client.get(confirm_url)
    assert own.status_code == 200
    assert 'value="Confirm withdrawal"' not in own.content.decode()
    posted = secretariat_client.post(confirm_url)
    assert posted.status_code == 200
    assert "someone else" in posted.content.decode()
    corrected.refresh_from_db()
    assert corrected.withdrawn_at is None

    second = Client()
    second.force_login(second_secretariat_user)
    assert 'value="Confirm withdrawal"' in second.get(confirm_url).content.decode()
    assert second.post(confirm_url)["Location"] == change_url
    corrected.refresh_from_db()
    assert corrected.withdrawn_at is not None
    change_page = second.get(change_url).content.decode()
    assert "Confirmed by" in change_page
    assert EMAIL not in change_page
    # Asking again: it is withdrawn already.
    assert second.get(request_url)["Location"] == change_url


def test_people_without_the_permission_cannot_reach_the_withdrawal_pages(
    corrected, chairs_office_client
) -> None:
    for name in (
        "admin:reports_publication_withdraw",
        "admin:reports_publication_withdraw_confirm",
    ):
        assert chairs_office_client.get(reverse(name, args=[corrected.pk])).status_code == 403


def test_the_changes_page_shows_the_notice_instead_of_a_comparison(
    role_groups, secretariat_user, second_secretariat_user, anonymous_client
) -> None:
    earlier = QuarterlyUpdateFactory(slug="2014-12")
    bullet = ProgressUpdateFactory(edition=earlier, text="The first update's progress.")
    publish_for_test(earlier)
    later = QuarterlyUpdateFactory(slug="2015-03")
    ProgressUpdateFactory(edition=later, recommendation=bullet.recommendation, text=PLANTED)
    publication = publish_for_test(later, warnings_accepted=True)
    changes_url = reverse("reports:edition-changes", args=["2015-03"])
    assert PLANTED in anonymous_client.get(changes_url).content.decode()

    _withdraw(publication, secretariat_user, second_secretariat_user)
    publication.refresh_from_db()

    page = anonymous_client.get(changes_url).content.decode()
    assert publication.content["withdrawn"]["notice"] in page
    assert EMAIL not in page and "Removed bullets" not in page


def test_the_withdrawals_list_names_who_asked_and_who_confirmed(
    corrected, secretariat_user, second_secretariat_user, secretariat_client
) -> None:
    _withdraw(corrected, secretariat_user, second_secretariat_user)
    page = secretariat_client.get(reverse("admin:reports_publicationwithdrawal_changelist"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bullet gave a phone number." in text and "Withdrawn" in text
