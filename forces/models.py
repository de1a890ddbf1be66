from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from oversight.uploads import DOCUMENT_HELP_TEXT, action_plan_document_path, validate_document
from recommendations.models import Area


class Force(models.Model):
    """One of the 43 territorial police forces of England and Wales."""

    class Nation(models.TextChoices):
        ENGLAND = "england", "England"
        WALES = "wales", "Wales"

    name = models.CharField(max_length=100, unique=True, help_text="For example “Gwent Police”.")
    slug = models.SlugField(max_length=100, unique=True)
    nation = models.CharField(max_length=10, choices=Nation.choices)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["nation", "name"])]

    def __str__(self) -> str:
        return self.name


class ReviewStatus(models.TextChoices):
    """Where a current plan's review stands, in the order the plans list sorts by."""

    NOT_ASSIGNED = "not_assigned", "Not assigned"
    IN_REVIEW = "in_review", "Being reviewed"
    NEEDS_MODERATION = "needs_moderation", "Needs moderation"
    REVIEWED = "reviewed", "Reviewed"
    MODERATED = "moderated", "Moderated"


# Kept by `forces.review_outcomes`, never typed in: a plain `save()` of a plan leaves them alone.
REVIEW_OUTCOME_FIELDS = (
    "review_status",
    "assignment_count",
    "assigned_reviews_submitted",
    "review_outcome_stale",
    "tallied",
)


class ActionPlanQuerySet(models.QuerySet):
    def current(self) -> "ActionPlanQuerySet":
        """Each force's current plan: the one no newer version has superseded.

        `forces.services.action_plan_add_version` marks the earlier versions superseded.
        """
        return self.exclude(status=ActionPlan.Status.SUPERSEDED)


class ActionPlan(models.Model):
    """A version of a force's domestic abuse action plan (HMIC recommendation 2)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PROVIDED = "provided", "Provided to HMIC"
        REVIEWED = "reviewed", "Reviewed"
        SUPERSEDED = "superseded", "Superseded"

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="action_plans")
    version = models.PositiveSmallIntegerField(
        default=1, help_text="1 for the first plan; a refreshed plan takes the next number."
    )
    provided_on = models.DateField(
        "provided to HMIC on", null=True, blank=True, help_text="Blank if the date is not known."
    )
    document = models.FileField(
        max_length=255,
        upload_to=action_plan_document_path,
        validators=[validate_document],
        blank=True,
        help_text=DOCUMENT_HELP_TEXT,
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(blank=True, help_text="A few lines on what the plan covers.")
    published_url = models.URLField(
        "address of the force's published copy",
        max_length=500,
        blank=True,
        help_text=(
            "Where the force publishes this plan on its own website, for example "
            "https://www.example.police.uk/domestic-abuse-action-plan. Shown on the public force "
            "pages from the next publication. Blank if the force has not published it."
        ),
    )

    # Worked out from the reviews, assignments and moderation by `forces.review_outcomes`:
    # a write to any of them marks the plan stale, and the next read works it out again.
    review_status = models.CharField(
        max_length=20,
        choices=ReviewStatus.choices,
        default=ReviewStatus.NOT_ASSIGNED,
        editable=False,
    )
    # For the dashboard's national progress: how many reviews are assigned, and how many of
    # those the assigned reviewer has submitted.
    assignment_count = models.PositiveIntegerField(default=0, editable=False)
    assigned_reviews_submitted = models.PositiveIntegerField(default=0, editable=False)
    review_outcome_stale = models.BooleanField(default=True, editable=False)
    # What this plan adds to the `ProgressTally` rows ("nation|measure": amount; nothing if
    # superseded), as last worked out: the next working out adds only the difference.
    tallied = models.JSONField(default=dict, editable=False)

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        ordering = ["force__name", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["force", "version"],
                name="one_plan_per_force_version",
                violation_error_message="This force already has a plan with this version number.",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="plan_version_positive"),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(
                fields=["review_outcome_stale"],
                condition=Q(review_outcome_stale=True),
                name="plan_review_outcome_stale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.force.name} action plan, version {self.version}"

    def save(self, *args, **kwargs) -> None:
        # A plan read before a review was submitted must not write back the status it read
        # then: only `forces.review_outcomes` writes the outcome fields of a saved plan.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in REVIEW_OUTCOME_FIELDS
            ]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # A new version goes on top: its number says which plan supersedes which.
        if self._state.adding and self.force_id is not None:
            newest = (
                ActionPlan.objects.filter(force=self.force_id)
                .order_by("-version")
                .values_list("version", flat=True)
                .first()
            )
            if newest is not None and self.version < newest:
                raise ValidationError(
                    {
                        "version": f"This force already has version {newest}: "
                        f"a new plan takes version {newest + 1}."
                    },
                    code="version_not_newest",
                )

    @property
    def is_superseded(self) -> bool:
        return self.status == self.Status.SUPERSEDED

    def current_version(self) -> "ActionPlan | None":
        """This plan if it is current, otherwise the force's current plan (None if none is)."""
        if not self.is_superseded:
            return self
        return (
            ActionPlan.objects.current()
            .filter(force=self.force_id)
            .select_related("force")
            .order_by("-version")
            .first()
        )

    @property
    def document_download_url(self) -> str:
        return reverse("forces:plan-document", kwargs={"pk": self.pk})


class PlanAction(models.Model):
    """One action in a force's plan, filed under the area it addresses."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="plan_actions")
    description = models.TextField(
        help_text="What the force will do, for example “Train all call handlers in DASH”."
    )
    due_by = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "pk"]
        indexes = [models.Index(fields=["area"])]

    def __str__(self) -> str:
        return self.description[:80]


COMMENTS_MAX_LENGTH = 10_000


class PlanReviewQuerySet(models.QuerySet):
    def by(self, reviewer) -> "PlanReviewQuerySet":
        """The reviews one person wrote."""
        return self.filter(reviewer=reviewer)

    def submitted(self) -> "PlanReviewQuerySet":
        return self.filter(status=PlanReview.Status.SUBMITTED)


# The nested choices are out of reach inside `Meta`: the constraints name the values here
# (`tests/forces/test_models.py` checks they match).
_RATING_VALUES = ("not_addressed", "partly", "fully")
_JUDGEMENT_VALUES = ("outstanding", "good", "requires_improvement", "inadequate")


def _text_field(help_text: str) -> models.TextField:
    return models.TextField(
        blank=True, validators=[MaxLengthValidator(COMMENTS_MAX_LENGTH)], help_text=help_text
    )


class PlanReview(models.Model):
    """One group member's review of one version of a force action plan.

    Area by area (`AreaRating`), leadership, then an overall judgement on HMIC's graded scale.
    A draft until its author submits it; then locked, unless the secretariat reopens it
    (`ReviewReopening`). `version` counts saves: `forces.services.plan_review_save` refuses a
    save made from a page opened before the last one (two tabs).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    class Rating(models.TextChoices):
        NOT_ADDRESSED = "not_addressed", "Not addressed"
        PARTLY = "partly", "Partly addressed"
        FULLY = "fully", "Fully addressed"

        @classmethod
        def step(cls, value: str) -> int | None:
            """0 (not addressed) to 2 (fully), for comparing two ratings; None if blank."""
            return RATING_STEPS.get(value)

    class Judgement(models.TextChoices):
        OUTSTANDING = "outstanding", "Outstanding"
        GOOD = "good", "Good"
        REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
        INADEQUATE = "inadequate", "Inadequate"

        @classmethod
        def step(cls, value: str) -> int | None:
            """0 (inadequate) to 3 (outstanding), for comparing two judgements; None if blank."""
            return JUDGEMENT_STEPS.get(value)

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_reviews"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(
        default=1, help_text="Goes up by one on every save: a save from an older page is refused."
    )
    overall_judgement = models.CharField(
        max_length=20,
        choices=Judgement.choices,
        blank=True,
        help_text="HMIC's graded scale. Needed before the review is submitted.",
    )
    leadership_rating = models.CharField(
        max_length=15,
        choices=Rating.choices,
        blank=True,
        help_text=(
            "How far the plan gives full effect to the force's stated priority "
            "(recommendation 3). Needed before the review is submitted."
        ),
    )
    leadership_comment = _text_field(
        "For example “The chief officer lead is named but has no deadline”."
    )
    strengths = _text_field("For example “Every call handler trained in DASH by March”.")
    gaps = _text_field("For example “No date for training call handlers in risk assessment”.")
    advice = _text_field("For example “Set a date for the training and say who checks it”.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = PlanReviewQuerySet.as_manager()

    class Meta:
        ordering = ["plan__force__name", "plan__version", "reviewer__username"]
        permissions = [("reopen_planreview", "Can reopen a submitted review")]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "reviewer"],
                name="one_review_per_plan_reviewer",
                violation_error_message="You already have a review of this plan.",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="review_version_positive"),
            models.CheckConstraint(
                condition=Q(overall_judgement__in=["", *_JUDGEMENT_VALUES]),
                name="review_judgement_known",
            ),
            models.CheckConstraint(
                condition=Q(leadership_rating__in=["", *_RATING_VALUES]),
                name="review_leadership_rating_known",
            ),
            # That every area is rated too spans rows: `plan_review_save` checks it.
            models.CheckConstraint(
                condition=Q(status="draft")
                | (
                    Q(status="submitted", submitted_at__isnull=False)
                    & ~Q(overall_judgement="")
                    & ~Q(leadership_rating="")
                ),
                name="submitted_review_is_complete",
                violation_error_message=(
                    "A submitted review needs an overall judgement, a leadership rating and a date."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["reviewer", "status"]),
            # The admin's list of submitted reviews, newest first.
            models.Index(fields=["status", "submitted_at"], name="review_status_submitted_at"),
        ]

    def __str__(self) -> str:
        return f"Review of {self.plan} by {self.reviewer}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


RATING_STEPS: dict[str, int] = {
    PlanReview.Rating.NOT_ADDRESSED: 0,
    PlanReview.Rating.PARTLY: 1,
    PlanReview.Rating.FULLY: 2,
}
JUDGEMENT_STEPS: dict[str, int] = {
    PlanReview.Judgement.INADEQUATE: 0,
    PlanReview.Judgement.REQUIRES_IMPROVEMENT: 1,
    PlanReview.Judgement.GOOD: 2,
    PlanReview.Judgement.OUTSTANDING: 3,
}


class AreaRating(models.Model):
    """A review's rating of the plan in one working-group area, with the reviewer's comment."""

    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="area_ratings")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="review_ratings")
    rating = models.CharField(
        max_length=15,
        choices=PlanReview.Rating.choices,
        blank=True,
        help_text="Needed before the review is submitted.",
    )
    comment = _text_field("For example “DASH training planned, no date for refreshers”.")

    class Meta:
        ordering = ["review", "area__position", "area__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "area"],
                name="one_rating_per_review_area",
                violation_error_message="This review already rates this area.",
            ),
            models.CheckConstraint(
                condition=Q(rating__in=["", *PlanReview.Rating.values]),
                name="area_rating_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} in {self.review}"


class ReviewReopening(models.Model):
    """The secretariat reopened a submitted review, and why: its author may change it again."""

    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="reopenings")
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_reopenings"
    )
    reopened_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(
        validators=[MaxLengthValidator(2_000)],
        help_text="Shown to the reviewer, for example “Please rate Risk Assessment again”.",
    )

    class Meta:
        ordering = ["review", "-reopened_at"]
        get_latest_by = "reopened_at"
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="reopening_has_a_reason"),
        ]
        # The admin's list, newest first: read along the index, never sorted in full.
        indexes = [models.Index(fields=["-reopened_at", "-id"], name="reopening_newest_first")]

    def __str__(self) -> str:
        return f"{self.review} reopened on {self.reopened_at:%d %B %Y}"


# Assignment, conflicts and moderation (issue 9, the secretariat's side of the review).


class ReviewAssignmentQuerySet(models.QuerySet):
    def for_reviewer(self, reviewer) -> "ReviewAssignmentQuerySet":
        return self.filter(reviewer=reviewer)

    def of_current_plans(self) -> "ReviewAssignmentQuerySet":
        return self.exclude(plan__status=ActionPlan.Status.SUPERSEDED)


class ReviewAssignment(models.Model):
    """The secretariat asks one group member to review one version of a plan by a date."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    due_on = models.DateField(
        "due on", help_text="When the review should be submitted, for example 31 January 2015."
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    last_reminded_on = models.DateField(
        null=True, blank=True, help_text="The day the last reminder e-mail was queued."
    )

    objects = ReviewAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "plan__force__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "reviewer"],
                name="one_assignment_per_plan_reviewer",
                violation_error_message="This member is already assigned to this plan.",
            ),
        ]
        indexes = [
            models.Index(fields=["reviewer", "due_on"]),
            # The admin's list, latest due first.
            models.Index(fields=["due_on", "id"], name="assignment_due_on_id"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} for {self.reviewer}, due {self.due_on:%-d %B %Y}"


class ForceConflict(models.Model):
    """A group member's declared conflict of interest with a force: never assigned its plans."""

    member = models.ForeignKey(
        "oversight.Member", on_delete=models.CASCADE, related_name="force_conflicts"
    )
    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="conflicts")
    reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why, in a few words, for example “Sits on the force's domestic abuse board”.",
    )

    class Meta:
        ordering = ["force__name", "member__display_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "force"],
                name="one_conflict_per_member_force",
                violation_error_message="This conflict is already recorded.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – conflict with {self.force}"


class PlanModeration(models.Model):
    """The outcome the secretariat agreed for a plan whose two reviews disagree: what counts."""

    plan = models.OneToOneField(ActionPlan, on_delete=models.CASCADE, related_name="moderation")
    overall_judgement = models.CharField(
        max_length=20, choices=PlanReview.Judgement.choices, help_text="The agreed judgement."
    )
    leadership_rating = models.CharField(
        max_length=15, choices=PlanReview.Rating.choices, help_text="The agreed leadership rating."
    )
    note = models.TextField(
        validators=[MaxLengthValidator(COMMENTS_MAX_LENGTH)],
        help_text="How the outcome was agreed, for example “Discussed with both reviewers on 3 March”.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_moderations"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan__force__name", "plan__version"]
        verbose_name = "moderated outcome"
        constraints = [
            models.CheckConstraint(
                condition=Q(overall_judgement__in=_JUDGEMENT_VALUES),
                name="moderation_judgement_known",
            ),
            models.CheckConstraint(
                condition=Q(leadership_rating__in=_RATING_VALUES),
                name="moderation_leadership_known",
            ),
            models.CheckConstraint(condition=~Q(note=""), name="moderation_has_a_note"),
        ]
        # The admin's list, latest decision first: read along the index, never sorted in full.
        indexes = [models.Index(fields=["-decided_at", "-id"], name="moderation_newest_first")]

    def __str__(self) -> str:
        return f"Moderated outcome for {self.plan}"


class ModeratedAreaRating(models.Model):
    """The agreed rating of a moderated plan in one working-group area."""

    moderation = models.ForeignKey(
        PlanModeration, on_delete=models.CASCADE, related_name="area_ratings"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="moderated_ratings")
    rating = models.CharField(max_length=15, choices=PlanReview.Rating.choices)

    class Meta:
        ordering = ["moderation", "area__position", "area__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["moderation", "area"],
                name="one_moderated_rating_per_area",
                violation_error_message="This outcome already rates this area.",
            ),
            models.CheckConstraint(
                condition=Q(rating__in=_RATING_VALUES), name="moderated_rating_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} in {self.moderation}"


class CountedRating(models.Model):
    """One rating the summary counts for a current plan (see `forces.review_outcomes`): the
    moderated outcome, the single review, or the lower of two that agree within a step.

    `key` is an area's id (as text), "leadership" or "overall". Kept, never typed in.
    """

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="counted_ratings")
    key = models.CharField(max_length=20)
    value = models.CharField(max_length=30)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="one_counted_rating_per_key")
        ]
        indexes = [models.Index(fields=["key", "value"])]

    def __str__(self) -> str:
        return f"{self.plan}: {self.key} {self.value}"


class ProgressTally(models.Model):
    """A running total over the current plans of one nation, for the dashboard's national
    progress, the summary's charts and the plans list's count (see `forces.review_outcomes`).

    `measure` is "forces" (recounted when a force is saved or deleted), "provided", "assignments",
    "submitted", "status:<review status>" or "counted:<key>:<value>". Kept, never typed in:
    the pages read a few dozen of these rows however many plans there are.
    """

    nation = models.CharField(max_length=10, choices=Force.Nation.choices)
    measure = models.CharField(max_length=60)
    amount = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nation", "measure"], name="one_tally_per_measure")
        ]

    def __str__(self) -> str:
        return f"{self.get_nation_display()}: {self.measure} {self.amount}"
