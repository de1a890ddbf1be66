"""Four eyes: ready for sign-off, approved by someone else (exact content), or sent back."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from oversight.permissions import SECRETARIAT
from reports.models import EditionSignOffStep, ProgressUpdate, QuarterlyUpdate
from reports.services import (
    APPROVED_BY_PREPARER,
    CHANGED_SINCE_APPROVAL,
    NO_PUBLISH_PERMISSION,
    NOT_APPROVED,
    BulletEdit,
    PublishRefused,
    SignOffRefused,
    edition_approve,
    edition_content_changed,
    edition_correction_start,
    edition_fingerprint,
    edition_mark_ready,
    edition_publish,
    edition_section_save,
    edition_send_back,
)
from tests.oversight.factories import StaffUserFactory
from tests.reports.factories import ProgressUpdateFactory, ReadyToPublishQuarterlyUpdateFactory
from tests.reports.publishing import publish_for_test

pytestmark = pytest.mark.django_db
SignOff = QuarterlyUpdate.SignOff
Action = EditionSignOffStep.Action


@pytest.fixture
def draft() -> QuarterlyUpdate:
    return ReadyToPublishQuarterlyUpdateFactory()


@pytest.fixture
def ready(draft, secretariat_user) -> QuarterlyUpdate:
    return edition_mark_ready(edition=draft, marked_by=secretariat_user)


@pytest.fixture
def preparer_who_may_approve(secretariat_user) -> StaffUserFactory:
    """The worst case for four eyes: the preparer holds the approve permission too."""
    secretariat_user.user_permissions.add(
        Permission.objects.get(codename="approve_quarterlyupdate")
    )
    return type(secretariat_user).objects.get(pk=secretariat_user.pk)  # no permission cache


def url(view: str, edition: QuarterlyUpdate) -> str:
    return reverse(f"admin:reports_quarterlyupdate_{view}", args=[edition.pk])


def steps(edition: QuarterlyUpdate) -> list[tuple[str, str | None]]:
    return [
        (step.action, step.user.username if step.user else None)
        for step in edition.signoff_steps.select_related("user").order_by("at", "pk")
    ]


# ---- The services ----


def test_marking_ready_records_who_and_the_exact_content(draft, secretariat_user) -> None:
    edition = edition_mark_ready(edition=draft, marked_by=secretariat_user)

    assert edition.signoff_status == SignOff.READY
    assert edition.ready_by == secretariat_user
    assert edition.signoff_hash == edition_fingerprint(draft)
    assert len(edition.signoff_hash) == 64
    [step] = edition.signoff_steps.all()
    assert (step.action, step.user, step.snapshot_hash) == (
        Action.READY,
        secretariat_user,
        edition.signoff_hash,
    )


def test_a_different_person_in_the_chairs_office_approves(ready, chairs_office_user) -> None:
    edition = edition_approve(edition=ready, approved_by=chairs_office_user)

    assert edition.signoff_status == SignOff.APPROVED
    assert steps(edition) == [("ready", "secretariat-staff"), ("approved", "chairs-office")]


def test_the_preparer_can_never_approve_their_own_edition(ready, preparer_who_may_approve) -> None:
    with pytest.raises(SignOffRefused, match="someone else must approve it"):
        edition_approve(edition=ready, approved_by=preparer_who_may_approve)

    ready.refresh_from_db()
    assert ready.signoff_status == SignOff.READY
    assert steps(ready) == [("ready", "secretariat-staff")]


def test_the_secretariat_cannot_approve(draft, secretariat_user, chairs_office_user) -> None:
    other = StaffUserFactory(username="other-secretariat")
    other.groups.add(secretariat_user.groups.get(name=SECRETARIAT))
    ready = edition_mark_ready(edition=draft, marked_by=secretariat_user)

    with pytest.raises(SignOffRefused, match="permission to approve"):
        edition_approve(edition=ready, approved_by=other)


def test_the_chairs_office_cannot_mark_ready_or_publish(draft, chairs_office_user) -> None:
    with pytest.raises(SignOffRefused, match="permission to mark"):
        edition_mark_ready(edition=draft, marked_by=chairs_office_user)


def test_only_a_ready_edition_can_be_approved(draft, chairs_office_user) -> None:
    with pytest.raises(SignOffRefused, match="not waiting for sign-off"):
        edition_approve(edition=draft, approved_by=chairs_office_user)


def test_sending_back_needs_a_comment_and_returns_to_draft(ready, chairs_office_user) -> None:
    with pytest.raises(SignOffRefused, match="Enter a comment"):
        edition_send_back(edition=ready, sent_back_by=chairs_office_user, comment="  ")

    edition = edition_send_back(
        edition=ready, sent_back_by=chairs_office_user, comment="Add the June meeting."
    )

    assert (edition.signoff_status, edition.ready_by, edition.signoff_hash) == (
        SignOff.DRAFT,
        None,
        "",
    )
    assert steps(edition) == [("ready", "secretariat-staff"), ("sent_back", "chairs-office")]
    assert edition.signoff_steps.get(action=Action.SENT_BACK).comment == "Add the June meeting."


def test_content_changed_after_marking_ready_is_never_approved(ready, chairs_office_user) -> None:
    ready.bullets.update(text="Changed behind the preparer's back.")

    with pytest.raises(SignOffRefused, match="back to draft"):
        edition_approve(edition=ready, approved_by=chairs_office_user)

    ready.refresh_from_db()
    assert ready.signoff_status == SignOff.DRAFT
    assert steps(ready)[-1] == ("changed", "chairs-office")


def test_an_edit_after_approval_sends_the_edition_back_to_draft(ready, chairs_office_user) -> None:
    edition = edition_approve(edition=ready, approved_by=chairs_office_user)
    assert not edition_content_changed(edition=edition, changed_by=None)  # nothing changed

    edition.bullets.update(text="Changed after approval.")

    assert edition_content_changed(edition=edition, changed_by=None)
    edition.refresh_from_db()
    assert edition.signoff_status == SignOff.DRAFT
    assert steps(edition)[-1] == ("changed", None)


def test_saving_a_section_after_approval_sends_the_edition_back_to_draft(
    ready, chairs_office_user, secretariat_user
) -> None:
    edition = edition_approve(edition=ready, approved_by=chairs_office_user)
    bullet = edition.bullets.first()

    edition_section_save(
        edition=edition,
        lead=bullet.recommendation,
        statuses=[],
        bullets=[BulletEdit(bullet_id=bullet.pk, position=bullet.position, text="Reworded.")],
        saved_by=secretariat_user,
    )

    edition.refresh_from_db()
    assert edition.signoff_status == SignOff.DRAFT
    assert steps(edition)[-1] == ("changed", secretariat_user.username)


# ---- Publishing needs the approval, of this content, by someone else ----


def test_publishing_refuses_an_edition_not_approved(ready, secretariat_user) -> None:
    with pytest.raises(PublishRefused) as refused:
        edition_publish(edition=ready, published_by=secretariat_user)

    assert refused.value.problems == [NOT_APPROVED]
    assert not ready.publications.exists()


def test_publishing_refuses_content_changed_after_approval(
    ready, chairs_office_user, secretariat_user
) -> None:
    edition_approve(edition=ready, approved_by=chairs_office_user)
    # Not through the admin, so nothing sent it back: publishing still refuses.
    ProgressUpdate.objects.filter(edition=ready).update(text="Slipped in afterwards.")

    with pytest.raises(PublishRefused) as refused:
        edition_publish(edition=ready, published_by=secretariat_user)

    assert refused.value.problems == [CHANGED_SINCE_APPROVAL]
    assert not ready.publications.exists()


def test_publishing_refuses_an_approval_by_the_preparer(ready, secretariat_user) -> None:
    """However the approval got there (here: written to the database directly)."""
    QuarterlyUpdate.objects.filter(pk=ready.pk).update(signoff_status=SignOff.APPROVED)
    EditionSignOffStep.objects.create(
        edition=ready,
        action=Action.APPROVED,
        user=secretariat_user,
        at=timezone.now(),
        snapshot_hash=ready.signoff_hash,
    )

    with pytest.raises(PublishRefused) as refused:
        edition_publish(edition=ready, published_by=secretariat_user)

    assert refused.value.problems == [APPROVED_BY_PREPARER]


def test_publishing_refuses_a_user_without_the_permission(ready, chairs_office_user) -> None:
    edition_approve(edition=ready, approved_by=chairs_office_user)

    with pytest.raises(PublishRefused) as refused:
        edition_publish(edition=ready, published_by=chairs_office_user)

    assert refused.value.problems == [NO_PUBLISH_PERMISSION]
    assert not ready.publications.exists()


def test_publishing_records_its_step(ready, chairs_office_user, secretariat_user) -> None:
    edition = edition_approve(edition=ready, approved_by=chairs_office_user)

    edition_publish(edition=edition, published_by=secretariat_user)

    assert steps(edition) == [
        ("ready", "secretariat-staff"),
        ("approved", "chairs-office"),
        ("published", "secretariat-staff"),
    ]


def test_a_correction_is_signed_off_again_before_its_revision_is_published(
    draft, secretariat_user
) -> None:
    publish_for_test(draft, by=secretariat_user)
    edition_correction_start(edition=draft, started_by=secretariat_user)
    draft.refresh_from_db()
    assert (draft.status, draft.signoff_status) == (
        QuarterlyUpdate.Status.CORRECTING,
        SignOff.DRAFT,
    )
    draft.bullets.update(text="Corrected.")

    with pytest.raises(PublishRefused) as refused:
        edition_publish(edition=draft, published_by=secretariat_user, change_note="Fixed.")
    assert refused.value.problems == [NOT_APPROVED]

    publication = publish_for_test(draft, by=secretariat_user, change_note="Fixed.")

    assert publication.revision == 2
    assert [action for action, _ in steps(draft)] == [
        "ready", "approved", "published", "correction", "ready", "approved", "published",
    ]  # fmt: skip


# ---- Through the admin ----


def test_the_preparer_marks_ready_through_the_admin(secretariat_client, draft) -> None:
    response = secretariat_client.post(url("ready", draft))

    assert response["Location"] == url("change", draft)
    draft.refresh_from_db()
    assert draft.signoff_status == SignOff.READY
    page = secretariat_client.get(url("change", draft)).content.decode()
    assert "Marked ready for sign-off" in page  # the steps table
    assert url("signoff", draft) not in page  # the secretariat may not approve


def test_the_preparer_cannot_approve_through_the_admin(
    client, ready, preparer_who_may_approve
) -> None:
    client.force_login(preparer_who_may_approve)

    assert client.get(url("signoff", ready)).status_code == 403
    response = client.post(url("signoff", ready), {"decision": "approve"})

    assert response.status_code == 403
    ready.refresh_from_db()
    assert ready.signoff_status == SignOff.READY
    assert url("signoff", ready) not in client.get(url("change", ready)).content.decode()


def test_the_chairs_office_approves_through_the_admin(chairs_office_client, ready) -> None:
    page = chairs_office_client.get(url("change", ready)).content.decode()
    assert f'href="{url("signoff", ready)}"' in page

    response = chairs_office_client.get(url("signoff", ready))
    assert response.status_code == 200
    assert ready.bullets.first().text in response.content.decode()  # the exact content shown

    response = chairs_office_client.post(url("signoff", ready), {"decision": "approve"})

    assert response["Location"] == url("change", ready)
    ready.refresh_from_db()
    assert ready.signoff_status == SignOff.APPROVED
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Approved. It can now be published."
    ]


def test_sending_back_through_the_admin_needs_a_comment_and_keeps_the_choice(
    chairs_office_client, ready
) -> None:
    response = chairs_office_client.post(url("signoff", ready), {"decision": "send_back"})

    assert response.status_code == 200
    assert response.context["errors"] == [
        ("Enter a comment saying what needs to change.", "#id_comment")
    ]
    assert response.context["form"]["decision"].value() == "send_back"  # nothing chosen is lost

    response = chairs_office_client.post(
        url("signoff", ready), {"decision": "send_back", "comment": "Add the <b>June</b> date."}
    )

    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.signoff_status == SignOff.DRAFT
    page = chairs_office_client.get(url("change", ready)).content.decode()
    assert "Add the &lt;b&gt;June&lt;/b&gt; date." in page


def test_an_empty_decision_is_an_error_linked_to_the_first_option(
    chairs_office_client, ready
) -> None:
    response = chairs_office_client.post(url("signoff", ready), {})

    assert response.context["errors"] == [
        ("Choose whether to approve the edition or send it back.", "#id_decision_0")
    ]
    assert 'id="id_decision_0"' in response.content.decode()


def test_editing_an_approved_edition_in_the_admin_sends_it_back(
    secretariat_client, ready, chairs_office_user
) -> None:
    edition = edition_approve(edition=ready, approved_by=chairs_office_user)
    bullet = edition.bullets.get()

    response = secretariat_client.post(
        reverse("admin:reports_progressupdate_change", args=[bullet.pk]),
        {
            "edition": edition.pk,
            "recommendation": bullet.recommendation_id,
            "position": bullet.position,
            "source": bullet.source,
            "text": "Edited after approval.",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    edition.refresh_from_db()
    assert edition.signoff_status == SignOff.DRAFT
    assert any("back to draft" in str(m) for m in get_messages(response.wsgi_request))


def test_deleting_a_bullet_of_an_approved_edition_sends_it_back(
    secretariat_client, draft, secretariat_user, chairs_office_user
) -> None:
    extra = ProgressUpdateFactory(edition=draft, recommendation=draft.bullets.get().recommendation)
    edition = edition_mark_ready(edition=draft, marked_by=secretariat_user)
    edition_approve(edition=edition, approved_by=chairs_office_user)

    response = secretariat_client.post(
        reverse("admin:reports_progressupdate_delete", args=[extra.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.signoff_status == SignOff.DRAFT


def test_the_publish_page_of_an_unapproved_edition_says_why(secretariat_client, draft) -> None:
    response = secretariat_client.post(url("publish", draft))

    assert response.status_code == 200
    assert [str(message) for message, _ in response.context["errors"]] == [NOT_APPROVED]
    assert not draft.publications.exists()
