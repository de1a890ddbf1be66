"""What the reviews of a plan come to: its review status, the ratings the summary counts, and
how many of its assigned reviews are submitted; and their running totals over the current plans.

All are worked out from a plan's assignments, submitted reviews and moderation, and kept on
the plan (`ActionPlan.review_status`, `assignment_count`, `assigned_reviews_submitted`, and
`CountedRating` rows), so that the plans list and the summary filter, sort and page in the
database whatever the number of plans. What each current plan adds to the totals per nation
(`ProgressTally`: plans by status, provided, assignments, submitted reviews, counted ratings)
is kept on it too (`ActionPlan.tallied`): working a plan out again adds the difference to the
totals, so the dashboard, the summary's charts and the plans list's count read a few dozen
rows rather than adding up every current plan. A plan's save marks it stale (its status may
say it is superseded now), and so does its force's (its nation); the forces per nation are
recounted when a force is saved or deleted.

Kept lazily: a write to any of those rows marks its plan stale (the receivers below, in the
writer's own transaction), and the next page that reads outcomes calls `refresh_stale`, which
works out the stale plans again. A plan that another transaction is writing is locked; it is
skipped rather than waited for, and stays stale until the next read after that write commits.
Bulk writes send no signals: whatever makes rows in bulk calls `refresh_all` afterwards (as
`generate_scale_data` does), which works out the totals from nothing too; a plan is stale
from the moment it is made.
"""

import operator
from collections import Counter
from collections.abc import Callable
from functools import reduce

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.signals import post_delete, post_save, pre_delete

from forces.models import (
    JUDGEMENT_STEPS,
    RATING_STEPS,
    REVIEW_OUTCOME_FIELDS,
    ActionPlan,
    AreaRating,
    CountedRating,
    Force,
    ModeratedAreaRating,
    PlanModeration,
    PlanReview,
    ProgressTally,
    ReviewAssignment,
    ReviewStatus,
)
from oversight.subqueries import related_count

LEADERSHIP = "leadership"
OVERALL = "overall"
REFRESH_BATCH_SIZE = 500

# The running totals' measures (`ProgressTally.measure`).
FORCES = "forces"
PROVIDED = "provided"
ASSIGNMENTS = "assignments"
SUBMITTED = "submitted"
PROVIDED_STATUSES = (ActionPlan.Status.PROVIDED, ActionPlan.Status.REVIEWED)


def status_measure(status: str) -> str:
    return f"status:{status}"


def counted_measure(key: str, value: str) -> str:
    return f"counted:{key}:{value}"


# Comparing reviews, and what counts


def _ratings_of(review: PlanReview) -> dict[str, str]:
    """A review's ratings keyed by area id (as text), plus leadership and overall."""
    ratings = {str(rating.area_id): rating.rating for rating in review.area_ratings.all()}
    ratings[LEADERSHIP] = review.leadership_rating
    ratings[OVERALL] = review.overall_judgement
    return ratings


def _step(key: str, value: str) -> int | None:
    steps = JUDGEMENT_STEPS if key == OVERALL else RATING_STEPS
    return steps.get(value)


def reviews_disagree(reviews: list[PlanReview]) -> bool:
    """True where two submitted reviews differ by more than one step on the overall
    judgement, on leadership or on any area: the plan needs moderation."""
    rated = [_ratings_of(review) for review in reviews]
    for index, first in enumerate(rated):
        for second in rated[index + 1 :]:
            for key in first.keys() & second.keys():
                a, b = _step(key, first[key]), _step(key, second[key])
                if a is not None and b is not None and abs(a - b) > 1:
                    return True
    return False


def _lowest(key: str, values: list[str]) -> str:
    known = [value for value in values if _step(key, value) is not None]
    return min(known, key=lambda value: _step(key, value)) if known else ""


def counted_ratings(plan: ActionPlan, reviews: list[PlanReview]) -> dict[str, str] | None:
    """The ratings the summary counts for a plan: the moderated outcome; else the single
    submitted review; else, where the reviews agree within a step, the lower rating of each
    (the cautious reading). None while nothing counts (no review, or moderation needed)."""
    moderation = getattr(plan, "moderation", None)
    if moderation is not None:
        ratings = {str(row.area_id): row.rating for row in moderation.area_ratings.all()}
        ratings[LEADERSHIP] = moderation.leadership_rating
        ratings[OVERALL] = moderation.overall_judgement
        return ratings
    if not reviews or reviews_disagree(reviews):
        return None
    rated = [_ratings_of(review) for review in reviews]
    keys = set().union(*rated)
    return {key: _lowest(key, [ratings.get(key, "") for ratings in rated]) for key in keys}


def review_status(plan: ActionPlan, assignments: int, reviews: list[PlanReview]) -> ReviewStatus:
    """Where a plan's review stands, from its moderation, its number of assignments and its
    submitted reviews."""
    if getattr(plan, "moderation", None) is not None:
        return ReviewStatus.MODERATED
    if reviews and reviews_disagree(reviews):
        return ReviewStatus.NEEDS_MODERATION
    if reviews and len(reviews) >= assignments:
        return ReviewStatus.REVIEWED
    if assignments or reviews:
        return ReviewStatus.IN_REVIEW
    return ReviewStatus.NOT_ASSIGNED


# Keeping them


def plans_mark_stale(plans: Q) -> None:
    """Mark the plans `plans` selects as needing their outcomes worked out again."""
    ActionPlan.objects.filter(plans, review_outcome_stale=False).update(review_outcome_stale=True)


def _plans_with_what_decides(queryset):
    submitted_by_assignee = PlanReview.objects.submitted().filter(
        plan=OuterRef("plan"), reviewer=OuterRef("reviewer")
    )
    return (
        queryset.select_related("moderation", "force")
        .annotate(
            assigned=related_count(ReviewAssignment.objects.all(), "plan"),
            assigned_submitted=related_count(
                ReviewAssignment.objects.filter(Exists(submitted_by_assignee)), "plan"
            ),
        )
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=PlanReview.objects.submitted().prefetch_related("area_ratings"),
                to_attr="submitted_reviews",
            ),
            "moderation__area_ratings",
        )
        .order_by("pk")
    )


def _contribution(plan: ActionPlan, counted: dict[str, str]) -> dict[str, int]:
    """What a plan adds to the running totals, as "nation|measure": amount."""
    if plan.is_superseded:
        return {}
    amounts = {
        status_measure(plan.review_status): 1,
        PROVIDED: int(plan.status in PROVIDED_STATUSES),
        ASSIGNMENTS: plan.assignment_count,
        SUBMITTED: plan.assigned_reviews_submitted,
    }
    amounts.update({counted_measure(key, value): 1 for key, value in counted.items()})
    return {
        f"{plan.force.nation}|{measure}": amount for measure, amount in amounts.items() if amount
    }


def _recompute(plans: list[ActionPlan]) -> None:
    counted_rows = []
    change: Counter[str] = Counter()
    for plan in plans:
        plan.review_status = review_status(plan, plan.assigned, plan.submitted_reviews)
        plan.assignment_count = plan.assigned
        plan.assigned_reviews_submitted = plan.assigned_submitted
        plan.review_outcome_stale = False
        counted = {
            key: value
            for key, value in (counted_ratings(plan, plan.submitted_reviews) or {}).items()
            if value
        }
        counted_rows += [
            CountedRating(plan=plan, key=key, value=value) for key, value in counted.items()
        ]
        contribution = _contribution(plan, counted)
        change.update(contribution)
        change.subtract(plan.tallied)
        plan.tallied = contribution
    CountedRating.objects.filter(plan__in=plans).delete()
    CountedRating.objects.bulk_create(counted_rows)
    ActionPlan.objects.bulk_update(plans, list(REVIEW_OUTCOME_FIELDS))
    _tally_add(change)


def _tally_add(change: Counter[str]) -> None:
    """Add `change` ("nation|measure": amount) to the running totals, in the caller's
    transaction. The rows are locked in one order, so writers wait for each other in turn."""
    keys = sorted(tuple(key.split("|", 1)) for key, amount in change.items() if amount)
    if not keys:
        return
    ProgressTally.objects.bulk_create(
        [ProgressTally(nation=nation, measure=measure) for nation, measure in keys],
        ignore_conflicts=True,
    )
    rows = list(
        ProgressTally.objects.select_for_update()
        .filter(reduce(operator.or_, (Q(nation=n, measure=m) for n, m in keys)))
        .order_by("pk")
    )
    for row in rows:
        row.amount += change[f"{row.nation}|{row.measure}"]
    ProgressTally.objects.bulk_update(rows, ["amount"])


def forces_recount() -> None:
    """Count the forces of each nation again (a force saved or deleted): a handful of forces
    change in a year, so counting them all then keeps the pages from doing it."""
    existing = ProgressTally.objects.select_for_update().filter(measure=FORCES).order_by("pk")
    list(existing)  # waits for any other recount, so the count below sees what it wrote
    counts = dict(Force.objects.values_list("nation").annotate(count=Count("pk")).order_by())
    ProgressTally.objects.bulk_create(
        [
            ProgressTally(nation=nation, measure=FORCES, amount=counts.get(nation, 0))
            for nation in Force.Nation.values
        ],
        update_conflicts=True,
        unique_fields=["nation", "measure"],
        update_fields=["amount"],
    )


def refresh_stale() -> None:
    """Work out again the outcomes of every stale plan that no other transaction is writing.

    One query when nothing is stale (the usual case); otherwise, per batch of 500 plans,
    the locked plans with what decides their outcomes (four queries), three writes, and
    three to add the difference to the running totals (insert any new ones, lock, update).
    """
    stale = ActionPlan.objects.filter(review_outcome_stale=True)
    if not stale.exists():
        return
    while True:
        with transaction.atomic():
            batch = list(
                _plans_with_what_decides(stale.select_for_update(skip_locked=True, of=("self",)))[
                    :REFRESH_BATCH_SIZE
                ]
            )
            if batch:
                _recompute(batch)
        if len(batch) < REFRESH_BATCH_SIZE:
            return


def refresh_all(progress: Callable[[int, int], None] | None = None) -> None:
    """Work out every plan's outcomes, and the running totals, again from nothing, for after
    a bulk write that sent no signals. The totals are short until it has finished.

    Each batch is locked as `refresh_stale` locks it (waiting, here, for plans being written),
    so a review that comes in meanwhile marks its plan stale after the batch, not before it.
    """
    with transaction.atomic():
        ActionPlan.objects.exclude(tallied={}).update(tallied={})
        ProgressTally.objects.all().delete()
        forces_recount()
    total = ActionPlan.objects.count()
    done = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            plans = ActionPlan.objects.filter(pk__gt=last_pk).select_for_update(of=("self",))
            batch = list(_plans_with_what_decides(plans)[:REFRESH_BATCH_SIZE])
            if batch:
                _recompute(batch)
        if not batch:
            return
        last_pk = batch[-1].pk
        done += len(batch)
        if progress is not None:
            progress(done, total)


# What marks a plan stale: for each kind of row that decides an outcome, its plan.

PLAN_OF = {
    PlanReview: lambda review: Q(pk=review.plan_id),
    AreaRating: lambda rating: Q(reviews__pk=rating.review_id),
    ReviewAssignment: lambda assignment: Q(pk=assignment.plan_id),
    PlanModeration: lambda moderation: Q(pk=moderation.plan_id),
    ModeratedAreaRating: lambda rating: Q(moderation__pk=rating.moderation_id),
}


def _mark_its_plan_stale(sender, instance, **kwargs) -> None:
    if sender is AreaRating and _rating_of_a_draft(instance):
        return
    plans_mark_stale(PLAN_OF[sender](instance))


def _plan_saved(sender, instance: ActionPlan, created: bool, **kwargs) -> None:
    # Its status may have changed (provided, or superseded by a new version). A new plan is
    # stale already.
    if not created:
        plans_mark_stale(Q(pk=instance.pk))


def _plan_to_be_deleted(sender, instance: ActionPlan, **kwargs) -> None:
    tallied = (
        ActionPlan.objects.select_for_update()
        .filter(pk=instance.pk)
        .values_list("tallied", flat=True)
        .first()
    )
    _tally_add(Counter({key: -amount for key, amount in (tallied or {}).items()}))


def _force_saved(sender, instance: Force, **kwargs) -> None:
    plans_mark_stale(Q(force=instance.pk))  # its nation may have changed
    forces_recount()


def _force_deleted(sender, instance: Force, **kwargs) -> None:
    forces_recount()


def _rating_of_a_draft(rating: AreaRating) -> bool:
    """A draft's ratings decide nothing, and its author saves them often. Submitting or
    reopening saves the review itself, which marks the plan; so only a submitted review's
    ratings (changed by hand) need to. The review is the one the service has just saved, so
    this asks the database nothing; a rating whose review is not at hand counts."""
    if not AreaRating.review.is_cached(rating):
        return False
    return rating.review.status != PlanReview.Status.SUBMITTED


def receivers_connect() -> None:
    for model in PLAN_OF:
        for signal in (post_save, post_delete):
            signal.connect(
                _mark_its_plan_stale, sender=model, dispatch_uid=f"review-outcome-{model.__name__}"
            )
    post_save.connect(_plan_saved, sender=ActionPlan, dispatch_uid="progress-tally-plan")
    pre_delete.connect(_plan_to_be_deleted, sender=ActionPlan, dispatch_uid="progress-tally-plan")
    post_save.connect(_force_saved, sender=Force, dispatch_uid="progress-tally-force")
    post_delete.connect(_force_deleted, sender=Force, dispatch_uid="progress-tally-force")
