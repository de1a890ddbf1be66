"""The running totals over the current plans (`ProgressTally`), which the dashboard, the
summary's charts and the plans list's count read instead of adding up every plan: after any
change, and the working out that follows it, they equal a count made afresh."""

import datetime
import threading
from collections import Counter, defaultdict

import pytest
from django.db import connection, transaction
from django.db.models import Count

from forces import review_outcomes, selectors
from forces.assignments import plan_moderation_record
from forces.models import (
    ActionPlan,
    CountedRating,
    Force,
    PlanReview,
    ReviewAssignment,
)
from forces.services import action_plan_add_version
from tests.forces.factories import (
    ActionPlanFactory,
    ForceFactory,
    ProvidedActionPlanFactory,
    SubmittedPlanReviewFactory,
    working_group_areas,
)

pytestmark = pytest.mark.django_db

Rating, Judgement = PlanReview.Rating, PlanReview.Judgement
TODAY = datetime.date.today()
WALES = Force.Nation.WALES


def counted_afresh() -> dict[str, dict[str, int]]:
    """The totals as the pages used to add them up, plan by plan."""
    totals: dict[str, Counter] = defaultdict(Counter)
    for nation, forces in Force.objects.values_list("nation").annotate(Count("pk")).order_by():
        totals[nation]["forces"] = forces
    current = ActionPlan.objects.current()
    for plan in current.select_related("force"):
        plan_totals = totals[plan.force.nation]
        plan_totals[f"status:{plan.review_status}"] += 1
        plan_totals["provided"] += plan.status in review_outcomes.PROVIDED_STATUSES
        plan_totals["assignments"] += plan.assignment_count
        plan_totals["submitted"] += plan.assigned_reviews_submitted
    for rating in CountedRating.objects.filter(plan__in=current).select_related("plan__force"):
        totals[rating.plan.force.nation][f"counted:{rating.key}:{rating.value}"] += 1
    return without_noughts(totals)


def kept() -> dict[str, dict[str, int]]:
    review_outcomes.refresh_stale()  # as every page that reads them does first
    return without_noughts(selectors.progress_tally())


def without_noughts(totals: dict[str, Counter]) -> dict[str, dict[str, int]]:
    return {
        nation: {measure: amount for measure, amount in amounts.items() if amount}
        for nation, amounts in totals.items()
        if any(amounts.values())
    }


@pytest.fixture
def areas():
    return working_group_areas()


def test_the_totals_follow_every_kind_of_change(areas, member_user, other_member, secretariat_user):
    gwent = ForceFactory(name="Gwent Police", slug="gwent-police", nation=WALES)
    kent = ForceFactory(name="Kent Police", slug="kent-police")
    gwent_plan = ProvidedActionPlanFactory(force=gwent)
    kent_plan = ActionPlanFactory(force=kent)  # a draft: not provided yet
    assert kept() == counted_afresh()
    assert kept()["wales"] == {"forces": 1, "status:not_assigned": 1, "provided": 1}

    for user in (member_user, other_member):
        ReviewAssignment.objects.create(plan=gwent_plan, reviewer=user, due_on=TODAY)
    assert kept() == counted_afresh()
    SubmittedPlanReviewFactory(
        plan=gwent_plan, reviewer=member_user, overall_judgement=Judgement.GOOD
    )
    assert kept() == counted_afresh()
    SubmittedPlanReviewFactory(
        plan=gwent_plan,
        reviewer=other_member,
        overall_judgement=Judgement.INADEQUATE,
        leadership_rating=Rating.NOT_ADDRESSED,
    )
    assert kept()["wales"]["status:needs_moderation"] == 1
    assert kept() == counted_afresh()

    plan_moderation_record(
        plan=gwent_plan,
        overall_judgement=Judgement.REQUIRES_IMPROVEMENT,
        leadership_rating=Rating.PARTLY,
        area_ratings=dict.fromkeys(areas, Rating.PARTLY),
        note="Agreed at the meeting.",
        by=secretariat_user,
    )
    assert kept()["wales"]["counted:overall:requires_improvement"] == 1
    assert kept() == counted_afresh()

    kent_plan.status = ActionPlan.Status.PROVIDED
    kent_plan.save()
    assert kept()["england"]["provided"] == 1
    # A new version: the moderated one is superseded, and its ratings count no more.
    newer = action_plan_add_version(
        plan=ActionPlan(force=gwent, version=2, status=ActionPlan.Status.PROVIDED)
    )
    assert "counted:overall:requires_improvement" not in kept()["wales"]
    assert kept() == counted_afresh()

    gwent.nation = Force.Nation.ENGLAND  # a correction: its plans count for England now
    gwent.save()
    assert "wales" not in kept()
    assert kept() == counted_afresh()

    newer.delete()  # made by mistake: the superseded version is not current again
    ForceFactory(name="Dyfed-Powys Police", slug="dyfed-powys-police", nation=WALES)
    ForceFactory(name="Made in error", slug="made-in-error").delete()
    assert kept() == counted_afresh()
    assert kept()["wales"] == {"forces": 1}


def test_the_pages_show_the_totals(areas, member_user, member_client):
    for number in range(3):
        plan = ProvidedActionPlanFactory(
            force=ForceFactory(name=f"Force {number}", slug=f"force-{number}", nation=WALES)
        )
        ReviewAssignment.objects.create(plan=plan, reviewer=member_user, due_on=TODAY)
    SubmittedPlanReviewFactory(plan=plan, reviewer=member_user, overall_judgement=Judgement.GOOD)

    wales = member_client.get("/members/").context["dashboard"].nations[1]
    assert (wales.label, wales.forces, wales.plans_provided) == ("Wales", 3, 3)
    assert (wales.assignments, wales.reviews_submitted) == (3, 1)
    summary = member_client.get("/forces/plans/summary/").context["summary"]
    overall = next(chart for chart in summary.charts if chart.key == "overall")
    assert ("good", "Good", 1) in overall.bars
    assert overall.bars[-1] == ("", "Not yet counted", 2)
    page = member_client.get("/forces/plans/?status=in_review&nation=wales").context["page"]
    assert page.paginator.count == 2


def test_refresh_all_works_the_totals_out_from_nothing_after_a_bulk_write(areas, member_user):
    plans = [
        ProvidedActionPlanFactory(force=ForceFactory(name=f"Force {n}", slug=f"force-{n}"))
        for n in range(3)
    ]
    SubmittedPlanReviewFactory(plan=plans[0], reviewer=member_user)
    assert kept() == counted_afresh()
    # Bulk writes send no signals: the totals are out of date until `refresh_all`.
    ActionPlan.objects.filter(pk=plans[1].pk).update(status=ActionPlan.Status.SUPERSEDED)
    Force.objects.filter(pk=plans[2].force_id).update(nation=WALES)
    assert kept() != counted_afresh()

    review_outcomes.refresh_all()

    assert kept() == counted_afresh()
    assert kept()["wales"] == {"forces": 1, "status:not_assigned": 1, "provided": 1}


def a_session_waits_for_a_lock(timeout: float = 30) -> bool:
    waiting = threading.Event()
    with connection.cursor() as cursor:
        for _ in range(int(timeout / 0.05)):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            waiting.wait(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_two_plans_worked_out_at_once_both_count(areas, member_user, other_member):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent transactions need PostgreSQL.")
    first, second, reviewed = (
        ProvidedActionPlanFactory(force=ForceFactory(name=name, slug=name.lower()))
        for name in ("First", "Second", "Reviewed")
    )
    SubmittedPlanReviewFactory(plan=reviewed, reviewer=member_user)
    # Every total the next two reviews change is there already, to be added to.
    assert kept()["england"]["status:reviewed"] == 1
    SubmittedPlanReviewFactory(plan=first, reviewer=member_user)
    SubmittedPlanReviewFactory(plan=second, reviewer=other_member)  # both plans stale now

    second_locked, first_added, release_second, release_first = (
        threading.Event() for _ in range(4)
    )
    failures: list[BaseException] = []

    def in_a_thread(work) -> threading.Thread:
        def run() -> None:
            try:
                work()
            except BaseException as error:  # reported by the test below
                failures.append(error)
            finally:
                connection.close()

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    def writer_of_second() -> None:
        with transaction.atomic():
            ActionPlan.objects.select_for_update().get(pk=second.pk)
            second_locked.set()
            release_second.wait(timeout=30)

    def reader_working_out_first() -> None:
        # Its transaction stays open after the working out, its totals' rows locked.
        assert second_locked.wait(timeout=30)
        with transaction.atomic():
            review_outcomes.refresh_stale()  # `second` is skipped: only `first` is worked out
            first_added.set()
            release_first.wait(timeout=30)

    threads = [in_a_thread(writer_of_second), in_a_thread(reader_working_out_first)]
    try:
        assert first_added.wait(timeout=30)
        release_second.set()
        threads[0].join(timeout=30)
        # Another reader works out `second` (`first` is locked, so skipped) and must wait for
        # the first reader's totals before adding to them.
        threads.append(in_a_thread(review_outcomes.refresh_stale))
        assert a_session_waits_for_a_lock(), "the second working out did not wait"
    finally:
        release_second.set()
        release_first.set()
        for thread in threads:
            thread.join(timeout=30)
    assert failures == []

    assert kept() == counted_afresh()
    assert kept()["england"]["status:reviewed"] == 3
