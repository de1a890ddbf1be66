"""A force's plan versions: adding one supersedes the earlier, which keeps its reviews but takes
no new ones. The current plan is the one not superseded, on every page and in the admin."""

import datetime
import importlib
import logging

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from forces.models import ActionPlan, PlanReview, ReviewAssignment
from forces.services import SUPERSEDED_MESSAGE, action_plan_add_version, reassign_on_new_version
from oversight.models import OutgoingEmail
from tests.forces.factories import (
    ActionPlanFactory,
    ForceFactory,
    PlanReviewFactory,
    ProvidedActionPlanFactory,
    SubmittedPlanReviewFactory,
)

pytestmark = pytest.mark.django_db

SUPERSEDED = ActionPlan.Status.SUPERSEDED


def add_version(force, version: int, **fields) -> ActionPlan:
    return action_plan_add_version(
        plan=ActionPlanFactory.build(force=force, version=version, **fields)
    )


def review_url(plan: ActionPlan) -> str:
    return reverse("forces:plan-review", kwargs={"pk": plan.pk})


@pytest.fixture
def gwent_v1() -> ActionPlan:
    return ProvidedActionPlanFactory(
        force=ForceFactory(name="Gwent Police", slug="gwent-police"), version=1
    )


# ---- The service ----


def test_a_new_version_supersedes_the_previous_one(gwent_v1, caplog):
    with caplog.at_level(logging.INFO, logger="forces.services"):
        v2 = add_version(gwent_v1.force, 2)

    gwent_v1.refresh_from_db()
    assert gwent_v1.status == SUPERSEDED
    assert v2.status == ActionPlan.Status.DRAFT
    assert list(ActionPlan.objects.current()) == [v2]
    assert f"event=action_plan_version_added plan={v2.pk}" in caplog.text


def test_a_third_version_supersedes_the_second_and_other_forces_are_untouched(gwent_v1):
    kent = ActionPlanFactory(version=1)
    v2 = add_version(gwent_v1.force, 2)
    v3 = add_version(gwent_v1.force, 3)

    assert set(ActionPlan.objects.current()) == {v3, kent}
    v2.refresh_from_db()
    assert v2.status == SUPERSEDED


def test_reviews_stay_with_the_version_they_judge(gwent_v1, member_user, other_member):
    submitted = SubmittedPlanReviewFactory(plan=gwent_v1, reviewer=member_user)
    draft = PlanReviewFactory(plan=gwent_v1, reviewer=other_member)

    add_version(gwent_v1.force, 2)

    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert (submitted.plan, submitted.status) == (gwent_v1, PlanReview.Status.SUBMITTED)
    assert (draft.plan, draft.status) == (gwent_v1, PlanReview.Status.DRAFT)


def test_a_version_below_the_newest_is_refused_and_nothing_changes(gwent_v1):
    v2 = add_version(gwent_v1.force, 2)
    with pytest.raises(ValidationError, match="a new plan takes version 3"):
        add_version(gwent_v1.force, 1)
    assert ActionPlan.objects.count() == 2
    assert list(ActionPlan.objects.current()) == [v2]


def test_a_repeated_version_is_refused_and_the_current_plan_stays(gwent_v1):
    with pytest.raises(ValidationError, match="already has a plan with this version"):
        add_version(gwent_v1.force, 1)
    gwent_v1.refresh_from_db()
    assert gwent_v1.status == ActionPlan.Status.PROVIDED


def test_the_service_only_adds(gwent_v1):
    with pytest.raises(ValueError):
        action_plan_add_version(plan=gwent_v1)


# ---- The admin adds versions through the service ----


def test_adding_a_version_in_the_admin_supersedes_the_previous(secretariat_client, gwent_v1):
    response = secretariat_client.post(
        "/admin/forces/actionplan/add/",
        {
            "force": gwent_v1.force.pk,
            "version": 2,
            "status": ActionPlan.Status.PROVIDED,
            "summary": "Refreshed",
            "actions-TOTAL_FORMS": 0,
            "actions-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302
    gwent_v1.refresh_from_db()
    assert gwent_v1.status == SUPERSEDED
    assert ActionPlan.objects.current().get().summary == "Refreshed"


def test_an_older_version_number_is_a_form_error_in_the_admin(secretariat_client, gwent_v1):
    add_version(gwent_v1.force, 2)
    response = secretariat_client.post(
        "/admin/forces/actionplan/add/",
        {
            "force": gwent_v1.force.pk,
            "version": 1,
            "status": ActionPlan.Status.DRAFT,
            "actions-TOTAL_FORMS": 0,
            "actions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "a new plan takes version 3" in response.content.decode()
    assert ActionPlan.objects.count() == 2


def test_adding_a_version_on_the_forces_page_supersedes_the_previous(secretariat_client, gwent_v1):
    force = gwent_v1.force
    response = secretariat_client.post(
        f"/admin/forces/force/{force.pk}/change/",
        {
            "name": force.name,
            "slug": force.slug,
            "nation": force.nation,
            "action_plans-TOTAL_FORMS": 2,
            "action_plans-INITIAL_FORMS": 1,
            "action_plans-0-id": gwent_v1.pk,
            "action_plans-0-force": force.pk,
            "action_plans-0-version": 1,
            "action_plans-0-status": ActionPlan.Status.PROVIDED,
            "action_plans-1-force": force.pk,
            "action_plans-1-version": 2,
            "action_plans-1-status": ActionPlan.Status.DRAFT,
        },
    )

    assert response.status_code == 302
    gwent_v1.refresh_from_db()
    assert gwent_v1.status == SUPERSEDED
    assert ActionPlan.objects.current().get().version == 2


# ---- The data migration ----


def test_the_migration_marks_older_versions_already_there_superseded():
    migration = importlib.import_module("forces.migrations.0006_mark_superseded_plan_versions")
    gwent, kent = ForceFactory(), ForceFactory()
    gwent_v1 = ProvidedActionPlanFactory(force=gwent, version=1)
    gwent_v2 = ActionPlanFactory(force=gwent, version=2, status=ActionPlan.Status.REVIEWED)
    gwent_v3 = ActionPlanFactory(force=gwent, version=3)
    kent_v1 = ProvidedActionPlanFactory(force=kent, version=1)

    migration.mark_superseded(apps, None)

    statuses = dict(ActionPlan.objects.values_list("pk", "status"))
    assert statuses == {
        gwent_v1.pk: SUPERSEDED,
        gwent_v2.pk: SUPERSEDED,
        gwent_v3.pk: ActionPlan.Status.DRAFT,
        kent_v1.pk: ActionPlan.Status.PROVIDED,
    }


# ---- The members' pages ----


def test_the_plan_list_shows_only_the_current_version(member_client, gwent_v1):
    v2 = add_version(gwent_v1.force, 2)

    plans = list(member_client.get("/forces/plans/").context["plans"])

    assert plans == [v2]


def test_a_superseded_version_is_read_only_and_links_to_the_current_one(member_client, gwent_v1):
    v2 = add_version(gwent_v1.force, 2)

    response = member_client.get(review_url(gwent_v1))

    assert response.status_code == 200
    page = response.content.decode()
    assert "This version has been superseded by a newer plan" in page
    assert (
        f'href="{review_url(v2)}">Review version 2, the current Gwent Police action plan</a>'
        in page
    )
    assert "<form" not in page.split("Your review</h2>")[1]
    assert "<textarea" not in page


def test_a_superseded_version_takes_no_new_review(member_client, gwent_v1):
    add_version(gwent_v1.force, 2)

    response = member_client.post(
        review_url(gwent_v1),
        {"overall_judgement": "good", "gaps": "Late", "action": "submit", "version": 0},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert SUPERSEDED_MESSAGE in page
    assert not PlanReview.objects.exists()


def test_a_draft_of_a_superseded_version_stays_readable_but_frozen(
    member_client, member_user, gwent_v1
):
    PlanReviewFactory(plan=gwent_v1, reviewer=member_user, gaps="Half finished")
    add_version(gwent_v1.force, 2)

    page = member_client.get(review_url(gwent_v1)).content.decode()
    assert "Half finished" in page
    assert "Your draft is kept here, but it can no longer be changed or submitted" in page
    assert "<textarea" not in page

    member_client.post(review_url(gwent_v1), {"gaps": "Changed", "action": "save", "version": 1})
    assert PlanReview.objects.get().gaps == "Half finished"


def test_a_submitted_review_of_a_superseded_version_stays_readable(
    member_client, member_user, gwent_v1
):
    SubmittedPlanReviewFactory(plan=gwent_v1, reviewer=member_user, gaps="My verdict")
    add_version(gwent_v1.force, 2)

    page = member_client.get(review_url(gwent_v1)).content.decode()

    assert "My verdict" in page
    assert "It is locked" in page


def test_the_current_version_takes_reviews_as_before(member_client, gwent_v1):
    v2 = add_version(gwent_v1.force, 2)
    response = member_client.post(review_url(v2), {"gaps": "On v2", "action": "save", "version": 0})
    assert response.status_code == 302
    assert PlanReview.objects.get().plan == v2


# ---- Reviewers of a superseded version are asked to review the new one ----


def test_reviewers_assigned_to_the_old_version_are_assigned_the_new_one_and_told_once(
    gwent_v1, member_user
):
    member_user.email = "reviewer@example.org"
    member_user.save()
    due = datetime.date(2015, 2, 28)
    ReviewAssignment.objects.create(plan=gwent_v1, reviewer=member_user, due_on=due)
    SubmittedPlanReviewFactory(plan=gwent_v1, reviewer=member_user)

    new = add_version(gwent_v1.force, 2)

    assignment = ReviewAssignment.objects.get(plan=new)
    assert (assignment.reviewer, assignment.due_on) == (member_user, due)
    # The old version keeps its assignment and its review.
    assert gwent_v1.assignments.count() == 1 and gwent_v1.reviews.count() == 1
    mail = OutgoingEmail.objects.get()
    assert mail.to == ["reviewer@example.org"]
    assert "version 2" in mail.body and "Gwent Police" in mail.subject


def test_asking_again_makes_no_second_assignment_and_sends_no_second_mail(gwent_v1, member_user):
    member_user.email = "reviewer@example.org"
    member_user.save()
    ReviewAssignment.objects.create(
        plan=gwent_v1, reviewer=member_user, due_on=datetime.date(2015, 2, 28)
    )
    new = add_version(gwent_v1.force, 2)

    reassign_on_new_version(gwent_v1, new)

    assert ReviewAssignment.objects.filter(plan=new).count() == 1
    assert OutgoingEmail.objects.count() == 1


# ---- The plan page's queries do not grow with its earlier versions ----


def plan_with_earlier_versions(earlier: int, *, member, other) -> ActionPlan:
    """A current plan after `earlier` superseded versions. On each earlier version the member
    and the other member submitted a review (so the member sees the other's); on the current
    one the member has a draft and the other a submitted review (hidden from the member)."""
    force = ForceFactory(name="Gwent Police", slug="gwent-police")
    for version in range(1, earlier + 1):
        old = ActionPlanFactory(force=force, version=version, status=SUPERSEDED)
        SubmittedPlanReviewFactory(plan=old, reviewer=member)
        SubmittedPlanReviewFactory(plan=old, reviewer=other)
    current = ProvidedActionPlanFactory(force=force, version=earlier + 1)
    PlanReviewFactory(plan=current, reviewer=member)
    SubmittedPlanReviewFactory(plan=current, reviewer=other)
    return current


@pytest.mark.parametrize("earlier", [1, 5])
def test_the_plan_pages_queries_do_not_grow_with_its_earlier_versions(
    earlier, member_client, member_user, other_member, django_assert_num_queries
):
    plan = plan_with_earlier_versions(earlier, member=member_user, other=other_member)
    url = review_url(plan)
    member_client.get(url)  # the session and permission caches warmed, as on any later page
    # The session, the user, the user's and their groups' permissions (the members' area);
    # the plan with its force; the working-group areas; my review of it, its area ratings and
    # reopenings (a draft: blind, so no other review is read, and no query to know it); the
    # earlier versions; mine and the submitted reviews of them; the plan's actions with their
    # areas.
    with django_assert_num_queries(12):
        response = member_client.get(url)
    assert response.status_code == 200
    history = response.context["versions"]
    assert [v["plan"].version for v in history] == list(range(earlier, 0, -1))
    assert all(v["mine"].reviewer == member_user and len(v["others"]) == 1 for v in history)
    assert response.context["others"] == [] and response.context["blind"]


@pytest.mark.parametrize("earlier", [1, 5])
def test_the_plan_pages_queries_for_the_secretariat_do_not_grow_either(
    earlier, secretariat_client, member_user, other_member, django_assert_num_queries
):
    plan = plan_with_earlier_versions(earlier, member=member_user, other=other_member)
    url = review_url(plan)
    secretariat_client.get(url)
    # The session, the user, the permissions; the plan; the areas; my review (none, so no
    # ratings or reopenings); whether I am the secretariat (asked once, not per version); the
    # others' submitted reviews of the plan, their area ratings and reopenings; the earlier
    # versions; their reviews; the plan's actions.
    with django_assert_num_queries(14):
        response = secretariat_client.get(url)
    assert response.status_code == 200
    assert [len(v["others"]) for v in response.context["versions"]] == [2] * earlier
    assert len(response.context["others"]) == 1
