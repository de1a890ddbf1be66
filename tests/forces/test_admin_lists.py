"""The secretariat's lists of reviews and ratings: newest first, so that what came in last is
at the top, and in an order PostgreSQL reads from an index rather than sorting every row."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forces.admin import AreaRatingAdmin, PlanActionAdmin
from forces.models import AreaRating, PlanModeration, PlanReview, ReviewAssignment
from tests.forces.factories import (
    ForceFactory,
    PlanActionFactory,
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


def test_the_largest_lists_count_no_further_than_their_limit(
    secretariat_client, reviews, monkeypatch
) -> None:
    ratings = AreaRating.objects.filter(review__status=PlanReview.Status.SUBMITTED).count()
    url = reverse("admin:forces_arearating_changelist")
    assert f"{ratings} area ratings" in secretariat_client.get(url).content.decode()

    monkeypatch.setattr(AreaRatingAdmin, "count_limit", ratings - 2)
    with CaptureQueriesContext(connection) as queries:
        page = secretariat_client.get(url).content.decode()
    assert f"More than {ratings - 2} area ratings: filter or search to find fewer" in page
    [count] = [query["sql"] for query in queries if "COUNT(*)" in query["sql"]]
    assert f"LIMIT {ratings - 1}" in count  # the rows past the limit are never read

    # A search counts exactly, as its "N results" says.
    searched = secretariat_client.get(url, {"q": "Cleveland"})
    assert searched.context["cl"].result_count == len(working_group_areas())
    assert "More than" not in searched.content.decode()


def test_reviews_are_filtered_by_date_without_listing_every_year(
    secretariat_client, reviews
) -> None:
    SubmittedPlanReviewFactory(
        plan=ProvidedActionPlanFactory(force=ForceFactory(name="Durham", slug="durham")),
        submitted_at=timezone.now() - datetime.timedelta(days=30),
    )
    with CaptureQueriesContext(connection) as queries:
        page = secretariat_client.get(reverse("admin:forces_planreview_changelist"))
    assert "Past 7 days" in page.content.decode()
    assert not [query for query in queries if "DISTINCT" in query["sql"]]

    past_week = re.search(
        r'href="(\?submitted_at__gte=[^"]+)"[^>]*>\s*Past 7 days', page.content.decode()
    )
    recent = secretariat_client.get(
        reverse("admin:forces_planreview_changelist") + html.unescape(past_week[1])
    )
    names = [review.plan.force.name for review in recent.context["cl"].result_list]
    assert names == ["Cleveland", "Bedfordshire", "Avon"]


def test_assignments_are_listed_latest_due_first(secretariat_client, reviews) -> None:
    today = timezone.localdate()
    for review, days in zip(reviews, (10, 30, 20), strict=True):
        ReviewAssignment.objects.create(
            plan=review.plan, reviewer=review.reviewer, due_on=today + datetime.timedelta(days)
        )

    names = [
        assignment.plan.force.name for assignment in listed(secretariat_client, "reviewassignment")
    ]

    assert names == ["Avon", "Bedfordshire", "Cleveland"]


def _moderations(reviews) -> list[PlanModeration]:
    """Moderated outcomes decided in an order that runs against their forces' names."""
    now = timezone.now()
    return [
        PlanModeration.objects.create(
            plan=review.plan,
            overall_judgement="good",
            leadership_rating="fully",
            note="Agreed.",
            decided_by=review.reviewer,
            decided_at=now - datetime.timedelta(days=days),
        )
        for review, days in zip(reviews, (1, 3, 2), strict=True)
    ]


def test_moderated_outcomes_are_listed_latest_decision_first(secretariat_client, reviews) -> None:
    moderations = _moderations(reviews)

    # Cleveland's (a day ago), Bedfordshire's, Avon's: not the forces' alphabetical order.
    assert listed(secretariat_client, "planmoderation") == [
        moderations[0],
        moderations[2],
        moderations[1],
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plans")
@pytest.mark.parametrize(
    ("model", "index"),
    [("reviewreopening", "reopening_newest_first"), ("planmoderation", "moderation_newest_first")],
)
def test_the_lists_newest_first_are_read_along_an_index(
    secretariat_client, reviews, model, index
) -> None:
    ReviewReopeningFactory(review=reviews[0])
    _moderations(reviews)
    with connection.cursor() as cursor:
        # With sorting ruled out, the plan shows whether an index gives the list's order.
        cursor.execute("SET LOCAL enable_sort = off")
    response = secretariat_client.get(reverse(f"admin:forces_{model}_changelist"))
    sql, params = response.context["cl"].result_list.query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert index in plan, plan


def test_a_list_with_actions_offers_select_all_only_with_an_exact_count(
    secretariat_client, monkeypatch
) -> None:
    plan = ProvidedActionPlanFactory()
    PlanActionFactory.create_batch(5, plan=plan)
    monkeypatch.setattr(PlanActionAdmin, "list_per_page", 2)
    url = reverse("admin:forces_planaction_changelist")

    exact = secretariat_client.get(url).content.decode()
    monkeypatch.setattr(PlanActionAdmin, "count_limit", 3)
    bounded = secretariat_client.get(url).content.decode()

    assert "5 plan actions" in exact and "Select all 5 plan actions" in exact
    assert "select the objects across all pages" in exact
    assert "More than 3 plan actions: filter or search to find fewer" in bounded
    assert "select the objects across all pages" not in bounded
    assert not re.search(r"Select all \d", bounded)
    assert "0 of 2 selected" in bounded  # the page's own selection still counts


def test_a_list_reads_none_of_the_long_text_it_does_not_show(secretariat_client, reviews) -> None:
    reopening = ReviewReopeningFactory(
        review=reviews[0], reason="Please rate Risk Assessment again"
    )

    with CaptureQueriesContext(connection) as queries:
        assert listed(secretariat_client, "reviewreopening") == [reopening]
    [rows] = [q["sql"] for q in queries if 'FROM "forces_reviewreopening" INNER JOIN' in q["sql"]]
    change_page = secretariat_client.get(
        reverse("admin:forces_reviewreopening_change", args=[reopening.pk])
    )

    assert '"forces_reviewreopening"."reason"' not in rows
    assert '"forces_planreview"."strengths"' not in rows
    assert '"forces_actionplan"."tallied"' not in rows
    assert "Please rate Risk Assessment again" in change_page.content.decode()
