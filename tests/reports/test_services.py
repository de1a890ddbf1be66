"""Publishing an edition and correcting it: what is frozen, and what stops it."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from oversight.permissions import SECRETARIAT
from reports.models import ProgressUpdate, Publication, QuarterlyUpdate
from reports.services import (
    PublishRefused,
    edition_body_render,
    edition_correction_start,
    edition_publish,
    edition_publish_check,
)
from reports.snapshot import edition_snapshot
from tests.oversight.factories import StaffUserFactory
from tests.reports.factories import (
    ProgressUpdateFactory,
    PublicationFactory,
    ReadyToPublishQuarterlyUpdateFactory,
)
from tests.reports.publishing import approve_for_test

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher(role_groups):
    user = StaffUserFactory(username="publisher")
    user.groups.add(role_groups[SECRETARIAT])
    return user


@pytest.fixture
def draft() -> QuarterlyUpdate:
    return ReadyToPublishQuarterlyUpdateFactory()


def test_publishing_a_complete_draft_freezes_its_content(draft, publisher) -> None:
    content_then = edition_snapshot(draft)
    before = timezone.now()

    publication = edition_publish(edition=approve_for_test(draft), published_by=publisher)

    draft.refresh_from_db()
    assert publication.revision == 1
    assert publication.change_note == ""
    assert publication.content == content_then
    assert publication.body_html == edition_body_render(content_then)
    assert draft.bullets.get().text in publication.body_html
    assert publication.published_by == publisher
    assert before <= publication.published_at <= timezone.now()
    assert draft.status == QuarterlyUpdate.Status.PUBLISHED
    assert (draft.published_at, draft.published_by) == (publication.published_at, publisher)


def test_later_edits_never_reach_the_publication(draft, publisher) -> None:
    publication = edition_publish(edition=approve_for_test(draft), published_by=publisher)
    frozen = (publication.content, publication.body_html)

    draft.bullets.update(text="Changed after publishing.")

    publication.refresh_from_db()
    assert (publication.content, publication.body_html) == frozen


def test_the_publication_time_can_be_given_for_an_old_edition(draft) -> None:
    published_at = datetime.datetime(2014, 12, 1, tzinfo=datetime.UTC)

    publication = edition_publish(
        edition=approve_for_test(draft), published_by=None, published_at=published_at
    )

    assert publication.published_at == published_at
    assert publication.published_by is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"foreword": ""}, "Write the foreword: the words that open the update."),
        (
            {"signatory_name": ""},
            "Enter who signs the foreword, for example “The Rt Hon Theresa May MP”.",
        ),
        (
            {"signatory_role": ""},
            "Enter the role of who signs the foreword, for example “Home Secretary”.",
        ),
    ],
)
def test_a_missing_part_of_the_foreword_refuses_publishing(draft, change, message) -> None:
    QuarterlyUpdate.objects.filter(pk=draft.pk).update(**change)

    with pytest.raises(PublishRefused) as refused:
        edition_publish(edition=approve_for_test(draft), published_by=None)

    assert refused.value.problems == [message]
    _assert_not_published(draft)


def test_a_section_without_bullets_refuses_publishing(draft) -> None:
    recommendation = draft.bullets.get().recommendation
    draft.bullets.all().delete()

    with pytest.raises(PublishRefused) as refused:
        edition_publish(edition=approve_for_test(draft), published_by=None)

    assert refused.value.problems == [
        f"Add progress for Recommendation {recommendation.number} ({recommendation.title}): "
        "at least one bullet, or one with the source “No update this quarter”."
    ]
    _assert_not_published(draft)


def test_a_section_with_no_update_this_quarter_is_published(draft) -> None:
    bullet = draft.bullets.get()
    bullet.source, bullet.text = ProgressUpdate.Source.NO_UPDATE, ""
    bullet.save()

    publication = edition_publish(edition=approve_for_test(draft), published_by=None)

    [section] = publication.content["sections"]
    assert section["bullets"] == [{"text": "No update this quarter.", "points": []}]


def test_personal_data_refuses_publishing_unless_accepted(draft, publisher) -> None:
    ProgressUpdateFactory(
        edition=draft,
        recommendation=draft.bullets.get().recommendation,
        text="Mrs Smith can be reached on 07700 900123.",
    )

    with pytest.raises(PublishRefused) as refused:
        edition_publish(edition=approve_for_test(draft), published_by=publisher)

    assert refused.value.problems == []
    assert [warning.found for warning in refused.value.warnings] == ["07700 900123", "Mrs Smith"]
    _assert_not_published(draft)

    publication = edition_publish(
        edition=approve_for_test(draft), published_by=publisher, warnings_accepted=True
    )

    assert publication.revision == 1


def test_the_publish_check_says_what_publishing_would_refuse_and_changes_nothing(draft) -> None:
    draft.signatory_role = ""
    draft.save()
    ProgressUpdateFactory(
        edition=draft,
        recommendation=draft.bullets.get().recommendation,
        text="Call 07700 900123.",
    )
    approve_for_test(draft)

    check = edition_publish_check(edition=draft)
    with pytest.raises(PublishRefused) as refused:
        edition_publish(edition=approve_for_test(draft), published_by=None, warnings_accepted=True)

    assert [problem.field for problem in check.problems] == ["signatory_role"]
    assert [warning.found for warning in check.warnings] == ["07700 900123"]
    assert refused.value.problems == check.problems
    _assert_not_published(draft)


def test_the_publish_check_of_a_published_edition_says_start_a_correction(draft) -> None:
    edition_publish(edition=approve_for_test(draft), published_by=None)
    draft.refresh_from_db()

    check = edition_publish_check(edition=draft)

    assert check.problems == ["This edition is already published. Start a correction to change it."]
    assert check.warnings == []


def test_a_published_edition_cannot_be_published_again(draft) -> None:
    edition_publish(edition=approve_for_test(draft), published_by=None)

    with pytest.raises(PublishRefused) as refused:
        edition_publish(edition=approve_for_test(draft), published_by=None)

    assert refused.value.problems == [
        "This edition is already published. Start a correction to change it."
    ]
    assert draft.publications.count() == 1


def test_only_a_published_edition_can_be_corrected(draft, publisher) -> None:
    with pytest.raises(PublishRefused, match="Only a published edition can be corrected"):
        edition_correction_start(edition=draft, started_by=publisher)


def test_a_correction_makes_a_new_revision_and_keeps_the_first(draft, publisher) -> None:
    first = edition_publish(edition=approve_for_test(draft), published_by=publisher)
    first_published = Publication.objects.values().get(pk=first.pk)

    edition_correction_start(edition=draft, started_by=publisher)
    draft.refresh_from_db()
    assert draft.status == QuarterlyUpdate.Status.CORRECTING
    draft.bullets.update(text="The second meeting was held on 4 September.")

    with pytest.raises(PublishRefused) as refused:
        edition_publish(edition=approve_for_test(draft), published_by=publisher, change_note="  ")
    assert refused.value.problems == ["Enter a change note saying what this correction changed."]

    corrector = StaffUserFactory(username="corrector")
    corrector.groups.add(Group.objects.get(name=SECRETARIAT))
    second = edition_publish(
        edition=approve_for_test(draft),
        published_by=corrector,
        change_note="Corrected the date of the meeting.",
    )

    draft.refresh_from_db()
    assert second.revision == 2
    assert second.change_note == "Corrected the date of the meeting."
    assert "4 September" in second.body_html
    assert second.published_by == corrector
    assert draft.status == QuarterlyUpdate.Status.PUBLISHED
    # The edition keeps when, and by whom, it was first published.
    assert (draft.published_at, draft.published_by) == (first.published_at, publisher)
    assert Publication.objects.values().get(pk=first.pk) == first_published


def test_the_december_2014_edition_is_published_by_its_load() -> None:
    call_command("load_hmic_2014", stdout=StringIO())

    publication = Publication.objects.get(edition__slug="2014-12")

    assert publication.revision == 1
    assert publication.published_by is None
    # Signed off in 2014, outside the service: recorded as such, naming nobody.
    steps = list(publication.edition.signoff_steps.values_list("action", "user", "at"))
    assert steps == [
        ("historical", None, publication.published_at),
        ("published", None, publication.published_at),
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_change_or_delete_a_publication() -> None:
    publication = PublicationFactory()

    refused = "Published editions never change"
    with pytest.raises(IntegrityError, match=refused), transaction.atomic():
        Publication.objects.filter(pk=publication.pk).update(change_note="Rewritten.")
    with pytest.raises(IntegrityError, match=refused), transaction.atomic():
        Publication.objects.filter(pk=publication.pk).delete()

    publication.refresh_from_db()
    assert publication.change_note == ""


def _assert_not_published(edition: QuarterlyUpdate) -> None:
    edition.refresh_from_db()
    assert edition.status == QuarterlyUpdate.Status.DRAFT
    assert not edition.publications.exists()
