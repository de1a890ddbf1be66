"""Writes for the secretariat's side of the review: assigning reviewers (by hand or by
auto-assign), recording a moderated outcome, and the daily reminder e-mails.

The rules live here; the admin pages and the `send_review_reminders` command only call them.
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from forces.models import (
    ActionPlan,
    ForceConflict,
    ModeratedAreaRating,
    PlanModeration,
    PlanReview,
    ReviewAssignment,
)
from forces.selectors import reviewer_label
from oversight.mail import email_queue
from oversight.models import Member, Organisation
from oversight.permissions import can_assign_reviewers, can_moderate, can_review_plans
from recommendations.models import Area

logger = logging.getLogger(__name__)

SECTORS = (Organisation.Sector.STATUTORY, Organisation.Sector.VOLUNTARY)
REMINDER_WINDOW = datetime.timedelta(days=7)

NOT_ALLOWED_MESSAGE = "You cannot assign reviewers"
SUPERSEDED_MESSAGE = "{plan} has been superseded: assign reviewers to the current version"
CONFLICT_MESSAGE = "{member} has declared a conflict with {force}"
CANNOT_REVIEW_MESSAGE = "{reviewer} cannot review force action plans"


# Assigning reviewers


@dataclass
class AssignResult:
    created: int = 0
    updated: int = 0


def _conflicts_by_user(users: Iterable[AbstractBaseUser]) -> dict[int, set[int]]:
    """Each user's declared conflicts, as force ids, in one query."""
    conflicts: dict[int, set[int]] = defaultdict(set)
    for user_id, force_id in ForceConflict.objects.filter(
        member__user__in=[user.pk for user in users]
    ).values_list("member__user_id", "force_id"):
        conflicts[user_id].add(force_id)
    return conflicts


def _check_assignable(
    plans: list[ActionPlan], reviewers: list[AbstractBaseUser]
) -> list[ValidationError]:
    errors = [
        ValidationError(SUPERSEDED_MESSAGE.format(plan=plan), code="plan_superseded")
        for plan in plans
        if plan.is_superseded
    ]
    errors += [
        ValidationError(CANNOT_REVIEW_MESSAGE.format(reviewer=reviewer), code="cannot_review")
        for reviewer in reviewers
        if not can_review_plans(reviewer)
    ]
    conflicts = _conflicts_by_user(reviewers)
    for reviewer in reviewers:
        for plan in plans:
            if plan.force_id in conflicts[reviewer.pk]:
                errors.append(
                    ValidationError(
                        CONFLICT_MESSAGE.format(member=reviewer_label(reviewer), force=plan.force),
                        code="conflict",
                    )
                )
    return errors


def assignment_errors(plan: ActionPlan, reviewer: AbstractBaseUser) -> list[str]:
    """Why this reviewer cannot be assigned this plan (none if they can)."""
    return [
        message for error in _check_assignable([plan], [reviewer]) for message in error.messages
    ]


@transaction.atomic
def reviewers_assign(
    *,
    plans: Iterable[ActionPlan],
    reviewers: Iterable[AbstractBaseUser],
    due_on: datetime.date,
    by: AbstractBaseUser,
) -> AssignResult:
    """Assign every reviewer to every plan, due on `due_on`; all or nothing.

    An existing assignment keeps its reviewer and takes the new due date, so assigning twice
    never duplicates. Refused (`ValidationError`, nothing saved) for a superseded plan, someone
    who cannot review, or a reviewer with a declared conflict with the plan's force.
    """
    if not can_assign_reviewers(by):
        raise PermissionDenied(NOT_ALLOWED_MESSAGE)
    plans = list(plans)
    reviewers = list(reviewers)
    errors = _check_assignable(plans, reviewers)
    if errors:
        raise ValidationError(errors)
    existing = {
        (assignment.plan_id, assignment.reviewer_id): assignment
        for assignment in ReviewAssignment.objects.select_for_update().filter(
            plan__in=plans, reviewer__in=reviewers
        )
    }
    result = AssignResult()
    for plan in plans:
        for reviewer in reviewers:
            assignment = existing.get((plan.pk, reviewer.pk))
            if assignment is None:
                assignment = ReviewAssignment(
                    plan=plan, reviewer=reviewer, due_on=due_on, assigned_by=by
                )
                result.created += 1
            elif assignment.due_on != due_on:
                assignment.due_on = due_on
                result.updated += 1
            else:
                continue
            assignment.full_clean(validate_constraints=False, validate_unique=False)
            assignment.save()
    logger.info(
        "event=reviewers_assigned by=%s plans=%s reviewers=%s created=%s updated=%s",
        by.pk,
        len(plans),
        ",".join(str(reviewer.pk) for reviewer in reviewers),
        result.created,
        result.updated,
    )
    return result


# Auto-assign


@dataclass(frozen=True)
class ProposedAssignment:
    plan: ActionPlan
    reviewer: AbstractBaseUser
    sector: str

    @property
    def reviewer_label(self) -> str:
        return reviewer_label(self.reviewer)

    @property
    def sector_label(self) -> str:
        return Organisation.Sector(self.sector).label


@dataclass
class AutoAssignProposal:
    """What auto-assign would save, and what it could not fill, shown before anything is saved."""

    due_on: datetime.date | None
    assignments: list[ProposedAssignment] = field(default_factory=list)
    # (plan, sector label) where no member of that sector could take the plan.
    unfilled: list[tuple[ActionPlan, str]] = field(default_factory=list)
    superseded: list[ActionPlan] = field(default_factory=list)
    # Serving members with a login whom auto-assign cannot use: they have no sector, because
    # they have no organisation or their organisation has none (`no_sector_reason` says which).
    without_sector: list[Member] = field(default_factory=list)

    @property
    def left_out_members(self) -> list[tuple[Member, str]]:
        """The members auto-assign left out, each with why, for the proposal page."""
        return [(member, no_sector_reason(member)) for member in self.without_sector]


def no_sector_reason(member: Member) -> str:
    """Why auto-assign cannot use a member, and what the secretariat can do about it.

    A member with no organisation (a chair, or an independent expert) has no sector: rather
    than guess one, auto-assign leaves them out and says so. They can still be assigned by hand.
    """
    if member.organisation is None:
        return (
            "not linked to an organisation, so they have no sector: link them to one on their "
            "page, or assign them by hand"
        )
    return (
        f"their organisation, {member.organisation.name}, has no sector: give it one, "
        "or assign them by hand"
    )


def auto_assign_candidates() -> tuple[list[Member], list[Member]]:
    """Serving members who can review, split into those with a sector and those without."""
    members = (
        Member.objects.current()
        .filter(user__isnull=False, user__is_active=True)
        .select_related("user", "organisation")
        .order_by("display_order", "pk")
    )
    reviewing = [member for member in members if can_review_plans(member.user)]
    return (
        [member for member in reviewing if member.sector],
        [member for member in reviewing if not member.sector],
    )


def auto_assign_propose(
    *, plans: Iterable[ActionPlan], due_on: datetime.date | None = None
) -> AutoAssignProposal:
    """Propose one statutory and one voluntary reviewer for each current plan that lacks one.

    A plan that already has a reviewer from a sector gets no second one from it (so running it
    twice proposes nothing new). Among the members who could take a plan (a login that can
    review, no declared conflict with the force, not already on the plan), the one with the
    fewest current assignments (counting this proposal's) is chosen, then the first listed.
    """
    proposal = AutoAssignProposal(due_on=due_on)
    candidates, proposal.without_sector = auto_assign_candidates()
    users = [member.user for member in candidates]
    conflicts = _conflicts_by_user(users)
    load = dict(
        ReviewAssignment.objects.of_current_plans()
        .filter(reviewer__in=users)
        .values("reviewer")
        .annotate(count=Count("pk"))
        .values_list("reviewer", "count")
    )
    plans = sorted(plans, key=lambda plan: (plan.force.name, plan.version))
    assigned: dict[int, set[int]] = defaultdict(set)
    for plan_id, reviewer_id in ReviewAssignment.objects.filter(plan__in=plans).values_list(
        "plan_id", "reviewer_id"
    ):
        assigned[plan_id].add(reviewer_id)
    sector_of = {member.user.pk: member.sector for member in candidates}
    # Members whose logins could review but who are not candidates still count for a sector.
    for member in Member.objects.filter(user__in={r for ids in assigned.values() for r in ids}):
        sector_of.setdefault(member.user_id, member.sector)

    for plan in plans:
        if plan.is_superseded:
            proposal.superseded.append(plan)
            continue
        for sector in SECTORS:
            if any(sector_of.get(user_id) == sector for user_id in assigned[plan.pk]):
                continue
            able = [
                member
                for member in candidates
                if member.sector == sector
                and plan.force_id not in conflicts[member.user.pk]
                and member.user.pk not in assigned[plan.pk]
            ]
            if not able:
                proposal.unfilled.append((plan, Organisation.Sector(sector).label))
                continue
            chosen = min(able, key=lambda member: load.get(member.user.pk, 0))
            load[chosen.user.pk] = load.get(chosen.user.pk, 0) + 1
            assigned[plan.pk].add(chosen.user.pk)
            proposal.assignments.append(
                ProposedAssignment(plan=plan, reviewer=chosen.user, sector=sector)
            )
    return proposal


@transaction.atomic
def auto_assign_apply(
    *,
    pairs: Iterable[tuple[ActionPlan, AbstractBaseUser]],
    due_on: datetime.date,
    by: AbstractBaseUser,
) -> AssignResult:
    """Save the (plan, reviewer) pairs of a proposal the secretariat confirmed.

    The pairs come back from the confirmation page, so every rule is checked again; a pair that
    exists already is left as it is (applying twice saves nothing the second time).
    """
    if not can_assign_reviewers(by):
        raise PermissionDenied(NOT_ALLOWED_MESSAGE)
    pairs = list(pairs)
    errors = []
    for plan, reviewer in pairs:
        errors += _check_assignable([plan], [reviewer])
    if errors:
        raise ValidationError(errors)
    existing = set(
        ReviewAssignment.objects.select_for_update()
        .filter(plan__in={plan.pk for plan, _ in pairs})
        .values_list("plan_id", "reviewer_id")
    )
    result = AssignResult()
    for plan, reviewer in pairs:
        if (plan.pk, reviewer.pk) in existing:
            continue
        assignment = ReviewAssignment(plan=plan, reviewer=reviewer, due_on=due_on, assigned_by=by)
        assignment.full_clean(validate_constraints=False, validate_unique=False)
        assignment.save()
        existing.add((plan.pk, reviewer.pk))
        result.created += 1
    logger.info("event=auto_assign_applied by=%s created=%s", by.pk, result.created)
    return result


# Moderation


MODERATION_NOT_ALLOWED_MESSAGE = "You cannot record a moderated outcome"
NO_REVIEWS_MESSAGE = "{plan} has no submitted review to moderate"
AREA_MISSING_MESSAGE = "Select the agreed rating for {area}"


@transaction.atomic
def plan_moderation_record(
    *,
    plan: ActionPlan,
    overall_judgement: str,
    leadership_rating: str,
    area_ratings: Mapping[Area, str],
    note: str,
    by: AbstractBaseUser,
) -> PlanModeration:
    """Record (or change) the outcome the secretariat agreed for a plan; it is what counts."""
    if not can_moderate(by):
        raise PermissionDenied(MODERATION_NOT_ALLOWED_MESSAGE)
    plan = ActionPlan.objects.select_for_update().select_related("force").get(pk=plan.pk)
    if not plan.reviews.submitted().exists():
        raise ValidationError(NO_REVIEWS_MESSAGE.format(plan=plan), code="no_reviews")
    missing = {
        f"area_{area.pk}": AREA_MISSING_MESSAGE.format(area=area)
        for area in Area.objects.all()
        if not area_ratings.get(area)
    }
    if missing:
        raise ValidationError(missing, code="required")
    moderation = PlanModeration.objects.filter(plan=plan).first() or PlanModeration(plan=plan)
    moderation.overall_judgement = overall_judgement
    moderation.leadership_rating = leadership_rating
    moderation.note = note
    moderation.decided_by = by
    moderation.decided_at = timezone.now()
    moderation.full_clean()
    moderation.save()
    for area, rating in area_ratings.items():
        row = ModeratedAreaRating.objects.filter(
            moderation=moderation, area=area
        ).first() or ModeratedAreaRating(moderation=moderation, area=area)
        row.rating = rating
        row.full_clean()
        row.save()
    logger.info("event=plan_moderated plan=%s by=%s", plan.pk, by.pk)
    return moderation


# Reminders


@dataclass
class ReminderSent:
    reviewer_id: int
    reviews: int
    queued: bool


def reminders_due(today: datetime.date) -> dict[AbstractBaseUser, list[ReviewAssignment]]:
    """Each reviewer's assignments due within a week or overdue, not yet submitted, on
    current plans, unless a reminder went today: the reminder lists them all."""
    submitted = PlanReview.objects.submitted().filter(
        plan=OuterRef("plan"), reviewer=OuterRef("reviewer")
    )
    assignments = (
        ReviewAssignment.objects.of_current_plans()
        .filter(due_on__lte=today + REMINDER_WINDOW, reviewer__is_active=True)
        .exclude(reviewer__email="")
        .exclude(Exists(submitted))
        .select_related("plan__force", "reviewer")
        .order_by("reviewer_id", "due_on", "plan__force__name")
    )
    by_reviewer: dict[int, list[ReviewAssignment]] = defaultdict(list)
    for assignment in assignments:
        by_reviewer[assignment.reviewer_id].append(assignment)
    return {
        rows[0].reviewer: rows
        for rows in by_reviewer.values()
        if not all(row.last_reminded_on == today for row in rows)
    }


def _reminder_body(assignments: list[ReviewAssignment], today: datetime.date, site_url: str) -> str:
    lines = [
        "You have force action plan reviews to submit:",
        "",
    ]
    for assignment in assignments:
        due = f"{assignment.due_on.day} {assignment.due_on:%B %Y}"
        state = "OVERDUE, was due" if assignment.due_on < today else "due"
        url = site_url + reverse("forces:plan-review", kwargs={"pk": assignment.plan_id})
        lines.append(
            f"- {assignment.plan.force.name} (version {assignment.plan.version}): {state} {due}"
        )
        lines.append(f"  {url}")
    lines += [
        "",
        f"Your assigned reviews: {site_url}{reverse('members:dashboard')}",
        "",
        "You get this reminder at most once a day while a review is due within 7 days or overdue.",
    ]
    return "\n".join(lines)


def review_reminders_send(*, today: datetime.date, site_url: str) -> list[ReminderSent]:
    """Queue one reminder per reviewer listing all their due or overdue reviews, once a day.

    The e-mail's key names the reviewer and the day, so a second run on the same day (or two
    runs at once) queues nothing new; `last_reminded_on` records the day on each assignment.
    """
    sent = []
    for reviewer, assignments in reminders_due(today).items():
        count = len(assignments)
        with transaction.atomic():
            _, queued = email_queue(
                idempotency_key=f"review-reminder:{reviewer.pk}:{today.isoformat()}",
                to=[reviewer.email],
                subject=(
                    f"Reminder: {count} force action plan review{'s' if count != 1 else ''} "
                    "to submit"
                ),
                body=_reminder_body(assignments, today, site_url.rstrip("/")),
            )
            ReviewAssignment.objects.filter(pk__in=[row.pk for row in assignments]).update(
                last_reminded_on=today
            )
        sent.append(ReminderSent(reviewer_id=reviewer.pk, reviews=count, queued=queued))
        logger.info(
            "event=review_reminder user=%s reviews=%s queued=%s", reviewer.pk, count, queued
        )
    return sent
