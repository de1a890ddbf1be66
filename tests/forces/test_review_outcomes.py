"""Each plan's review status and counted ratings, kept on the plan and worked out again after
every write that changes them (`forces.review_outcomes`)."""

import datetime
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forces import review_outcomes
from forces.assignments import plan_moderation_record
from forces.models import (
    ActionPlan,
    AreaRating,
    CountedRating,
    ModeratedAreaRating,
    PlanReview,
    ReviewAssignment,
    ReviewStatus,
)
from forces.review_outcomes import LEADERSHIP, OVERALL
from forces.services import action_plan_add_version, plan_review_reopen
from tests.forces.factories import (
    ForceFactory,
    ProvidedActionPlanFactory,
    SubmittedPlanReviewFactory,
    working_group_areas,
)

pytestmark = pytest.mark.django_db

Rating, Judgement = PlanReview.Rating, PlanReview.Judgement
TODAY = datetime.date.today()
LIST_URL = "/forces/plans/"
SUMMARY_URL = "/forces/plans/summary/"


@pytest.fixture
def areas():
    return working_group_areas()


@pytest.fixture
def plan(areas) -> ActionPlan:
    return ProvidedActionPlanFactory(force=ForceFactory(name="Gwent Police", slug="gwent-police"))


def assign(plan, *users) -> None:
    for user in users:
        ReviewAssignment.objects.create(plan=plan, reviewer=user, due_on=TODAY)


def status_shown(client, plan) -> str:
    """The review status the plans list shows for `plan`."""
    rows = client.get(LIST_URL).context["rows"]
    return next(row.status for row in rows if row.plan.pk == plan.pk)


def counted_shown(client, plan) -> dict[str, str]:
    """The heatmap's cells for `plan`, by column key: the values the summary counts."""
    summary = client.get(SUMMARY_URL).context["summary"]
    row = next(row for row in summary.rows if row.plan.pk == plan.pk)
    return {key: value for (key, _), (value, _) in zip(summary.columns, row.cells, strict=True)}


def chart_counts(client, key: str) -> dict[str, int]:
    chart = next(c for c in client.get(SUMMARY_URL).context["summary"].charts if c.key == key)
    return {value: count for value, _, count in chart.bars}


def review_form(areas, rating: str, judgement: str) -> dict:
    data = {"action": "submit", "version": 0, "leadership_rating": "fully"}
    for area in areas:
        data[f"area-{area.slug}-rating"] = rating
        data[f"area-{area.slug}-comment"] = "Dates missing."
    data.update(overall_judgement=judgement, strengths="Clear.", gaps="Dates.", advice="Set them.")
    return data


def test_a_review_submitted_through_the_form_shows_at_once_in_the_list_and_the_summary(
    plan, areas, member_user, member_client, other_member, other_member_client
):
    assign(plan, member_user, other_member)
    assert status_shown(member_client, plan) == ReviewStatus.IN_REVIEW
    assert counted_shown(member_client, plan)[OVERALL] == ""

    url = reverse("forces:plan-review", kwargs={"pk": plan.pk})
    response = other_member_client.post(url, review_form(areas, "fully", "outstanding"))
    assert response.status_code == 302

    assert status_shown(member_client, plan) == ReviewStatus.IN_REVIEW  # one of two submitted
    counted = counted_shown(member_client, plan)
    assert counted[OVERALL] == Judgement.OUTSTANDING
    assert counted[str(areas[0].pk)] == Rating.FULLY
    assert chart_counts(member_client, OVERALL)[Judgement.OUTSTANDING] == 1

    response = member_client.post(url, review_form(areas, "partly", "good"))
    assert response.status_code == 302
    assert status_shown(member_client, plan) == ReviewStatus.REVIEWED
    counted = counted_shown(member_client, plan)
    assert (counted[OVERALL], counted[str(areas[0].pk)]) == (Judgement.GOOD, Rating.PARTLY)


def test_saving_a_draft_marks_its_plan_once_not_once_per_rating(
    plan, areas, member_user, member_client
):
    assign(plan, member_user)
    status_shown(member_client, plan)  # worked out: nothing stale
    url = reverse("forces:plan-review", kwargs={"pk": plan.pk})
    draft = {**review_form(areas, "partly", "good"), "action": "save"}

    with CaptureQueriesContext(connection) as queries:
        assert member_client.post(url, draft).status_code == 302

    table = connection.ops.quote_name(ActionPlan._meta.db_table)
    marks = [q["sql"] for q in queries if q["sql"].startswith(f"UPDATE {table}")]
    assert len(marks) == 1, marks  # the review's save; its five ratings are a draft's
    assert status_shown(member_client, plan) == ReviewStatus.IN_REVIEW


def test_a_reopened_review_no_longer_counts(plan, member_user, secretariat_user, member_client):
    assign(plan, member_user)
    review = SubmittedPlanReviewFactory(plan=plan, reviewer=member_user)
    assert status_shown(member_client, plan) == ReviewStatus.REVIEWED

    plan_review_reopen(review=review, by=secretariat_user, reason="Rate leadership again.")

    assert status_shown(member_client, plan) == ReviewStatus.IN_REVIEW
    assert set(counted_shown(member_client, plan).values()) == {""}
    assert chart_counts(member_client, LEADERSHIP)[""] == 1


def test_disagreement_then_moderation_counts_the_agreed_outcome(
    plan, areas, member_user, other_member, secretariat_user, member_client
):
    assign(plan, member_user, other_member)
    SubmittedPlanReviewFactory(plan=plan, reviewer=member_user)
    SubmittedPlanReviewFactory(
        plan=plan, reviewer=other_member, overall_judgement=Judgement.INADEQUATE
    )
    assert status_shown(member_client, plan) == ReviewStatus.NEEDS_MODERATION
    assert counted_shown(member_client, plan)[OVERALL] == ""

    plan_moderation_record(
        plan=plan,
        overall_judgement=Judgement.REQUIRES_IMPROVEMENT,
        leadership_rating=Rating.PARTLY,
        area_ratings=dict.fromkeys(areas, Rating.NOT_ADDRESSED),
        note="Agreed at the meeting.",
        by=secretariat_user,
    )

    assert status_shown(member_client, plan) == ReviewStatus.MODERATED
    counted = counted_shown(member_client, plan)
    assert counted[OVERALL] == Judgement.REQUIRES_IMPROVEMENT
    assert counted[str(areas[1].pk)] == Rating.NOT_ADDRESSED


def test_a_moderated_rating_changed_or_deleted_changes_what_counts(
    plan, areas, member_user, other_member, secretariat_user, member_client
):
    SubmittedPlanReviewFactory(plan=plan, reviewer=member_user)
    SubmittedPlanReviewFactory(
        plan=plan, reviewer=other_member, overall_judgement=Judgement.INADEQUATE
    )
    moderation = plan_moderation_record(
        plan=plan,
        overall_judgement=Judgement.GOOD,
        leadership_rating=Rating.FULLY,
        area_ratings=dict.fromkeys(areas, Rating.PARTLY),
        note="Agreed by e-mail.",
        by=secretariat_user,
    )
    key = str(areas[0].pk)
    assert counted_shown(member_client, plan)[key] == Rating.PARTLY

    rating = ModeratedAreaRating.objects.get(moderation=moderation, area=areas[0])
    rating.rating = Rating.FULLY
    rating.save()
    assert counted_shown(member_client, plan)[key] == Rating.FULLY

    rating.delete()
    assert counted_shown(member_client, plan)[key] == ""
    assert chart_counts(member_client, key)[""] == 1


def test_an_area_rating_changed_by_hand_changes_what_counts(
    plan, areas, member_user, member_client
):
    review = SubmittedPlanReviewFactory(plan=plan, reviewer=member_user)
    key = str(areas[2].pk)
    assert counted_shown(member_client, plan)[key] == Rating.PARTLY

    rating = AreaRating.objects.get(review=review, area=areas[2])
    rating.rating = Rating.NOT_ADDRESSED
    rating.save()

    assert counted_shown(member_client, plan)[key] == Rating.NOT_ADDRESSED
    assert chart_counts(member_client, key)[Rating.NOT_ADDRESSED] == 1


def test_an_assignment_removed_and_a_new_plan_version_change_the_status(
    plan, member_user, member_client
):
    assign(plan, member_user)
    assert status_shown(member_client, plan) == ReviewStatus.IN_REVIEW

    ReviewAssignment.objects.get(plan=plan).delete()
    assert status_shown(member_client, plan) == ReviewStatus.NOT_ASSIGNED

    assign(plan, member_user)
    SubmittedPlanReviewFactory(plan=plan, reviewer=member_user)
    assert status_shown(member_client, plan) == ReviewStatus.REVIEWED
    newer = action_plan_add_version(
        plan=ActionPlan(force=plan.force, version=2, status=ActionPlan.Status.PROVIDED)
    )

    rows = member_client.get(LIST_URL).context["rows"]
    assert [row.plan.pk for row in rows] == [newer.pk]
    # The reviewer is assigned the new version; their review stays with the old one.
    assert rows[0].status == ReviewStatus.IN_REVIEW
    assert set(counted_shown(member_client, newer).values()) == {""}


def test_the_dashboards_national_progress_follows_each_review_and_assignment(
    plan, member_user, other_member, member_client
):
    def national() -> tuple[int, int]:
        figures = member_client.get("/members/").context["dashboard"].national
        return figures.reviews_submitted, figures.assignments

    assign(plan, member_user, other_member)
    assert national() == (0, 2)
    SubmittedPlanReviewFactory(plan=plan, reviewer=member_user)
    assert national() == (1, 2)
    SubmittedPlanReviewFactory(plan=plan)  # by someone not assigned: not an assigned review
    assert national() == (1, 2)
    ReviewAssignment.objects.get(plan=plan, reviewer=member_user).delete()
    assert national() == (0, 1)


def test_a_plan_saved_from_an_old_copy_keeps_the_status_worked_out_since(
    plan, member_user, member_client
):
    assign(plan, member_user)
    assert status_shown(member_client, plan) == ReviewStatus.IN_REVIEW
    copy_read_before = ActionPlan.objects.get(pk=plan.pk)
    SubmittedPlanReviewFactory(plan=plan, reviewer=member_user)
    assert status_shown(member_client, plan) == ReviewStatus.REVIEWED

    copy_read_before.summary = "Edited in the admin meanwhile."
    copy_read_before.save()

    assert status_shown(member_client, plan) == ReviewStatus.REVIEWED
    assert ActionPlan.objects.get(pk=plan.pk).summary == "Edited in the admin meanwhile."


def kept_outcomes() -> dict[int, tuple[str, dict[str, str]]]:
    counted: dict[int, dict[str, str]] = {}
    for rating in CountedRating.objects.all():
        counted.setdefault(rating.plan_id, {})[rating.key] = rating.value
    return {
        plan.pk: (
            plan.review_status,
            plan.assignment_count,
            plan.assigned_reviews_submitted,
            counted.get(plan.pk, {}),
        )
        for plan in ActionPlan.objects.current()
    }


def test_kept_outcomes_equal_a_fresh_working_out_on_generated_data():
    call_command("load_hmic_2014", stdout=io.StringIO())
    call_command("generate_scale_data", "--factor", "1", stdout=io.StringIO())
    assert not ActionPlan.objects.filter(review_outcome_stale=True).exists()
    kept = kept_outcomes()
    assert {status for status, *_ in kept.values()} == set(ReviewStatus)
    assert sum(assigned for _, assigned, _, _ in kept.values()) == (
        ReviewAssignment.objects.of_current_plans().count()
    )

    CountedRating.objects.all().delete()
    ActionPlan.objects.update(
        review_status=ReviewStatus.NOT_ASSIGNED,
        assignment_count=0,
        assigned_reviews_submitted=0,
        review_outcome_stale=True,
    )
    review_outcomes.refresh_stale()

    assert kept_outcomes() == kept


def test_refresh_all_repairs_outcomes_after_a_bulk_update(plan, member_user, member_client):
    SubmittedPlanReviewFactory(plan=plan, reviewer=member_user)
    assert status_shown(member_client, plan) == ReviewStatus.REVIEWED
    # A bulk update sends no signal: the kept status is out of date until `refresh_all`.
    PlanReview.objects.filter(plan=plan).update(status=PlanReview.Status.DRAFT, submitted_at=None)
    assert status_shown(member_client, plan) == ReviewStatus.REVIEWED

    review_outcomes.refresh_all()

    assert status_shown(member_client, plan) == ReviewStatus.NOT_ASSIGNED
    assert not CountedRating.objects.filter(plan=plan).exists()


@pytest.mark.django_db(transaction=True)
def test_a_plan_being_written_is_skipped_not_waited_for(areas, member_user):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks that can be skipped need PostgreSQL.")
    busy, free = (
        ProvidedActionPlanFactory(force=ForceFactory(name=name, slug=name.lower()))
        for name in ("Busy", "Free")
    )
    for plan in (busy, free):
        SubmittedPlanReviewFactory(plan=plan, reviewer=member_user)  # both stale now

    locked, release, done = threading.Event(), threading.Event(), threading.Event()

    def writer() -> None:
        # As `plan_moderation_record` does: the plan locked while its moderation is written.
        try:
            with transaction.atomic():
                ActionPlan.objects.select_for_update().get(pk=busy.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert locked.wait(timeout=30)
        review_outcomes.refresh_stale()  # returns at once: `busy` is skipped
        outcomes = dict(ActionPlan.objects.values_list("force__name", "review_status"))
        assert outcomes == {"Busy": ReviewStatus.NOT_ASSIGNED, "Free": ReviewStatus.REVIEWED}
    finally:
        release.set()
        thread.join(timeout=30)
    assert done.is_set()

    review_outcomes.refresh_stale()  # the next read after the write works it out
    assert ActionPlan.objects.get(pk=busy.pk).review_status == ReviewStatus.REVIEWED
