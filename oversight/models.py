import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from oversight.uploads import DOCUMENT_HELP_TEXT, meeting_paper_document_path, validate_document


class Organisation(models.Model):
    """A body that sits on the group or that a recommendation is addressed to."""

    class Sector(models.TextChoices):
        STATUTORY = "statutory", "Statutory"
        VOLUNTARY = "voluntary", "Voluntary"

    name = models.CharField(
        max_length=200,
        unique=True,
        help_text="The full name, for example “Co-ordinated Action Against Domestic Abuse”.",
    )
    abbreviation = models.CharField(
        max_length=30,
        blank=True,
        help_text="The short form people use, if any, for example “CAADA”.",
    )
    sector = models.CharField(
        max_length=10,
        choices=Sector.choices,
        blank=True,
        help_text=(
            "Statutory (for example the Home Office or a police body) or voluntary (for example "
            "Women's Aid). Each force plan is reviewed by one member from each sector."
        ),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MemberQuerySet(models.QuerySet):
    """Who sits on the group when. `serving_on` is the one definition of serving; `current`
    is `serving_on` today."""

    def serving_on(self, day: datetime.date) -> "MemberQuerySet":
        """Members who sat on the group on `day`: joined by then (or no date recorded), and
        not yet left (a member who leaves on a day no longer sits from that day)."""
        return self.filter(
            Q(joined_on__isnull=True) | Q(joined_on__lte=day),
            Q(left_on__isnull=True) | Q(left_on__gt=day),
        )

    def current(self) -> "MemberQuerySet":
        """Members serving today."""
        return self.serving_on(timezone.localdate())

    def left_by(self, day: datetime.date) -> "MemberQuerySet":
        """Members whose leaving date had come by `day`: from that day they no longer serve."""
        return self.filter(left_on__lte=day)

    def in_listing_order(self) -> "MemberQuerySet":
        return self.select_related("organisation").order_by("display_order", "pk")


class Member(models.Model):
    """A seat on the National Oversight Group and the person who holds it."""

    name = models.CharField(
        max_length=200,
        blank=True,
        help_text=(
            "The person's name, for example “Zoe Billingham”. Leave blank for a seat listed by "
            "office only, such as “Minister of State for Crime Prevention”."
        ),
    )
    honorific = models.CharField(
        max_length=100,
        blank=True,
        help_text="Rank or title shown before the name, for example “ACC” or “Chief Constable Sir”.",
    )
    role = models.CharField(
        max_length=200,
        blank=True,
        help_text="Office or role, for example “National Policing Lead on Domestic Abuse”.",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text="The organisation they come from, for example Women's Aid.",
    )
    represents = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who they speak for on the group, if anyone, for example “PCCs (Labour)”.",
    )
    is_chair = models.BooleanField("chair", default=False)
    display_order = models.PositiveSmallIntegerField(
        default=0, help_text="Members are listed in this order, lowest first."
    )
    joined_on = models.DateField(null=True, blank=True, help_text="Blank if not recorded.")
    left_on = models.DateField(null=True, blank=True, help_text="Blank while still a member.")
    email = models.EmailField(
        blank=True,
        help_text=(
            "Where invitations to sign in are sent, for example “jo.smith@womensaid.org.uk”. "
            "Needed before you can invite them."
        ),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_member",
        help_text="The login this member uses to review force plans, if they have one.",
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="") | ~Q(role=""),
                name="member_has_name_or_role",
                violation_error_message="A member needs a name or a role.",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=models.F("joined_on")),
                name="member_leaves_after_joining",
                violation_error_message="A member cannot leave before they joined.",
            ),
            models.UniqueConstraint(
                fields=["is_chair"],
                condition=Q(is_chair=True, left_on__isnull=True),
                name="one_serving_chair",
                violation_error_message="The group already has a chair.",
            ),
        ]
        indexes = [
            models.Index(fields=["left_on", "display_order"]),
            # The model's order, which lists (the admin's filters by member) page along.
            models.Index(fields=["display_order", "id"], name="member_display_order_id"),
        ]

    def __str__(self) -> str:
        return self.listing_label

    @property
    def listing_label(self) -> str:
        """How the member is listed in a report, e.g. “Vera Baird – Representing PCCs (Labour)”."""
        if self.name:
            person = f"{self.honorific} {self.name}".strip()
            if self.represents:
                described_as = f"Representing {self.represents}"
            else:
                described_as = self.role or (self.organisation.name if self.organisation else "")
            label = f"{person} – {described_as}" if described_as else person
        else:
            label = self.role
        return f"{label}, Chair" if self.is_chair else label

    @property
    def sector(self) -> str:
        """The sector of the member's organisation ("" without one), for assigning reviewers."""
        return self.organisation.sector if self.organisation else ""


class Meeting(models.Model):
    """A meeting of the group, held or planned."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    class DatePrecision(models.TextChoices):
        DAY = "day", "Exact day"
        MONTH = "month", "Month only"

    date = models.DateField(
        help_text="When it is or was held. For a meeting planned for a month, use the 1st."
    )
    date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="Choose “Month only” while only the month is known, for example December 2014.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    focus = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the meeting did or will do, for example “agreed Terms of Reference”.",
    )
    attendees = models.ManyToManyField(Member, blank=True, related_name="meetings_attended")
    agenda = models.TextField(blank=True, help_text="The items to discuss, one a line.")
    decisions = models.TextField(
        blank=True, help_text="What the meeting decided, one decision a line. Blank until held."
    )

    class Meta:
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="held") | Q(date_precision="day"),
                name="held_meeting_has_exact_date",
                violation_error_message="A meeting that was held needs its exact date.",
            ),
        ]
        indexes = [models.Index(fields=["status", "date"])]

    def __str__(self) -> str:
        return f"Meeting, {self.date_label} ({self.get_status_display().lower()})"

    @property
    def date_label(self) -> str:
        if self.date_precision == self.DatePrecision.MONTH:
            return self.date.strftime("%B %Y")
        return f"{self.date.day} {self.date.strftime('%B %Y')}"


class MeetingActionQuerySet(models.QuerySet):
    def open(self) -> "MeetingActionQuerySet":
        return self.filter(done=False)

    def overdue(self, today: datetime.date) -> "MeetingActionQuerySet":
        """Open actions whose due date has passed by `today`."""
        return self.open().filter(due_on__lt=today)

    def owned_by(self, member: Member) -> "MeetingActionQuerySet":
        return self.filter(owner_member=member)


class MeetingAction(models.Model):
    """An action arising from a meeting: what, whose (a member or an organisation), by when."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    what = models.TextField(help_text="What is to be done, for example “Circulate the draft plan”.")
    owner_member = models.ForeignKey(
        Member,
        verbose_name="owner (member)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        help_text="Choose a member or an organisation, not both.",
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name="owner (organisation)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    due_on = models.DateField("due on", null=True, blank=True, help_text="Blank if no date.")
    done = models.BooleanField(default=False)
    done_on = models.DateField(null=True, blank=True, help_text="When it was done.")

    objects = MeetingActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_member__isnull=False, owner_organisation__isnull=True)
                | Q(owner_member__isnull=True, owner_organisation__isnull=False),
                name="meeting_action_has_one_owner",
                violation_error_message="An action has one owner: a member or an organisation.",
            ),
            models.CheckConstraint(
                condition=Q(done=True) | Q(done_on__isnull=True),
                name="meeting_action_done_on_only_when_done",
                violation_error_message="Only a done action has a date it was done.",
            ),
        ]
        indexes = [
            models.Index(fields=["done", "due_on"]),
            # The model's order, which the admin's list pages along.
            models.Index(fields=["due_on", "id"], name="meeting_action_due_on_id"),
        ]

    def __str__(self) -> str:
        return self.what[:80]

    @property
    def owner(self) -> "Member | Organisation | None":
        return self.owner_member or self.owner_organisation

    @property
    def is_overdue(self) -> bool:
        return bool(not self.done and self.due_on and self.due_on < timezone.localdate())


class MeetingPaper(models.Model):
    """A paper tabled at a meeting (agenda, minutes, a note)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=200, help_text="For example “Terms of Reference”.")
    document = models.FileField(
        max_length=255,
        upload_to=meeting_paper_document_path,
        validators=[validate_document],
        blank=True,
        help_text=DOCUMENT_HELP_TEXT,
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def document_download_url(self) -> str:
        return reverse("meeting-paper-document", kwargs={"pk": self.pk})


class LoadedRecord(models.Model):
    """Which row a data load created for which key, so reloading can tell edits from gaps."""

    key = models.CharField(max_length=200, unique=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class OutgoingEmail(models.Model):
    """An e-mail the service sends, recorded first so that it is sent once however often its job runs."""

    idempotency_key = models.CharField(
        max_length=200,
        unique=True,
        help_text="Names the one message this is, for example “password-reset:<job id>:<user id>”.",
    )
    to = models.JSONField(help_text="The recipients' addresses, for example [“a@example.org”].")
    subject = models.CharField(max_length=300)
    # Emptied once sent: a password-reset link works as a password for an hour.
    body = models.TextField(blank=True)
    # Extra headers, such as List-Unsubscribe; emptied with the body once sent.
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "outgoing email"
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(body=""),
                name="sent_email_keeps_no_body",
                violation_error_message="A sent email keeps no body.",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class RateLimitBucket(models.Model):
    """How many requests one client or address made in the current window (password resets)."""

    scope = models.CharField(max_length=50)
    # An HMAC of the value under SECRET_KEY: the table never holds an address in the clear.
    key_hash = models.CharField(max_length=64)
    window_started_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key_hash"], name="one_bucket_per_key"),
        ]
        indexes = [models.Index(fields=["window_started_at"])]

    def __str__(self) -> str:
        return f"{self.scope} {self.key_hash[:8]}… ({self.count})"


class TaskWorker(models.Model):
    """A running `db_worker` process, as last heard from: jobs of a worker not heard from are run again."""

    worker_id = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        return self.worker_id


class InvitationQuerySet(models.QuerySet):
    def open(self, now: datetime.datetime | None = None) -> "InvitationQuerySet":
        """Invitations whose link still works: not used, not revoked, not expired."""
        now = now or timezone.now()
        return self.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    """A one-time link, e-mailed to a member, to set the password of their new login.

    Only a hash of the token is kept: the token itself is in the link and nowhere else.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="invitations")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # SHA-256 of the token, in hex.
    token_hash = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.member} ({self.status})"

    @property
    def status(self) -> str:
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class PageVersion(models.Model):
    """What a kind of signed-in page shows, as a token that every write to it replaces.

    `oversight.personal_pages` keeps each person's page against the token it was made at;
    the receivers it connects give the token a new value in the writer's own transaction.
    """

    name = models.CharField(max_length=40, primary_key=True)
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.name} {self.token[:8]}"
