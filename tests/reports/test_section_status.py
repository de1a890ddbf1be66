"""Each recommendation's status per edition: the rule on reasons, what the snapshot freezes, the
public tags, and the recommendation's own status following its latest published edition."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from recommendations.models import Recommendation
from reports.models import SectionStatus
from reports.services import edition_correction_start
from reports.snapshot import edition_snapshot
from tests.oversight.factories import HeldMeetingFactory
from tests.recommendations.factories import RecommendationFactory
from tests.reports.factories import (
    ProgressUpdateFactory,
    QuarterlyUpdateFactory,
    SectionStatusFactory,
)
from tests.reports.publishing import publish_for_test

pytestmark = pytest.mark.django_db


def _edition(period: datetime.date, recommendation: Recommendation, **status):
    edition = QuarterlyUpdateFactory(period=period, slug=period.strftime("%Y-%m"))
    ProgressUpdateFactory(edition=edition, recommendation=recommendation)
    if status:
        SectionStatusFactory(edition=edition, recommendation=recommendation, **status)
    return edition


def _status_of(content, number: int) -> dict:
    return next(
        rec
        for section in content["sections"]
        for rec in section["recommendations"]
        if rec["number"] == number
    )


@pytest.mark.parametrize("confidence", ["at_risk", "off_track"])
def test_at_risk_or_off_track_needs_a_reason(confidence) -> None:
    row = SectionStatus(
        edition=QuarterlyUpdateFactory(),
        recommendation=RecommendationFactory(),
        status="in_progress",
        confidence=confidence,
        reason="   ",
    )

    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert "reason" in error.value.message_dict

    row.reason = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()  # the database refuses it too


def test_on_track_or_no_confidence_needs_no_reason() -> None:
    edition, recommendation = QuarterlyUpdateFactory(), RecommendationFactory()
    SectionStatus(
        edition=edition, recommendation=recommendation, confidence="on_track"
    ).full_clean()
    SectionStatus(edition=edition, recommendation=recommendation).full_clean()


def test_one_status_per_recommendation_per_edition() -> None:
    first = SectionStatusFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        SectionStatusFactory(edition=first.edition, recommendation=first.recommendation)


def test_the_snapshot_freezes_the_status_set_in_the_edition() -> None:
    recommendation = RecommendationFactory(number=1)
    edition = _edition(
        datetime.date(2015, 3, 1),
        recommendation,
        status="in_progress",
        confidence="at_risk",
        reason="Training for call handlers starts in April.",
    )

    assert _status_of(edition_snapshot(edition), 1) == {
        "number": 1,
        "title": recommendation.title,
        "text": recommendation.text,
        "status": "in_progress",
        "status_label": "In progress",
        "confidence": "at_risk",
        "confidence_label": "At risk",
        "status_reason": "Training for call handlers starts in April.",
        "addressed_to": [],
        "due_by": None,
    }


def test_without_a_status_the_previous_published_editions_carries_on_else_not_started() -> None:
    recommendation = RecommendationFactory(number=1, status="not_started")
    first = _edition(datetime.date(2014, 12, 1), recommendation)
    assert _status_of(edition_snapshot(first), 1)["status"] == "not_started"
    march = _edition(
        datetime.date(2015, 3, 1), recommendation, status="complete", confidence="on_track"
    )
    publish_for_test(march)

    june = _edition(datetime.date(2015, 6, 1), recommendation)

    status = _status_of(edition_snapshot(june), 1)
    # The delivery status carries on; confidence is each edition's own judgement.
    assert (status["status"], status["status_label"]) == ("complete", "Complete")
    assert (status["confidence"], status["confidence_label"], status["status_reason"]) == (
        "",
        "",
        "",
    )


def test_the_public_page_shows_the_status_and_confidence_as_tags(anonymous_client) -> None:
    recommendation = RecommendationFactory(number=1)
    edition = _edition(
        datetime.date(2015, 3, 1),
        recommendation,
        status="in_progress",
        confidence="off_track",
        reason="The pilot was postponed.",
    )
    publish_for_test(edition)

    page = anonymous_client.get(edition.get_absolute_url()).content.decode()

    assert '<strong class="govuk-tag govuk-tag--blue">In progress</strong>' in page
    assert (
        '<strong class="govuk-tag govuk-tag--red"><span class="govuk-visually-hidden">'
        "Confidence: </span>Off track</strong>"
    ) in page
    assert "The pilot was postponed." in page


def test_the_snapshot_and_page_name_the_meeting_reported_on(anonymous_client) -> None:
    recommendation = RecommendationFactory(number=1)
    edition = _edition(datetime.date(2015, 3, 1), recommendation)
    edition.reports_on_meeting = HeldMeetingFactory(date=datetime.date(2015, 2, 10))
    edition.save()

    publication = publish_for_test(edition)

    assert publication.content["reports_on_meeting"] == {
        "date": "2015-02-10",
        "label": "10 February 2015",
    }
    page = anonymous_client.get(edition.get_absolute_url()).content.decode()
    assert '<dt class="app-metadata__term">Reports on</dt>' in page
    assert "the group's meeting of 10 February 2015</dd>" in page


def test_publishing_sets_each_recommendations_own_status() -> None:
    recommendation = RecommendationFactory(number=1, status="not_started")
    march = _edition(datetime.date(2015, 3, 1), recommendation, status="in_progress")

    publish_for_test(march)

    recommendation.refresh_from_db()
    assert recommendation.status == "in_progress"
    assert recommendation.history.first().status == "in_progress"  # recorded, who and when


def test_a_correction_to_an_older_edition_leaves_the_newer_status(secretariat_user) -> None:
    recommendation = RecommendationFactory(number=1)
    march = _edition(datetime.date(2015, 3, 1), recommendation, status="in_progress")
    publish_for_test(march)
    june = _edition(datetime.date(2015, 6, 1), recommendation, status="complete")
    publish_for_test(june)
    march.refresh_from_db()
    edition_correction_start(edition=march, started_by=secretariat_user)
    march.section_statuses.update(status="not_started")
    publish_for_test(march, change_note="Corrected the status.")

    recommendation.refresh_from_db()
    assert recommendation.status == "complete"
