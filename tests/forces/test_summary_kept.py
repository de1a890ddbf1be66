"""The summary of counted ratings is kept per person until a plan, a review or a rating
changes (`oversight.personal_pages`, ADR 8): what the next visit shows after each change, and
what a kept summary costs."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forces.models import PlanModeration, PlanReview, ReviewAssignment
from oversight.permissions import SECRETARIAT
from tests.forces.factories import (
    ForceFactory,
    ProvidedActionPlanFactory,
    SubmittedPlanReviewFactory,
    working_group_areas,
)
from tests.forces.test_dashboard_kept import TODAY, dashboard, kept
from tests.forces.test_member_pages import SIGNED_IN, make_forces
from tests.oversight.factories import StaffUserFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_kept")]

SUMMARY = "/forces/plans/summary/"


@pytest.fixture
def plan(member_user):
    """Gwent's plan, assigned to two reviewers, one of whom has submitted a "good" review."""
    plan = ProvidedActionPlanFactory(force=ForceFactory(name="Gwent Police"))
    second = UserFactory(username="second-reviewer")
    for reviewer in (member_user, second):
        ReviewAssignment.objects.create(plan=plan, reviewer=reviewer, due_on=TODAY)
    SubmittedPlanReviewFactory(plan=plan, reviewer=member_user)
    plan.second_reviewer = second
    return plan


def summary(client, url: str = SUMMARY) -> str:
    return dashboard(client, url)


@pytest.mark.parametrize("count", [43, 430])
def test_a_kept_summary_costs_the_sign_in_and_one_query_whatever_the_forces(
    count, member_user, other_member, secretariat_user, member_client
):
    make_forces(
        count, reviewer=member_user, other_reviewer=other_member, secretariat=secretariat_user
    )
    kept(member_client, SUMMARY)
    with CaptureQueriesContext(connection) as queries:
        page = summary(member_client)
    # Signed in (the session, the user, their and their groups' permissions), then the
    # summary's token: nothing else is asked for the page.
    assert len(queries) == SIGNED_IN + 1, [query["sql"] for query in queries]
    assert f"Counted ratings of {count} current plans" in page


def _second_review_submitted(plan):
    SubmittedPlanReviewFactory(
        plan=plan,
        reviewer=plan.second_reviewer,
        overall_judgement=PlanReview.Judgement.REQUIRES_IMPROVEMENT,
    )


def _moderated(plan):
    moderation = PlanModeration.objects.create(
        plan=plan,
        overall_judgement=PlanReview.Judgement.INADEQUATE,
        leadership_rating=PlanReview.Rating.NOT_ADDRESSED,
        note="Both reviewers missed the gaps.",
        decided_by=StaffUserFactory(),
    )
    for area in working_group_areas():
        moderation.area_ratings.create(area=area, rating=PlanReview.Rating.NOT_ADDRESSED)


def _force_renamed(plan):
    plan.force.name = "Heddlu Gwent"
    plan.force.save()


def _force_added(plan):
    ProvidedActionPlanFactory(force=ForceFactory(name="British Transport Police"))


def _area_renamed(plan):
    area = working_group_areas()[0]
    area.name = "Call handling and first response"
    area.save()


CHANGES = {
    # The overall judgement's chart: the lower of two a step apart, then the moderated one.
    "the second review submitted": (_second_review_submitted, "Requires improvement: 1;"),
    "the plan moderated": (_moderated, "Inadequate: 1;"),
    "a force renamed": (_force_renamed, "Heddlu Gwent"),
    "a force added": (_force_added, "British Transport Police"),
    "an area renamed": (_area_renamed, "Call handling and first response"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_the_next_visit_after_a_change_shows_it(change, plan, member_client):
    make_change, shown = CHANGES[change]
    assert shown not in kept(member_client, SUMMARY)

    make_change(plan)

    assert shown in summary(member_client)


def test_each_page_of_the_heatmap_is_kept_apart(
    member_user, other_member, secretariat_user, member_client
):
    make_forces(60, reviewer=member_user, other_reviewer=other_member, secretariat=secretariat_user)
    first = kept(member_client, SUMMARY)
    second = kept(member_client, f"{SUMMARY}?page=2")
    assert "Force 0000" in first and "Force 0000" not in second
    assert "Force 0059" in second and "Force 0059" not in first


def test_leaving_the_secretariat_takes_the_downloads_off_a_kept_summary(
    secretariat_user, secretariat_client
):
    assert "Download every submitted review" in kept(secretariat_client, SUMMARY)
    # Moved to a group that grants the same permissions: the key's permissions are the same,
    # but the person is no longer the secretariat's.
    secretariat = Group.objects.get(name=SECRETARIAT)
    lookalike = Group.objects.create(name="Secretariat (old)")
    lookalike.permissions.set(secretariat.permissions.all())
    secretariat_user.groups.add(lookalike)
    secretariat_user.groups.remove(secretariat)

    assert "Download every submitted review" not in summary(secretariat_client)
