from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from oversight.models import Organisation
from recommendations.models import Recommendation


class QuarterlyUpdateQuerySet(models.QuerySet):
    def published(self) -> "QuarterlyUpdateQuerySet":
        return self.filter(status=QuarterlyUpdate.Status.PUBLISHED)

    def drafts(self) -> "QuarterlyUpdateQuerySet":
        return self.filter(status=QuarterlyUpdate.Status.DRAFT)


class QuarterlyUpdate(models.Model):
    """An edition of the group's quarterly public update report."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200, default="National Oversight Group Update Report")
    series = models.CharField(
        max_length=200,
        default="HMIC Domestic Abuse Review",
        help_text="The line shown above the title.",
    )
    period = models.DateField(
        help_text="The month the update covers; use the 1st, for example 01/12/2014 for December 2014."
    )
    slug = models.SlugField(
        max_length=20, unique=True, help_text="The address of the edition, for example “2014-12”."
    )
    publisher = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="quarterly_updates",
        help_text="Shown as the publisher, usually the Home Office.",
    )
    foreword_heading = models.CharField(max_length=200, default="Home Secretary Foreword")
    foreword = models.TextField(
        blank=True, help_text="Plain text; leave a blank line between paragraphs."
    )
    signature_description = models.CharField(
        max_length=300,
        blank=True,
        help_text="Words read out in place of the handwritten signature, if one is shown.",
    )
    signatory_name = models.CharField(
        max_length=200, blank=True, help_text="For example “The Rt Hon Theresa May MP”."
    )
    signatory_role = models.CharField(
        max_length=200, blank=True, help_text="For example “Home Secretary”."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = QuarterlyUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-period"]
        get_latest_by = "period"
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", published_at__isnull=True)
                | Q(status="published", published_at__isnull=False),
                name="published_update_has_publication_time",
                violation_error_message="A published update needs its publication time, a draft none.",
            ),
        ]
        indexes = [models.Index(fields=["status", "-period"])]

    def __str__(self) -> str:
        return f"{self.title}, {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("reports:edition-detail", kwargs={"slug": self.slug})

    @property
    def period_label(self) -> str:
        return self.period.strftime("%B %Y")

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def foreword_paragraphs(self) -> list[str]:
        return [para.strip() for para in self.foreword.split("\n\n") if para.strip()]


class ProgressUpdate(models.Model):
    """One bullet of progress for one report section in one edition."""

    class Source(models.TextChoices):
        WRITTEN = "written", "Written text"
        MEMBER_LIST = "member_list", "List of the group's members"
        AREA_LIST = "area_list", "List of the working-group areas"

    edition = models.ForeignKey(QuarterlyUpdate, on_delete=models.CASCADE, related_name="bullets")
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.PROTECT,
        related_name="progress_updates",
        help_text="The section it belongs to: for Recommendations 2 and 3, choose 2.",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sub_points",
        help_text="Leave blank for a top-level bullet; choose a bullet to make this a sub-point.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Bullets show in this order.")
    source = models.CharField(
        max_length=20,
        choices=Source.choices,
        default=Source.WRITTEN,
        help_text="Generated lists are built from the group's records when the update is shown.",
    )
    text = models.TextField(blank=True, help_text="The bullet as the public will read it.")

    class Meta:
        ordering = ["edition", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="written") | ~Q(text=""),
                name="written_bullet_has_text",
                violation_error_message="A written bullet needs its text.",
            ),
            models.UniqueConstraint(
                fields=["edition", "recommendation", "position"],
                condition=Q(parent__isnull=True),
                name="one_bullet_per_section_position",
                violation_error_message="Another bullet in this section has this position.",
            ),
            models.UniqueConstraint(
                fields=["parent", "position"],
                condition=Q(parent__isnull=False),
                name="one_sub_point_per_position",
                violation_error_message="Another sub-point of this bullet has this position.",
            ),
        ]
        indexes = [models.Index(fields=["edition", "recommendation", "position"])]

    def __str__(self) -> str:
        if self.source != self.Source.WRITTEN:
            return self.get_source_display()
        return self.text[:80]
