"""Reads for the members' dashboard, the plans list and the summary.

Each function fetches what its page needs in a fixed number of queries, whatever the number of
forces (the query-count tests in `tests/forces/test_member_pages.py` hold them to it).
Reviews are read only as ratings here: no review's text or author leaves this module except
through `submitted_reviews_export`, which the secretariat alone may download.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.utils import timezone

from forces import review_outcomes
from forces.models import (
    ActionPlan,
    Force,
    PlanReview,
    ProgressTally,
    ReviewAssignment,
    ReviewStatus,
)
from forces.review_outcomes import LEADERSHIP, OVERALL
from oversight.models import Meeting
from oversight.pagination import paginate
from oversight.subqueries import related_count
from recommendations.models import Area

REVIEW_STATUS_ORDER = {status: position for position, status in enumerate(ReviewStatus)}


def progress_tally() -> dict[str, Counter]:
    """The running totals over the current plans, per nation and measure, in one query
    (kept by `forces.review_outcomes`: call `refresh_stale` first)."""
    tally: dict[str, Counter] = defaultdict(Counter)
    for nation, measure, amount in ProgressTally.objects.values_list("nation", "measure", "amount"):
        tally[nation][measure] = amount
    return tally


def current_plans_counted(
    tally: dict[str, Counter], *, nation: str = "", statuses: tuple[str, ...] = ()
) -> int:
    """How many current plans there are (of one nation, with one of `statuses`), from the
    running totals."""
    nations = [nation] if nation else Force.Nation.values
    return sum(
        tally[name][review_outcomes.status_measure(status)]
        for name in nations
        for status in statuses or ReviewStatus.values
    )


def reviewer_label(user: AbstractBaseUser) -> str:
    """How a reviewer is named to the secretariat and members: their member listing if any."""
    member = getattr(user, "group_member", None)
    if member is not None:
        return member.listing_label
    return user.get_full_name() or user.get_username()


@dataclass
class PlanRow:
    """One current plan with its assignments, submitted reviews and review status."""

    plan: ActionPlan
    assignments: list[ReviewAssignment]
    reviews: list[PlanReview]
    assigned_to_me: bool = False
    my_review_status: str = ""

    @property
    def status(self) -> ReviewStatus:
        return ReviewStatus(self.plan.review_status)

    @property
    def reviewer_labels(self) -> list[str]:
        return [reviewer_label(assignment.reviewer) for assignment in self.assignments]

    @property
    def submitted_count(self) -> int:
        return len(self.reviews)


def current_plans_with_reviews():
    """Current plans with force, assignments (and reviewers) and submitted reviews, by force
    name: four queries. The review status is the plan's own `review_status`, kept up to date
    by `forces.review_outcomes` (call `refresh_stale` first)."""
    return (
        ActionPlan.objects.current()
        .select_related("force")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ReviewAssignment.objects.select_related(
                    "reviewer__group_member__organisation"
                ).order_by("pk"),
            ),
            Prefetch(
                "reviews", queryset=PlanReview.objects.submitted(), to_attr="submitted_reviews"
            ),
        )
        .order_by("force__name", "pk")
    )


def plans_to_moderate(user: AbstractBaseUser) -> list[PlanRow]:
    """The current plans the secretariat may moderate: those with more than one submitted
    review, including those that need moderation and those already moderated."""
    review_outcomes.refresh_stale()
    plans = (
        current_plans_with_reviews()
        .annotate(submitted=related_count(PlanReview.objects.submitted(), "plan"))
        .filter(
            Q(review_status__in=[ReviewStatus.NEEDS_MODERATION, ReviewStatus.MODERATED])
            | Q(submitted__gt=1)
        )
    )
    return _plan_rows(user, list(plans))


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

    The database filters, sorts and pages the plans (the review status is kept on each plan),
    so a page costs the same whatever the number of forces: whether any plan is stale, the
    count (read from the running totals unless the list is of my plans only), then the page's
    plans with their assignments and reviews, and the user's own reviews.
    """
    review_outcomes.refresh_stale()
    count = None
    if not filters.mine:
        count = current_plans_counted(
            progress_tally(), nation=filters.nation, statuses=filters.statuses
        )
    return paginate(
        _plans_filtered(user, filters),
        number=number,
        per_page=PLANS_PER_PAGE,
        rows=lambda page_plans: _plan_rows(user, page_plans),
        count=count,
    )


def _plans_filtered(user: AbstractBaseUser, filters: PlanListFilters):
    plans = current_plans_with_reviews()
    if filters.nation:
        plans = plans.filter(force__nation=filters.nation)
    if filters.statuses:
        plans = plans.filter(review_status__in=filters.statuses)
    if filters.mine:
        plans = plans.filter(
            Exists(ReviewAssignment.objects.filter(plan=OuterRef("pk"), reviewer=user))
        )
    if filters.sort == "status":
        by_status = Case(
            *[
                When(review_status=status, then=Value(position))
                for status, position in REVIEW_STATUS_ORDER.items()
            ],
            output_field=IntegerField(),
        )
        plans = plans.order_by(by_status, "force__name", "pk")
    return plans


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


ASSIGNMENTS_PER_PAGE = 20


def dashboard(
    user: AbstractBaseUser,
    today: datetime.date | None = None,
    *,
    assignments_page: str | int | None = None,
) -> Dashboard:
    """The signed-in member's assignments (one page of them: `?assignments=N`) and the
    national progress, in five queries: the assignments' count and page, whether any plan's
    outcome is stale, the running totals per nation, and the next meeting. The national
    figures are read from a few dozen kept totals, however many plans, reviews and
    assignments the years have left."""
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
    review_outcomes.refresh_stale()
    tally = progress_tally()
    nations = {
        value: NationProgress(
            label=label,
            forces=tally[value][review_outcomes.FORCES],
            plans_provided=tally[value][review_outcomes.PROVIDED],
            assignments=tally[value][review_outcomes.ASSIGNMENTS],
            reviews_submitted=tally[value][review_outcomes.SUBMITTED],
            plans_moderated=tally[value][review_outcomes.status_measure(ReviewStatus.MODERATED)],
        )
        for value, label in Force.Nation.choices
    }
    national = NationProgress(label="England and Wales")
    for nation in nations.values():
        for name in (
            "forces",
            "plans_provided",
            "assignments",
            "reviews_submitted",
            "plans_moderated",
        ):
            setattr(national, name, getattr(national, name) + getattr(nation, name))
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
    # One (value, label) per column, in the columns' order; ("", "Not yet counted") if none.
    cells: list[tuple[str, str]]

    @property
    def status(self) -> ReviewStatus:
        return ReviewStatus(self.plan.review_status)


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
    heatmap: Page  # of HeatmapRow
    charts: list[BarChart]

    @property
    def rows(self) -> list[HeatmapRow]:
        """The heatmap's rows on this page."""
        return list(self.heatmap.object_list)


NOT_COUNTED = ("", "Not yet counted")
HEATMAP_ROWS_PER_PAGE = 50


def summary(*, page: str | int | None = None) -> Summary:
    """The counted ratings of one page of current plans (heatmap) and how many plans were
    rated each way per area (bars), in five queries whatever the number of plans: whether any
    plan is stale, the areas, the running totals (how many plans, and how many were rated
    each way: `forces.review_outcomes` keeps them), the page's plans, and their counted
    ratings."""
    review_outcomes.refresh_stale()
    tally = progress_tally()
    areas = list(Area.objects.order_by("position", "name"))
    columns = [(str(area.pk), area.name) for area in areas]
    columns += [(LEADERSHIP, "Leadership"), (OVERALL, "Overall judgement")]
    rating_labels = dict(PlanReview.Rating.choices)
    judgement_labels = dict(PlanReview.Judgement.choices)

    def labelled(key: str, value: str) -> tuple[str, str]:
        labels = judgement_labels if key == OVERALL else rating_labels
        return (value, labels[value]) if value in labels else NOT_COUNTED

    def heatmap_rows(plans: list[ActionPlan]) -> list[HeatmapRow]:
        rows = []
        for plan in plans:
            counted = {rating.key: rating.value for rating in plan.counted_ratings.all()}
            rows.append(
                HeatmapRow(
                    plan=plan,
                    cells=[labelled(key, counted.get(key, "")) for key, _ in columns],
                )
            )
        return rows

    current = ActionPlan.objects.current()
    heatmap = paginate(
        current.select_related("force")
        .prefetch_related("counted_ratings")
        .order_by("force__name", "pk"),
        number=page,
        per_page=HEATMAP_ROWS_PER_PAGE,
        rows=heatmap_rows,
        count=current_plans_counted(tally),
    )
    plans_count = heatmap.paginator.count

    def plans_rated(key: str, value: str) -> int:
        measure = review_outcomes.counted_measure(key, value)
        return sum(tally[nation][measure] for nation in Force.Nation.values)

    charts = []
    for key, title in columns:
        labels = judgement_labels if key == OVERALL else rating_labels
        counts = {value: plans_rated(key, value) for value in labels}
        bars = [(value, label, counts[value]) for value, label in labels.items()]
        if key == OVERALL:
            bars.reverse()  # worst first, as the ratings are
        counted_plans = sum(counts.values())
        bars.append(("", NOT_COUNTED[1], plans_count - counted_plans))
        charts.append(BarChart(key=key, title=title, bars=bars))
    return Summary(columns=columns, heatmap=heatmap, charts=charts)


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
