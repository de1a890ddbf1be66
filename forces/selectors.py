"""Reads for the members' dashboard, the plans list and the summary.

Each function fetches what its page needs in a fixed number of queries, whatever the number of
forces (the query-count tests in `tests/forces/test_member_pages.py` hold them to it).
Reviews are read only as ratings here: no review's text or author leaves this module except
through `submitted_reviews_export`, which the secretariat alone may download.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from forces.models import (
    JUDGEMENT_STEPS,
    RATING_STEPS,
    ActionPlan,
    Force,
    PlanReview,
    ReviewAssignment,
)
from oversight.models import Meeting
from oversight.pagination import paginate
from recommendations.models import Area

LEADERSHIP = "leadership"
OVERALL = "overall"


class ReviewStatus(StrEnum):
    """Where a plan's review stands, in the order the list sorts by."""

    NOT_ASSIGNED = "not_assigned"
    IN_REVIEW = "in_review"
    NEEDS_MODERATION = "needs_moderation"
    REVIEWED = "reviewed"
    MODERATED = "moderated"

    @property
    def label(self) -> str:
        return REVIEW_STATUS_LABELS[self]


REVIEW_STATUS_LABELS = {
    ReviewStatus.NOT_ASSIGNED: "Not assigned",
    ReviewStatus.IN_REVIEW: "Being reviewed",
    ReviewStatus.NEEDS_MODERATION: "Needs moderation",
    ReviewStatus.REVIEWED: "Reviewed",
    ReviewStatus.MODERATED: "Moderated",
}
REVIEW_STATUS_ORDER = {status: position for position, status in enumerate(ReviewStatus)}


def reviewer_label(user: AbstractBaseUser) -> str:
    """How a reviewer is named to the secretariat and members: their member listing if any."""
    member = getattr(user, "group_member", None)
    if member is not None:
        return member.listing_label
    return user.get_full_name() or user.get_username()


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


def _moderation_exists(plan: ActionPlan) -> bool:
    return getattr(plan, "moderation", None) is not None


@dataclass
class PlanRow:
    """One current plan with its assignments, submitted reviews and review status."""

    plan: ActionPlan
    assignments: list[ReviewAssignment]
    reviews: list[PlanReview]
    status: ReviewStatus
    assigned_to_me: bool = False
    my_review_status: str = ""

    @property
    def reviewer_labels(self) -> list[str]:
        return [reviewer_label(assignment.reviewer) for assignment in self.assignments]

    @property
    def submitted_count(self) -> int:
        return len(self.reviews)


def _status(plan: ActionPlan, assignments: list, reviews: list[PlanReview]) -> ReviewStatus:
    if _moderation_exists(plan):
        return ReviewStatus.MODERATED
    if reviews and reviews_disagree(reviews):
        return ReviewStatus.NEEDS_MODERATION
    if reviews and len(reviews) >= len(assignments):
        return ReviewStatus.REVIEWED
    if assignments or reviews:
        return ReviewStatus.IN_REVIEW
    return ReviewStatus.NOT_ASSIGNED


def current_plans_with_reviews(*, with_moderated_ratings: bool = False):
    """Current plans with force, moderation, assignments (and reviewers) and submitted
    reviews with their area ratings: five queries, six with the moderated ratings."""
    submitted = PlanReview.objects.submitted().prefetch_related("area_ratings")
    queryset = (
        ActionPlan.objects.current()
        .select_related("force", "moderation")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ReviewAssignment.objects.select_related(
                    "reviewer__group_member__organisation"
                ).order_by("pk"),
            ),
            Prefetch("reviews", queryset=submitted, to_attr="submitted_reviews"),
        )
        .order_by("force__name")
    )
    if with_moderated_ratings:
        queryset = queryset.prefetch_related("moderation__area_ratings")
    return queryset


def plan_rows(user: AbstractBaseUser) -> list[PlanRow]:
    """Every current plan as a row of the plans list: six queries (five, then the user's own
    reviews' statuses)."""
    return _plan_rows(user, list(current_plans_with_reviews()))


def _plan_rows(user: AbstractBaseUser, plans: list[ActionPlan]) -> list[PlanRow]:
    """Rows for `plans` (fetched by `current_plans_with_reviews`): one query more, the user's
    own reviews' statuses."""
    mine = dict(
        PlanReview.objects.by(user)
        .filter(plan__in=[plan.pk for plan in plans])
        .values_list("plan_id", "status")
    )
    rows = []
    for plan in plans:
        assignments = list(plan.assignments.all())
        rows.append(
            PlanRow(
                plan=plan,
                assignments=assignments,
                reviews=plan.submitted_reviews,
                status=_status(plan, assignments, plan.submitted_reviews),
                assigned_to_me=any(a.reviewer_id == user.pk for a in assignments),
                my_review_status=mine.get(plan.pk, ""),
            )
        )
    return rows


@dataclass(frozen=True)
class PlanListFilters:
    nation: str = ""
    statuses: tuple[str, ...] = ()
    mine: bool = False
    sort: str = "name"


PLANS_PER_PAGE = 50


def plan_list_page(
    user: AbstractBaseUser, filters: PlanListFilters, *, number: str | int | None
) -> Page:
    """One page of the plans list, filtered and sorted as the member asked, as `PlanRow`s.

    By force name, the database filters and pages the plans, so a page costs the same
    whatever the number of forces: the count, then the page's plans with their assignments,
    reviews and ratings, and the user's own reviews. A review status is worked out from each
    plan's reviews, so filtering or sorting by it reads every plan first.
    """
    if filters.statuses or filters.sort == "status":
        return paginate(plan_list(user, filters), number=number, per_page=PLANS_PER_PAGE)
    plans = current_plans_with_reviews()
    if filters.nation:
        plans = plans.filter(force__nation=filters.nation)
    if filters.mine:
        plans = plans.filter(
            Exists(ReviewAssignment.objects.filter(plan=OuterRef("pk"), reviewer=user))
        )
    return paginate(
        plans,
        number=number,
        per_page=PLANS_PER_PAGE,
        rows=lambda page_plans: _plan_rows(user, page_plans),
    )


def plan_list(user: AbstractBaseUser, filters: PlanListFilters) -> list[PlanRow]:
    """The plans list, filtered and sorted as the member asked."""
    rows = plan_rows(user)
    if filters.nation:
        rows = [row for row in rows if row.plan.force.nation == filters.nation]
    if filters.statuses:
        rows = [row for row in rows if row.status in filters.statuses]
    if filters.mine:
        rows = [row for row in rows if row.assigned_to_me]
    if filters.sort == "status":
        rows.sort(key=lambda row: (REVIEW_STATUS_ORDER[row.status], row.plan.force.name))
    return rows


# The dashboard


@dataclass
class MyAssignment:
    assignment: ReviewAssignment
    review_status: str  # "", "draft" or "submitted"
    overdue: bool


@dataclass
class NationProgress:
    label: str
    forces: int = 0
    plans_provided: int = 0
    assignments: int = 0
    reviews_submitted: int = 0
    plans_moderated: int = 0


@dataclass
class Dashboard:
    my_assignments: Page  # of MyAssignment
    national: NationProgress
    nations: list[NationProgress] = field(default_factory=list)
    next_meeting: Meeting | None = None


PROVIDED_STATUSES = (ActionPlan.Status.PROVIDED, ActionPlan.Status.REVIEWED)


ASSIGNMENTS_PER_PAGE = 20


def dashboard(
    user: AbstractBaseUser,
    today: datetime.date | None = None,
    *,
    assignments_page: str | int | None = None,
) -> Dashboard:
    """The signed-in member's assignments (one page of them: `?assignments=N`) and the
    national progress, in six queries."""
    today = today or timezone.localdate()
    own_review = PlanReview.objects.by(user).filter(plan=OuterRef("plan"))
    mine = paginate(
        ReviewAssignment.objects.of_current_plans()
        .for_reviewer(user)
        .select_related("plan__force")
        .annotate(own_review_status=own_review.values("status")[:1])
        .order_by("due_on", "plan__force__name", "pk"),
        number=assignments_page,
        per_page=ASSIGNMENTS_PER_PAGE,
        parameter="assignments",
        rows=lambda assignments: [
            MyAssignment(
                assignment=assignment,
                review_status=assignment.own_review_status or "",
                overdue=assignment.due_on < today
                and assignment.own_review_status != PlanReview.Status.SUBMITTED,
            )
            for assignment in assignments
        ],
    )
    nations = {value: NationProgress(label=label) for value, label in Force.Nation.choices}
    for row in Force.objects.values("nation").annotate(count=Count("pk")):
        nations[row["nation"]].forces = row["count"]
    current = ActionPlan.objects.current()
    for row in current.values("force__nation").annotate(
        provided=Count("pk", filter=Q(status__in=PROVIDED_STATUSES)),
        moderated=Count("moderation"),
    ):
        nations[row["force__nation"]].plans_provided = row["provided"]
        nations[row["force__nation"]].plans_moderated = row["moderated"]
    submitted = PlanReview.objects.submitted().filter(
        plan=OuterRef("plan"), reviewer=OuterRef("reviewer")
    )
    for row in (
        ReviewAssignment.objects.of_current_plans()
        .values("plan__force__nation")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(Exists(submitted))))
    ):
        nations[row["plan__force__nation"]].assignments = row["total"]
        nations[row["plan__force__nation"]].reviews_submitted = row["done"]
    national = NationProgress(label="England and Wales")
    for nation in nations.values():
        for name in ("forces", "plans_provided", "assignments", "reviews_submitted"):
            setattr(national, name, getattr(national, name) + getattr(nation, name))
        national.plans_moderated += nation.plans_moderated
    next_meeting = (
        Meeting.objects.filter(status=Meeting.Status.PLANNED, date__gte=today)
        .order_by("date")
        .first()
    )
    return Dashboard(
        my_assignments=mine,
        national=national,
        nations=list(nations.values()),
        next_meeting=next_meeting,
    )


# The summary


@dataclass
class HeatmapRow:
    plan: ActionPlan
    status: ReviewStatus
    # One (value, label) per column, in the columns' order; ("", "Not yet counted") if none.
    cells: list[tuple[str, str]]


@dataclass
class BarChart:
    key: str
    title: str
    # (value, label, count), in the scale's order, then "not yet counted".
    bars: list[tuple[str, str, int]]

    @property
    def maximum(self) -> int:
        return max([count for _, _, count in self.bars] + [1])


@dataclass
class Summary:
    columns: list[tuple[str, str]]  # (key, heading)
    rows: list[HeatmapRow]
    charts: list[BarChart]


NOT_COUNTED = ("", "Not yet counted")


def summary() -> Summary:
    """The counted ratings of every current plan (heatmap) and how many plans were rated each
    way per area (bars): seven queries."""
    areas = list(Area.objects.order_by("position", "name"))
    columns = [(str(area.pk), area.name) for area in areas]
    columns += [(LEADERSHIP, "Leadership"), (OVERALL, "Overall judgement")]
    rating_labels = dict(PlanReview.Rating.choices)
    judgement_labels = dict(PlanReview.Judgement.choices)
    counts: dict[str, Counter] = defaultdict(Counter)
    rows = []
    for plan in current_plans_with_reviews(with_moderated_ratings=True):
        reviews = plan.submitted_reviews
        counted = counted_ratings(plan, reviews)
        cells = []
        for key, _ in columns:
            value = (counted or {}).get(key, "")
            labels = judgement_labels if key == OVERALL else rating_labels
            cells.append((value, labels[value]) if value in labels else NOT_COUNTED)
            counts[key][value if value in labels else ""] += 1
        rows.append(
            HeatmapRow(
                plan=plan,
                status=_status(plan, list(plan.assignments.all()), reviews),
                cells=cells,
            )
        )
    charts = []
    for key, title in columns:
        labels = judgement_labels if key == OVERALL else rating_labels
        bars = [(value, label, counts[key][value]) for value, label in labels.items()]
        if key == OVERALL:
            bars.reverse()  # worst first, as the ratings are
        bars.append(("", NOT_COUNTED[1], counts[key][""]))
        charts.append(BarChart(key=key, title=title, bars=bars))
    return Summary(columns=columns, rows=rows, charts=charts)


EXPORT_HEADER = (
    "force",
    "nation",
    "plan_version",
    "plan_is_current",
    "reviewer",
    "submitted_at",
    "overall_judgement",
    "leadership_rating",
    "leadership_comment",
    "strengths",
    "gaps",
    "advice",
)


def submitted_reviews_export() -> tuple[list[str], list[list[str]]]:
    """Every submitted review, one row each, for the secretariat's CSV and XLSX downloads:
    three queries (areas, reviews with plan, force and reviewer, area ratings)."""
    areas = list(Area.objects.order_by("position", "name"))
    header = list(EXPORT_HEADER)
    for area in areas:
        header += [f"{area.name}: rating", f"{area.name}: comment"]
    rows = []
    reviews = (
        PlanReview.objects.submitted()
        .select_related("plan__force", "reviewer__group_member__organisation")
        .prefetch_related("area_ratings")
        .order_by("plan__force__name", "plan__version", "submitted_at", "pk")
    )
    rating_labels = dict(PlanReview.Rating.choices)
    for review in reviews:
        by_area = {rating.area_id: rating for rating in review.area_ratings.all()}
        row = [
            review.plan.force.name,
            review.plan.force.get_nation_display(),
            str(review.plan.version),
            "yes" if not review.plan.is_superseded else "no",
            reviewer_label(review.reviewer),
            review.submitted_at.isoformat() if review.submitted_at else "",
            review.get_overall_judgement_display(),
            review.get_leadership_rating_display(),
            review.leadership_comment,
            review.strengths,
            review.gaps,
            review.advice,
        ]
        for area in areas:
            rating = by_area.get(area.pk)
            row += [
                rating_labels.get(rating.rating, "") if rating else "",
                rating.comment if rating else "",
            ]
        rows.append(row)
    return header, rows
