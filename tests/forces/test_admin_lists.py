"""The secretariat's lists of reviews and ratings: newest first, so that what came in last is
at the top, and in an order PostgreSQL reads from an index rather than sorting every row."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from forces.models import PlanReview
from tests.forces.factories import (
    ForceFactory,
    ProvidedActionPlanFactory,
    ReviewReopeningFactory,
    SubmittedPlanReviewFactory,
    working_group_areas,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviews() -> list[PlanReview]:
    """Three submitted reviews, of forces whose names run against the order they came in."""
    working_group_areas()
    now = timezone.now()
    return [
        SubmittedPlanReviewFactory(
            plan=ProvidedActionPlanFactory(force=ForceFactory(name=name, slug=name.lower())),
            submitted_at=now - datetime.timedelta(days=days),
        )
        for name, days in (("Cleveland", 1), ("Avon", 3), ("Bedfordshire", 2))
    ]


def listed(client, model: str) -> list:
    response = client.get(reverse(f"admin:forces_{model}_changelist"))
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_submitted_reviews_are_listed_newest_first(secretariat_client, reviews) -> None:
    names = [review.plan.force.name for review in listed(secretariat_client, "planreview")]

    assert names == ["Cleveland", "Bedfordshire", "Avon"]


def test_area_ratings_are_listed_newest_review_first(secretariat_client, reviews) -> None:
    ratings = listed(secretariat_client, "arearating")

    assert [rating.review for rating in ratings[:: len(working_group_areas())]] == [
        reviews[2],
        reviews[1],
        reviews[0],
    ]


def test_reopenings_are_listed_newest_first(secretariat_client, reviews) -> None:
    now = timezone.now()
    older = ReviewReopeningFactory(review=reviews[1], reopened_at=now - datetime.timedelta(days=2))
    newer = ReviewReopeningFactory(review=reviews[0], reopened_at=now)

    assert listed(secretariat_client, "reviewreopening") == [newer, older]
