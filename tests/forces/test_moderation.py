"""Moderation: when two reviews disagree, and what the summary counts."""

import pytest
from django.core.exceptions import PermissionDenied

from forces.assignments import plan_moderation_record
from forces.models import PlanModeration, PlanReview, ReviewStatus
from forces.review_outcomes import LEADERSHIP, OVERALL, counted_ratings, reviews_disagree
from forces.selectors import PlanListFilters, plan_list_page, summary
from recommendations.models import Area
from tests.forces.factories import (
    PlanReviewFactory,
    ProvidedActionPlanFactory,
    SubmittedPlanReviewFactory,
    working_group_areas,
)

pytestmark = pytest.mark.django_db

Rating, Judgement = PlanReview.Rating, PlanReview.Judgement


@pytest.fixture
def areas(db) -> list[Area]:
    return working_group_areas()


def two_reviews(plan, first: dict | None = None, second: dict | None = None):
    return [
        SubmittedPlanReviewFactory(plan=plan, **(first or {})),
        SubmittedPlanReviewFactory(plan=plan, **(second or {})),
    ]


def row_for(plan, user):
    rows = plan_list_page(user, PlanListFilters(), number=1).object_list
    return next(row for row in rows if row.plan == plan)


@pytest.mark.parametrize(
    ("first", "second", "disagree"),
    [
        # One step apart everywhere: no moderation.
        (
            {"overall_judgement": Judgement.GOOD},
            {"overall_judgement": Judgement.OUTSTANDING},
            False,
        ),
        (
            {"overall_judgement": Judgement.GOOD},
            {"overall_judgement": Judgement.REQUIRES_IMPROVEMENT},
            False,
        ),
        # Two steps on the overall judgement.
        ({"overall_judgement": Judgement.GOOD}, {"overall_judgement": Judgement.INADEQUATE}, True),
        (
            {"overall_judgement": Judgement.OUTSTANDING},
            {"overall_judgement": Judgement.REQUIRES_IMPROVEMENT},
            True,
        ),
        # Two steps on leadership.
        ({"leadership_rating": Rating.FULLY}, {"leadership_rating": Rating.NOT_ADDRESSED}, True),
        ({"leadership_rating": Rating.FULLY}, {"leadership_rating": Rating.PARTLY}, False),
    ],
)
def test_reviews_more_than_a_step_apart_need_moderation(
    areas, member_user, first, second, disagree
):
    plan = ProvidedActionPlanFactory()
    reviews = two_reviews(plan, first, second)
    assert reviews_disagree(reviews) is disagree
    expected = ReviewStatus.NEEDS_MODERATION if disagree else ReviewStatus.REVIEWED
    assert row_for(plan, member_user).status == expected


def test_two_steps_apart_on_one_area_needs_moderation(areas, member_user):
    plan = ProvidedActionPlanFactory()
    risk = areas[2]
    two_reviews(
        plan,
        {"area_ratings": {risk: Rating.FULLY}},
        {"area_ratings": {risk: Rating.NOT_ADDRESSED}},
    )
    assert row_for(plan, member_user).status == ReviewStatus.NEEDS_MODERATION
    assert counted_ratings(plan, list(plan.reviews.submitted())) is None


def test_a_draft_does_not_count_towards_moderation(areas, member_user):
    plan = ProvidedActionPlanFactory()
    SubmittedPlanReviewFactory(plan=plan, overall_judgement=Judgement.OUTSTANDING)
    PlanReviewFactory(plan=plan, overall_judgement=Judgement.INADEQUATE)
    row = row_for(plan, member_user)
    assert row.status == ReviewStatus.REVIEWED and row.submitted_count == 1


def test_the_single_review_counts_where_there_is_one(areas):
    plan = ProvidedActionPlanFactory()
    SubmittedPlanReviewFactory(
        plan=plan, overall_judgement=Judgement.INADEQUATE, area_ratings={areas[0]: Rating.FULLY}
    )
    (row,) = summary().rows
    assert [label for _, label in row.cells] == [
        "Fully addressed",
        *["Partly addressed"] * 4,
        "Fully addressed",
        "Inadequate",
    ]


def test_agreeing_reviews_count_the_lower_rating_of_each(areas):
    plan = ProvidedActionPlanFactory()
    two_reviews(
        plan,
        {"overall_judgement": Judgement.GOOD, "area_ratings": {areas[0]: Rating.FULLY}},
        {"overall_judgement": Judgement.REQUIRES_IMPROVEMENT, "leadership_rating": Rating.PARTLY},
    )
    counted = counted_ratings(plan, list(plan.reviews.submitted().prefetch_related("area_ratings")))
    assert counted[OVERALL] == Judgement.REQUIRES_IMPROVEMENT
    assert counted[LEADERSHIP] == Rating.PARTLY
    assert counted[str(areas[0].pk)] == Rating.PARTLY


def test_the_agreed_outcome_is_what_counts(areas, secretariat_user, member_user):
    plan = ProvidedActionPlanFactory()
    two_reviews(
        plan,
        {"overall_judgement": Judgement.OUTSTANDING},
        {"overall_judgement": Judgement.INADEQUATE},
    )
    (row,) = summary().rows
    assert row.status == ReviewStatus.NEEDS_MODERATION
    assert {label for _, label in row.cells} == {"Not yet counted"}

    plan_moderation_record(
        plan=plan,
        overall_judgement=Judgement.GOOD,
        leadership_rating=Rating.FULLY,
        area_ratings=dict.fromkeys(areas, Rating.NOT_ADDRESSED),
        note="Agreed with both reviewers on 3 March.",
        by=secretariat_user,
    )
    (row,) = summary().rows
    assert row.status == ReviewStatus.MODERATED
    assert [label for _, label in row.cells] == [
        *["Not addressed"] * 5,
        "Fully addressed",
        "Good",
    ]
    chart = next(chart for chart in summary().charts if chart.key == OVERALL)
    assert ("good", "Good", 1) in chart.bars
    assert row_for(plan, member_user).status == ReviewStatus.MODERATED


def test_recording_again_changes_the_outcome_rather_than_adding_one(areas, secretariat_user):
    plan = ProvidedActionPlanFactory()
    two_reviews(plan)
    for judgement in (Judgement.GOOD, Judgement.INADEQUATE):
        plan_moderation_record(
            plan=plan,
            overall_judgement=judgement,
            leadership_rating=Rating.FULLY,
            area_ratings=dict.fromkeys(areas, Rating.PARTLY),
            note="Agreed.",
            by=secretariat_user,
        )
    moderation = PlanModeration.objects.get()
    assert moderation.overall_judgement == Judgement.INADEQUATE
    assert moderation.area_ratings.count() == len(areas)


def test_only_the_secretariat_moderates(areas, member_user):
    plan = ProvidedActionPlanFactory()
    two_reviews(plan)
    with pytest.raises(PermissionDenied):
        plan_moderation_record(
            plan=plan,
            overall_judgement=Judgement.GOOD,
            leadership_rating=Rating.FULLY,
            area_ratings=dict.fromkeys(areas, Rating.PARTLY),
            note="Agreed.",
            by=member_user,
        )


def test_the_moderation_page_records_the_outcome(areas, secretariat_client):
    plan = ProvidedActionPlanFactory()
    two_reviews(
        plan,
        {"overall_judgement": Judgement.OUTSTANDING},
        {"overall_judgement": Judgement.INADEQUATE},
    )
    needed = secretariat_client.get("/admin/forces/planmoderation/needed/")
    assert plan.force.name in needed.content.decode()
    assert b"Needs moderation" in needed.content

    url = f"/admin/forces/planmoderation/plan/{plan.pk}/"
    page = secretariat_client.get(url)
    assert b"Outstanding" in page.content and b"Inadequate" in page.content

    empty = secretariat_client.post(url, {})
    assert b"There is a problem" in empty.content
    assert b"Enter a note on how the outcome was agreed" in empty.content

    data = {f"area_{area.pk}": Rating.PARTLY for area in areas}
    data |= {
        "leadership_rating": Rating.FULLY,
        "overall_judgement": Judgement.GOOD,
        "note": "Agreed.",
    }
    assert secretariat_client.post(url, data).status_code == 302
    assert PlanModeration.objects.get(plan=plan).overall_judgement == Judgement.GOOD
