"""Writes for force action plans: new versions of a plan, and a group member's review of one."""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from forces.models import ActionPlan, AreaRating, PlanReview, ReviewAssignment, ReviewReopening
from oversight.mail import email_queue
from oversight.permissions import can_change_review, can_reopen_review, can_review_plans
from recommendations.models import Area

logger = logging.getLogger(__name__)

ALREADY_SUBMITTED_MESSAGE = "You have already submitted your review of this plan"
NOT_ALLOWED_MESSAGE = "You cannot review force action plans"
NO_JUDGEMENT_MESSAGE = "Select an overall judgement of the plan"
NO_LEADERSHIP_MESSAGE = "Select how far the plan gives full effect to the force's priority"
NO_AREA_RATING_MESSAGE = "Select how far the plan addresses {area}"
STALE_MESSAGE = (
    "This review changed since you opened it, in another tab or window. "
    "Your version is in the form below and the saved one beside it: "
    "check the form, then save again"
)
NOT_SUBMITTED_MESSAGE = "Only a submitted review can be reopened"
NO_REASON_MESSAGE = "Enter why the review is reopened"
NOT_ALLOWED_TO_REOPEN_MESSAGE = "You cannot reopen reviews"
SUPERSEDED_MESSAGE = (
    "This version of the plan has been superseded by a newer one: review the current version"
)


@transaction.atomic
def action_plan_add_version(*, plan: ActionPlan) -> ActionPlan:
    """Save a new version of a force's plan; the force's earlier versions become superseded.

    Their reviews stay attached to them: a review judges the version its author read.
    """
    if plan.pk is not None:
        raise ValueError("action_plan_add_version saves a new plan, not an existing one")
    # Locked, so a member cannot start a review of a version while it is being superseded.
    earlier = list(
        ActionPlan.objects.select_for_update()
        .current()
        .filter(force=plan.force_id, version__lt=plan.version)
    )
    plan.full_clean()
    plan.save()
    for old in earlier:
        old.status = ActionPlan.Status.SUPERSEDED
        old.full_clean()
        old.save(update_fields=["status"])
    for old in earlier:
        reassign_on_new_version(old, plan)
    logger.info(
        "event=action_plan_version_added plan=%s force=%s version=%s superseded=%s",
        plan.pk,
        plan.force_id,
        plan.version,
        ",".join(str(old.pk) for old in earlier) or "-",
    )
    return plan


def reassign_on_new_version(old_plan: ActionPlan, new_plan: ActionPlan) -> None:
    """Ask the reviewers assigned to a superseded version to review its successor.

    Runs inside `action_plan_add_version`'s transaction, once per superseded version: each
    reviewer gets the same assignment (and due date) on the new version, and one e-mail saying
    so. Their review of the old version stays with the old version.
    """
    for assignment in old_plan.assignments.select_related("reviewer"):
        _, created = ReviewAssignment.objects.get_or_create(
            plan=new_plan,
            reviewer=assignment.reviewer,
            defaults={"due_on": assignment.due_on, "assigned_by": assignment.assigned_by},
        )
        if not created or not assignment.reviewer.email:
            continue
        email_queue(
            idempotency_key=f"plan-version-assigned:{new_plan.pk}:{assignment.reviewer_id}",
            to=[assignment.reviewer.email],
            subject=f"A new version of the {new_plan.force.name} action plan to review",
            body=(
                f"{new_plan.force.name} has provided version {new_plan.version} of its action "
                f"plan, replacing the version {old_plan.version} you were asked to review.\n\n"
                "Please review the new version: sign in to the National Oversight Group service "
                "and open your assigned reviews. Your review of the earlier version is kept with "
                f"it. The new review is due on {assignment.due_on.day} "
                f"{assignment.due_on:%B %Y}.\n"
            ),
        )


def area_rating_key(area: Area) -> str:
    """The name one area's rating has in a review's answers and errors, e.g.
    `area-risk-assessment-rating`; the form names its field the same, so an error links to it."""
    return f"area-{area.slug}-rating"


def area_comment_key(area: Area) -> str:
    return f"area-{area.slug}-comment"


@dataclass(frozen=True)
class AreaAnswer:
    rating: str = ""
    comment: str = ""


@dataclass(frozen=True)
class ReviewAnswers:
    """What a reviewer typed into the review form; `areas` maps an area's pk to its answer."""

    overall_judgement: str = ""
    leadership_rating: str = ""
    leadership_comment: str = ""
    strengths: str = ""
    gaps: str = ""
    advice: str = ""
    areas: Mapping[int, AreaAnswer] = field(default_factory=dict)


REVIEW_TEXT_FIELDS = (
    "overall_judgement",
    "leadership_rating",
    "leadership_comment",
    "strengths",
    "gaps",
    "advice",
)


def _missing_for_submit(answers: ReviewAnswers, areas: list[Area]) -> dict[str, str]:
    """What a submit needs and the answers lack, keyed as the form names its fields."""
    missing = {}
    for area in areas:
        if not answers.areas.get(area.pk, AreaAnswer()).rating:
            missing[area_rating_key(area)] = NO_AREA_RATING_MESSAGE.format(area=area.name)
    if not answers.leadership_rating:
        missing["leadership_rating"] = NO_LEADERSHIP_MESSAGE
    if not answers.overall_judgement:
        missing["overall_judgement"] = NO_JUDGEMENT_MESSAGE
    return missing


@transaction.atomic
def plan_review_save(
    *,
    plan: ActionPlan,
    reviewer: AbstractBaseUser,
    answers: ReviewAnswers,
    version: int,
    submit: bool = False,
) -> PlanReview:
    """Save the reviewer's own review of the plan as a draft, or submit it.

    `version` is the review's version when the reviewer opened the form (0 if they had none):
    if the review has been saved since, in another tab, the save is refused (code
    `stale_version`) and nothing is lost: the caller still has the answers.

    The rules live here, the form only checks the shape of what was typed: who may write the
    review (`can_review_plans`, `can_change_review`), that a submitted review is locked, that
    a superseded plan takes no more reviews, and that a submit rates every working-group area
    and leadership and gives an overall judgement. Raises `PermissionDenied` for someone who
    may not review, `ValidationError` otherwise. Review text never goes into a log line.
    """
    # Both rows locked and read again, so two saves or submits at once, or a new version of
    # the plan arriving meanwhile, cannot slip past the checks below.
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    review = PlanReview.objects.select_for_update().by(reviewer).filter(
        plan=plan
    ).first() or PlanReview(plan=plan, reviewer=reviewer, version=0)

    if review.pk is None:
        allowed = can_review_plans(reviewer)
    else:
        allowed = can_change_review(reviewer, review)
    if not allowed:
        if review.is_submitted:
            raise ValidationError(ALREADY_SUBMITTED_MESSAGE, code="already_submitted")
        raise PermissionDenied(NOT_ALLOWED_MESSAGE)
    if plan.is_superseded:
        raise ValidationError(SUPERSEDED_MESSAGE, code="plan_superseded")
    if review.version != version:
        raise ValidationError(STALE_MESSAGE, code="stale_version")
    areas = list(Area.objects.all())
    if submit and (missing := _missing_for_submit(answers, areas)):
        raise ValidationError(
            {key: ValidationError(message, code="required") for key, message in missing.items()}
        )

    for name in REVIEW_TEXT_FIELDS:
        setattr(review, name, getattr(answers, name))
    review.version += 1
    if submit:
        review.status = PlanReview.Status.SUBMITTED
        review.submitted_at = timezone.now()
    review.full_clean()
    review.save()

    existing = {rating.area_id: rating for rating in review.area_ratings.select_for_update()}
    for area in areas:
        answer = answers.areas.get(area.pk, AreaAnswer())
        rating = existing.get(area.pk) or AreaRating(review=review, area=area)
        if rating.pk is not None and (rating.rating, rating.comment) == (
            answer.rating,
            answer.comment,
        ):
            continue
        rating.rating, rating.comment = answer.rating, answer.comment
        try:
            rating.full_clean()
        except ValidationError as error:
            raise ValidationError(
                {
                    area_rating_key(area) if key == "rating" else area_comment_key(area): messages
                    for key, messages in error.message_dict.items()
                }
            ) from error
        rating.save()

    logger.info(
        "event=%s review=%s plan=%s user=%s version=%s",
        "plan_review_submitted" if submit else "plan_review_saved",
        review.pk,
        review.plan_id,
        reviewer.pk,
        review.version,
    )
    return review


@transaction.atomic
def plan_review_reopen(*, review: PlanReview, by: AbstractBaseUser, reason: str) -> ReviewReopening:
    """The secretariat reopens a submitted review, with a reason its author is shown.

    The review goes back to draft, so its author may change and submit it again; its
    version goes up, so a page opened before the reopening cannot overwrite it.
    """
    if not can_reopen_review(by):
        raise PermissionDenied(NOT_ALLOWED_TO_REOPEN_MESSAGE)
    review = PlanReview.objects.select_for_update().select_related("plan").get(pk=review.pk)
    if not review.is_submitted:
        raise ValidationError(NOT_SUBMITTED_MESSAGE, code="not_submitted")
    if review.plan.is_superseded:
        raise ValidationError(SUPERSEDED_MESSAGE, code="plan_superseded")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": NO_REASON_MESSAGE}, code="required")
    reopening = ReviewReopening(review=review, reopened_by=by, reason=reason)
    reopening.full_clean()
    review.status = PlanReview.Status.DRAFT
    review.submitted_at = None
    review.version += 1
    review.full_clean()
    review.save()
    reopening.save()
    logger.info(
        "event=plan_review_reopened review=%s plan=%s by=%s", review.pk, review.plan_id, by.pk
    )
    return reopening
