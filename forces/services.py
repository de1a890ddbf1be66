"""Writes for force action plans: new versions of a plan, and a group member's review of one."""

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from forces.models import ActionPlan, PlanReview
from oversight.permissions import can_change_review, can_review_plans

logger = logging.getLogger(__name__)

ALREADY_SUBMITTED_MESSAGE = "You have already submitted your review of this plan"
NOT_ALLOWED_MESSAGE = "You cannot review force action plans"
NO_ASSESSMENT_MESSAGE = "Select whether the plan meets the expectation"
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
    logger.info(
        "event=action_plan_version_added plan=%s force=%s version=%s superseded=%s",
        plan.pk,
        plan.force_id,
        plan.version,
        ",".join(str(old.pk) for old in earlier) or "-",
    )
    return plan


@transaction.atomic
def plan_review_save(
    *,
    plan: ActionPlan,
    reviewer: AbstractBaseUser,
    assessment: str,
    comments: str,
    submit: bool = False,
) -> PlanReview:
    """Save the reviewer's own review of the plan as a draft, or submit it.

    The rules live here, the form only checks the shape of what was typed: who may write the
    review (`can_review_plans`, `can_change_review`), that a submitted review is frozen, that
    a superseded plan takes no more reviews, and that submitting needs an assessment.
    Raises `PermissionDenied` for someone who may not review, `ValidationError` otherwise.
    """
    # Both rows locked and read again, so two saves or submits at once, or a new version of
    # the plan arriving meanwhile, cannot slip past the checks below.
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    review = PlanReview.objects.select_for_update().by(reviewer).filter(
        plan=plan
    ).first() or PlanReview(plan=plan, reviewer=reviewer)

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
    if submit and not assessment:
        raise ValidationError({"assessment": NO_ASSESSMENT_MESSAGE}, code="required")

    review.assessment = assessment
    review.comments = comments
    if submit:
        review.status = PlanReview.Status.SUBMITTED
        review.submitted_at = timezone.now()
    review.full_clean()
    review.save()
    if submit:
        logger.info(
            "event=plan_review_submitted review=%s plan=%s user=%s",
            review.pk,
            review.plan_id,
            reviewer.pk,
        )
    return review
