import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from oversight.models import Meeting, Organisation
from recommendations.models import Recommendation


class QuarterlyUpdateQuerySet(models.QuerySet):
    def published(self) -> "QuarterlyUpdateQuerySet":
        """Editions the public can read: published at least once (a correction may be under way)."""
        return self.exclude(status=QuarterlyUpdate.Status.DRAFT)

    def editable(self) -> "QuarterlyUpdateQuerySet":
        """Drafts and corrections in progress: see `QuarterlyUpdate.is_editable`."""
        return self.exclude(status=QuarterlyUpdate.Status.PUBLISHED)

    def frozen(self) -> "QuarterlyUpdateQuerySet":
        """Published editions not being corrected: nothing in them may change."""
        return self.filter(status=QuarterlyUpdate.Status.PUBLISHED)

    def following(self, edition: "QuarterlyUpdate") -> "QuarterlyUpdateQuerySet":
        """The edition of the quarter after `edition` (by its month or its address), if any."""
        period = edition.next_period
        return self.filter(Q(period=period) | Q(slug=period.strftime("%Y-%m")))


class QuarterlyUpdate(models.Model):
    """An edition of the group's quarterly public update report."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        # Published, and being corrected: the public still reads the last publication.
        CORRECTING = "correcting", "Published, correction in progress"

    class SignOff(models.TextChoices):
        """Four eyes: the preparer marks it ready, someone else approves that exact content."""

        DRAFT = "draft", "Draft"
        READY = "ready", "Ready for sign-off"
        APPROVED = "approved", "Approved"

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
    published_at = models.DateTimeField(
        "first published at", null=True, blank=True, help_text="Set when it is first published."
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reports_on_meeting = models.ForeignKey(
        Meeting,
        verbose_name="reports on meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_in",
        help_text=(
            "The group's meeting whose discussion this update reports, for example the meeting "
            "of 4 September 2014 for the December 2014 update. Shown on the public page."
        ),
    )
    # Sharing a draft with the group for comment: set by `edition_share`, cleared by
    # `edition_unshare`; the history records each change.
    shared_at = models.DateTimeField(
        "shared with the group at",
        null=True,
        blank=True,
        help_text="Set when the draft is shared with the group for comment.",
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="shared with the group by",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    signoff_status = models.CharField(
        "sign-off",
        max_length=10,
        choices=SignOff.choices,
        default=SignOff.DRAFT,
        help_text="Set by the sign-off steps, never by hand: ready, then approved by someone else.",
    )
    ready_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="marked ready by",
        help_text="Who marked it ready for sign-off: they may not approve it themselves.",
    )
    signoff_hash = models.CharField(
        "content fingerprint",
        max_length=64,
        blank=True,
        help_text="SHA-256 of the content as marked ready, then as approved.",
    )

    objects = QuarterlyUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-period"]
        get_latest_by = "period"
        permissions = [
            ("publish_quarterlyupdate", "Can publish an edition of the update, or its correction"),
            (
                "approve_quarterlyupdate",
                "Can approve an edition for publishing (the chair's office)",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                # Approved with nobody marked ready: signed off before this service (data load).
                condition=Q(signoff_status="draft", ready_by__isnull=True, signoff_hash="")
                | Q(
                    signoff_status="ready",
                    ready_by__isnull=False,
                    signoff_hash__regex=r"^[0-9a-f]{64}$",
                )
                | Q(signoff_status="approved", signoff_hash__regex=r"^[0-9a-f]{64}$"),
                name="signoff_has_preparer_and_fingerprint",
                violation_error_message=(
                    "An edition ready for sign-off needs who marked it ready and its "
                    "content fingerprint, an approved one its fingerprint; a draft has neither."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="draft", published_at__isnull=True)
                | Q(status__in=["published", "correcting"], published_at__isnull=False),
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
    def next_period(self) -> datetime.date:
        """The month of the next quarterly update: three months on (December 2014: March 2015)."""
        months = self.period.year * 12 + self.period.month - 1 + 3
        return datetime.date(months // 12, months % 12 + 1, 1)

    @property
    def is_published(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def is_editable(self) -> bool:
        """Drafts and corrections may be edited; a published edition is frozen."""
        return self.status != self.Status.PUBLISHED

    @property
    def is_shared(self) -> bool:
        """Shared with the group for comment: members may read its preview and comment."""
        return self.shared_at is not None

    @property
    def foreword_paragraphs(self) -> list[str]:
        return [para.strip() for para in self.foreword.split("\n\n") if para.strip()]


class ProgressUpdate(models.Model):
    """One bullet of progress for one report section in one edition."""

    class Source(models.TextChoices):
        WRITTEN = "written", "Written text"
        MEMBER_LIST = "member_list", "List of the group's members"
        AREA_LIST = "area_list", "List of the working-group areas"
        NO_UPDATE = "no_update", "No update this quarter"

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
        indexes = [
            models.Index(fields=["edition", "recommendation", "position"]),
            # The admin's list: the newest edition's bullets first, in order.
            models.Index(
                models.F("edition_id").desc(), "position", "id", name="bullet_newest_edition_first"
            ),
        ]

    def __str__(self) -> str:
        if self.source != self.Source.WRITTEN:
            return self.get_source_display()
        return self.text[:80]


class SectionStatus(models.Model):
    """How one recommendation stands in one edition: delivery, confidence and why.

    Frozen into the publication; a recommendation's own status is the one in its latest
    published edition (`reports.services.recommendation_statuses_sync`).
    """

    class Confidence(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        OFF_TRACK = "off_track", "Off track"

    # At risk and off track say why, in a line the public reads.
    CONFIDENCE_NEEDING_REASON = (Confidence.AT_RISK, Confidence.OFF_TRACK)
    REASON_MAX_LENGTH = 200

    edition = models.ForeignKey(
        QuarterlyUpdate, on_delete=models.CASCADE, related_name="section_statuses"
    )
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="section_statuses"
    )
    status = models.CharField(
        "delivery status",
        max_length=20,
        choices=Recommendation.Status.choices,
        default=Recommendation.Status.NOT_STARTED,
        help_text="How far delivery of the recommendation has got by this update.",
    )
    confidence = models.CharField(
        max_length=20,
        choices=Confidence.choices,
        blank=True,
        help_text="Whether it will be delivered as planned. Leave it unset if nobody can say yet.",
    )
    reason = models.CharField(
        max_length=REASON_MAX_LENGTH,
        blank=True,
        help_text=(
            "One line the public reads beside the status, for example “Training for call "
            "handlers starts in April”. Needed when it is at risk or off track."
        ),
    )

    class Meta:
        ordering = ["edition", "recommendation__number"]
        verbose_name = "section status"
        verbose_name_plural = "section statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "recommendation"],
                name="one_status_per_recommendation_per_edition",
                violation_error_message="This recommendation already has a status in this edition.",
            ),
            models.CheckConstraint(
                condition=~Q(confidence__in=["at_risk", "off_track"]) | ~Q(reason=""),
                name="section_status_at_risk_has_reason",
                violation_error_message=(
                    "Say in one line why it is at risk or off track: the public reads it."
                ),
            ),
        ]

    def __str__(self) -> str:
        confidence = f", {self.get_confidence_display().lower()}" if self.confidence else ""
        return (
            f"Recommendation {self.recommendation.number}: {self.get_status_display()}{confidence}"
        )

    def clean(self) -> None:
        self.reason = " ".join(self.reason.split())
        if self.confidence in self.CONFIDENCE_NEEDING_REASON and not self.reason:
            raise ValidationError(
                {"reason": "Say in one line why it is at risk or off track: the public reads it."}
            )


class SectionComment(models.Model):
    """A group member's comment on one section of a draft shared with them. Never published."""

    edition = models.ForeignKey(
        QuarterlyUpdate, on_delete=models.CASCADE, related_name="section_comments"
    )
    # The section's lead recommendation (Recommendations 2 and 3: 2).
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="section_comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="section_comments"
    )
    text = models.TextField(help_text="The comment, for the secretariat's eyes only.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["edition", "recommendation__number", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="section_comment_has_text"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class EditionSignOffStep(models.Model):
    """One step of an edition's sign-off, as it happened: who, when, what, and why."""

    class Action(models.TextChoices):
        READY = "ready", "Marked ready for sign-off"
        APPROVED = "approved", "Approved"
        SENT_BACK = "sent_back", "Sent back to draft"
        CHANGED = "changed", "Back to draft: changed after sign-off"
        PUBLISHED = "published", "Published"
        CORRECTION = "correction", "Correction started"
        HISTORICAL = "historical", "Approved before this service (data load)"

    edition = models.ForeignKey(
        QuarterlyUpdate, on_delete=models.PROTECT, related_name="signoff_steps"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank for a step taken by the service itself, such as a data load.",
    )
    at = models.DateTimeField()
    comment = models.TextField(
        blank=True, help_text="Why it was sent back, for example “Add the June meeting date.”"
    )
    snapshot_hash = models.CharField(
        "content fingerprint",
        max_length=64,
        blank=True,
        help_text="SHA-256 of the edition's content at this step.",
    )

    class Meta:
        ordering = ["edition", "at", "pk"]
        verbose_name = "sign-off step"
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="sent_back") | ~Q(comment=""),
                name="signoff_sent_back_has_comment",
                violation_error_message="Say why the edition is sent back.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition}: {self.get_action_display()}"


class PublicationQuerySet(models.QuerySet):
    def latest_per_edition(self) -> "PublicationQuerySet":
        """The current publication of each edition (its highest revision)."""
        newer = Publication.objects.filter(
            edition=models.OuterRef("edition"), revision__gt=models.OuterRef("revision")
        )
        return self.exclude(models.Exists(newer))


class Publication(models.Model):
    """One published revision of an edition, frozen: what the public read, word for word.

    Rows are only ever inserted. PostgreSQL refuses to update or delete them (a trigger,
    see migrations 0003 and 0013); the admin offers no way to. The one exception is a
    withdrawal (`PublicationWithdrawal`, ADR 6): its text replaced by a notice, once.
    """

    edition = models.ForeignKey(
        QuarterlyUpdate, on_delete=models.PROTECT, related_name="publications"
    )
    revision = models.PositiveSmallIntegerField(help_text="1 for the first publication.")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank for an edition published before this service, such as December 2014.",
    )
    change_note = models.TextField(
        blank=True,
        help_text="What a correction changed, for example “corrected the date of the second meeting”.",
    )
    content = models.JSONField(help_text="The edition's content as published.")
    body_html = models.TextField(help_text="The edition's body as published, rendered once.")
    # The one change a publication may ever undergo (reports/withdrawal.py, migration 0013):
    # its text replaced by a notice because it exposed personal data.
    withdrawn_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Set when the withdrawal of this revision is confirmed; never by hand.",
    )

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["edition", "-revision"]
        get_latest_by = "revision"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "revision"], name="one_publication_per_revision"
            ),
            models.CheckConstraint(
                condition=Q(revision__gte=1), name="publication_revision_positive"
            ),
            models.CheckConstraint(
                condition=Q(revision=1) | ~Q(change_note=""),
                name="correction_has_change_note",
                violation_error_message="A correction needs a note saying what changed.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition}, revision {self.revision}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def version_tag(self) -> str:
        """The revision, marked once withdrawn: ETags change when the text is replaced."""
        return f"{self.revision}w" if self.withdrawn_at else str(self.revision)

    @property
    def changed_at(self) -> datetime.datetime:
        """When what the public reads of it last changed: published, or withdrawn."""
        return self.withdrawn_at or self.published_at

    @property
    def etag(self) -> str:
        return f'"{self.edition_id}-{self.version_tag}"'


class PublicationWithdrawal(models.Model):
    """A request to withdraw one published revision because it exposed personal data, and
    its confirmation by a second person (four eyes). Confirming replaces the revision's text
    with a notice (`reports.withdrawal.publication_withdrawal_confirm`)."""

    publication = models.OneToOneField(
        Publication, on_delete=models.PROTECT, related_name="withdrawal"
    )
    reason = models.TextField(
        help_text=(
            "Why it must come down, for the record (never shown to the public), for example "
            "“The second bullet of Recommendation 4 gave a victim's phone number.”"
        )
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Someone other than the requester; blank until confirmed.",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = "publication withdrawal"
        permissions = [
            ("withdraw_publication", "Can request or confirm the withdrawal of a publication"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=models.F("requested_by")),
                name="withdrawal_confirmed_by_someone_else",
                violation_error_message="The person who asked for a withdrawal cannot confirm it.",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True, confirmed_at__isnull=True)
                | Q(confirmed_by__isnull=False, confirmed_at__isnull=False),
                name="withdrawal_confirmed_by_and_at",
                violation_error_message="A confirmed withdrawal needs who confirmed it and when.",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="withdrawal_has_reason"),
        ]

    def __str__(self) -> str:
        state = "confirmed" if self.confirmed_at else "requested"
        return f"Withdrawal of {self.publication} ({state})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


def publication_pdf_path(pdf: "PublicationPdf", filename: str) -> str:
    """Where a publication's PDF is kept in file storage: named after the edition and revision."""
    publication = pdf.publication
    return f"publication-pdfs/{publication.edition.slug}-revision-{publication.revision}.pdf"


class PublicationPdf(models.Model):
    """The PDF of a publication, made by a job once it is published and kept: inserted once,
    never changed (reports/pdf.py). The file is in file storage (object storage when several app
    servers run); rows made before that hold the PDF in `content` instead, and stay readable."""

    publication = models.OneToOneField(
        Publication, on_delete=models.PROTECT, primary_key=True, related_name="pdf"
    )
    file = models.FileField(
        upload_to=publication_pdf_path,
        blank=True,
        max_length=200,
        help_text="The PDF in file storage, e.g. publication-pdfs/2014-12-revision-1.pdf.",
    )
    content = models.BinaryField(
        blank=True, default=b"", help_text="The PDF itself, in rows made before file storage."
    )
    # Written with the row (which is never changed), so that a list of PDFs shows their sizes
    # without asking the file storage about each; empty in rows made before it.
    size_bytes = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"PDF of {self.publication}"


class CompressedPage(models.Model):
    """A published page compressed once (gzip and brotli), kept beside its publication.

    Keyed by the SHA-256 of the page as served: the page around a publication's stored body
    (furniture, stylesheet addresses) can change with a release, and then the new page gets a
    row of its own, while the publication itself never changes. Inserted only, never updated:
    made when the edition is published, or on first request for pages that predate this table.
    """

    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, related_name="compressed_pages"
    )
    sha256 = models.CharField(max_length=64, help_text="Of the uncompressed page, in hex.")
    gzip = models.BinaryField()
    brotli = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "sha256"], name="one_compressed_page_per_render"
            )
        ]

    def __str__(self) -> str:
        return f"Compressed page of {self.publication}"


# ---- E-mail alerts (reports/alerts.py): who asked to hear of new updates, and what was sent --


class AlertSubscriptionQuerySet(models.QuerySet):
    def confirmed(self) -> "AlertSubscriptionQuerySet":
        """Addresses whose owner followed the link in the confirmation e-mail."""
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed_since(self, moment) -> "AlertSubscriptionQuerySet":
        """Sign-ups never confirmed, last asked for before `moment`."""
        return self.filter(confirmed_at__isnull=True, requested_at__lt=moment)


class AlertSubscription(models.Model):
    """An address that asked for an e-mail when an update is published.

    Only what sending needs: the address, when it was asked for and confirmed, and a hash of
    the confirmation link's token. Unsubscribing deletes the row; an unconfirmed one is deleted
    after `reports.alerts.CONFIRM_DAYS`. Not shown in the admin: nobody needs to read the list.
    """

    email = models.EmailField(unique=True, help_text="Lower case, as `normalise_email` makes it.")
    requested_at = models.DateTimeField(help_text="The latest sign-up with this address.")
    confirm_token_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the confirmation link's token."
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = AlertSubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["confirm_token_hash"],
                condition=~Q(confirm_token_hash=""),
                name="one_alert_subscription_per_confirm_token",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(confirm_token_hash=""),
                name="confirmed_alert_subscription_keeps_no_token",
                violation_error_message="A confirmed subscription keeps no confirmation token.",
            ),
        ]

    def __str__(self) -> str:
        # Never the address: this can reach logs and error reports.
        state = "confirmed" if self.confirmed_at else "unconfirmed"
        return f"Alert subscription {self.pk} ({state})"


class AlertDelivery(models.Model):
    """One alert to one subscriber about one publication, recorded so that it goes once."""

    subscription = models.ForeignKey(
        AlertSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "alert deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "publication"],
                name="one_alert_per_subscriber_per_publication",
            ),
        ]

    def __str__(self) -> str:
        return f"Alert about {self.publication_id} to subscription {self.subscription_id}"


class SearchPassage(models.Model):
    """One passage of an edition's current publication, for the public search (issue 11).

    Derived and rebuildable (`reports.search`): a foreword paragraph, a recommendation's text,
    or a bullet or sub-point, copied from the publication's snapshot. On PostgreSQL
    `search_vector` is the text's English full-text vector, kept by the database and indexed;
    on SQLite the column is left empty and the search matches words instead.
    """

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="search_passages"
    )
    edition_slug = models.SlugField(max_length=20)
    edition_period = models.DateField(help_text="For listing results newest edition first.")
    edition_label = models.CharField(
        max_length=300, help_text="The title and period, as published."
    )
    section_anchor = models.CharField(max_length=100, help_text="“foreword” or a section's anchor.")
    section_heading = models.CharField(max_length=300)
    position = models.PositiveIntegerField(help_text="Its order in the edition, from 0.")
    text = models.TextField()
    search_vector = models.GeneratedField(
        expression=SearchVector("text", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-edition_period", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "position"], name="one_search_passage_per_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.edition_slug} {self.section_anchor} #{self.position}"

    def get_absolute_url(self) -> str:
        return (
            reverse("reports:edition-detail", args=[self.edition_slug]) + f"#{self.section_anchor}"
        )
