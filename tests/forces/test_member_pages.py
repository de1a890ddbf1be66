"""The members' dashboard, the plans list and the summary: what members see, and the queries."""

import datetime

import pytest

from forces.models import ActionPlan, Force, PlanModeration, PlanReview, ReviewAssignment
from tests.forces.factories import (
    ForceFactory,
    ProvidedActionPlanFactory,
    SubmittedPlanReviewFactory,
    working_group_areas,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def make_forces(count: int, *, reviewer, other_reviewer, secretariat) -> list[ActionPlan]:
    """`count` forces with a provided plan, each assigned to two reviewers; every other plan
    has both reviews submitted, and every fourth a moderated outcome."""
    areas = working_group_areas()
    plans = []
    for index in range(count):
        force = ForceFactory(
            name=f"Force {index:04d}",
            slug=f"force-{index:04d}",
            nation=Force.Nation.WALES if index % 10 == 0 else Force.Nation.ENGLAND,
        )
        plan = ProvidedActionPlanFactory(force=force)
        plans.append(plan)
        for user in (reviewer, other_reviewer):
            ReviewAssignment.objects.create(
                plan=plan, reviewer=user, due_on=TODAY + datetime.timedelta(days=index % 20 - 5)
            )
        if index % 2 == 0:
            SubmittedPlanReviewFactory(plan=plan, reviewer=reviewer)
            SubmittedPlanReviewFactory(
                plan=plan,
                reviewer=other_reviewer,
                overall_judgement=PlanReview.Judgement.INADEQUATE,
                area_ratings={areas[0]: PlanReview.Rating.FULLY},
            )
        if index % 4 == 0:
            moderation = PlanModeration.objects.create(
                plan=plan,
                overall_judgement=PlanReview.Judgement.GOOD,
                leadership_rating=PlanReview.Rating.FULLY,
                note="Agreed with both reviewers.",
                decided_by=secretariat,
            )
            for area in areas:
                moderation.area_ratings.create(area=area, rating=PlanReview.Rating.PARTLY)
    return plans
