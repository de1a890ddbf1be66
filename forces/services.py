"""Writes for force action plans: a group member's review of a plan."""

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forces.models import ActionPlan, PlanReview

logger = logging.getLogger(__name__)

ALREADY_SUBMITTED_MESSAGE = "You have already submitted your review of this plan"
NOT_YOURS_MESSAGE = "You can only submit your own review"
NO_ASSESSMENT_MESSAGE = "Select whether the plan meets the expectation"


@transaction.atomic
def plan_review_save(
    *, plan: ActionPlan, reviewer: AbstractBaseUser, assessment: str, comments: str
) -> PlanReview:
    """Create or update the reviewer's draft review of the plan; a submitted one is refused."""
    review = PlanReview.objects.select_for_update().by(reviewer).filter(
        plan=plan
    ).first() or PlanReview(plan=plan, reviewer=reviewer)
    if review.is_submitted:
        raise ValidationError(ALREADY_SUBMITTED_MESSAGE, code="already_submitted")
    review.assessment = assessment
    review.comments = comments
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def plan_review_submit(*, review: PlanReview, reviewer: AbstractBaseUser) -> PlanReview:
    """Submit the reviewer's own draft: from then on nobody changes it."""
    if review.reviewer_id != reviewer.pk:
        raise ValidationError(NOT_YOURS_MESSAGE, code="not_reviewer")
    # Locked and read again, so two submits at once cannot both go through.
    review = PlanReview.objects.select_for_update().get(pk=review.pk)
    if review.is_submitted:
        raise ValidationError(ALREADY_SUBMITTED_MESSAGE, code="already_submitted")
    if not review.assessment:
        raise ValidationError({"assessment": NO_ASSESSMENT_MESSAGE}, code="required")
    review.status = PlanReview.Status.SUBMITTED
    review.submitted_at = timezone.now()
    review.full_clean()
    review.save(update_fields=["status", "submitted_at", "updated_at"])
    logger.info(
        "event=plan_review_submitted review=%s plan=%s user=%s",
        review.pk,
        review.plan_id,
        reviewer.pk,
    )
    return review
