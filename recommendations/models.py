from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from oversight.models import Organisation


class RecommendationQuerySet(models.QuerySet):
    def leading_sections(self) -> "RecommendationQuerySet":
        """Recommendations that head a report section (not reported under another one)."""
        return self.filter(reported_with__isnull=True)


class Recommendation(models.Model):
    """One of HMIC's eleven national recommendations in “Everyone's business” (2014)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"

    number = models.PositiveSmallIntegerField(
        unique=True, help_text="1 to 11, as HMIC numbered it."
    )
    title = models.CharField(
        max_length=120, help_text="A short title for lists, for example “Force action plans”."
    )
    text = models.TextField(
        help_text=(
            "HMIC's words, unchanged. Mark key phrases for bold with double asterisks, "
            "for example “publish an **action plan** that”."
        )
    )
    addressed_to = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="recommendations",
        help_text="The bodies HMIC asked to act, for example the College of Policing.",
    )
    due_by = models.DateField(
        null=True,
        blank=True,
        help_text="The last day it was due, if HMIC set one: “By September 2014” is 30/09/2014.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    reported_with = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_alongside",
        help_text=(
            "Report this recommendation in the same section as another one. "
            "Recommendation 3 is reported with Recommendation 2."
        ),
    )

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1), name="recommendation_number_positive"
            ),
            models.CheckConstraint(
                condition=~Q(reported_with=models.F("pk")),
                name="recommendation_not_reported_with_itself",
                violation_error_message="A recommendation cannot be reported with itself.",
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"Recommendation {self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("recommendations:recommendation-detail", kwargs={"number": self.number})

    def clean(self) -> None:
        lead = self.reported_with
        if lead is None:
            return
        if lead.pk == self.pk:
            raise ValidationError(
                {"reported_with": "A recommendation cannot be reported with itself."}
            )
        if lead.reported_with_id is not None:
            raise ValidationError(
                {
                    "reported_with": f"Recommendation {lead.number} is itself reported with another one."
                }
            )


class Area(models.Model):
    """A working-group area that force plans and reviews are judged against."""

    name = models.CharField(max_length=100, unique=True, help_text="For example “Risk Assessment”.")
    slug = models.SlugField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Listed in this order.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name
