from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from oversight.admin_base import ReadOnlyAdmin
from oversight.models import LoadedRecord, Meeting, MeetingPaper, Member, Organisation
from oversight.uploads import DocumentDownloadInput


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    # Counting rows in the list drops the model's default order: say it again.
    ordering = ("name",)
    list_display = ("name", "abbreviation", "member_count")
    search_fields = ("name", "abbreviation")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description="members", ordering="member_count")
    def member_count(self, organisation: Organisation) -> int:
        return organisation.member_count


class ServingListFilter(admin.SimpleListFilter):
    """Split the members who still sit on the group from those who have left."""

    title = "still serving"
    parameter_name = "serving"

    def lookups(self, request, model_admin):
        return (("yes", "Still serving"), ("no", "Has left"))

    def queryset(self, request: HttpRequest, queryset: QuerySet[Member]) -> QuerySet[Member]:
        # The same “today” as `Member.objects.current()`: a leaving date still to come is serving.
        if self.value() == "yes":
            return queryset.current()
        if self.value() == "no":
            return queryset.left_by(timezone.localdate())
        return queryset


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = (
        "listing_label",
        "organisation",
        "is_chair",
        "joined_on",
        "left_on",
        "display_order",
    )
    list_filter = (ServingListFilter, "is_chair")
    # The listing label falls back to the organisation's name, so every queryset that shows
    # members (changelist, autocomplete) fetches it in the same query.
    list_select_related = ("organisation",)
    search_fields = ("name", "honorific", "role", "represents", "organisation__name")
    autocomplete_fields = ("organisation",)
    fieldsets = (
        (None, {"fields": ("honorific", "name", "role", "organisation", "represents")}),
        ("On the group", {"fields": ("is_chair", "display_order", "joined_on", "left_on")}),
        ("Sign-in", {"fields": ("user",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Member]:
        return super().get_queryset(request).select_related("organisation")

    @admin.display(description="listed as", ordering="display_order")
    def listing_label(self, member: Member) -> str:
        return member.listing_label


class MeetingPaperInline(admin.TabularInline):
    formfield_overrides = {models.FileField: {"widget": DocumentDownloadInput}}
    model = MeetingPaper
    fields = ("position", "title", "document")
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    # Counting rows in the list drops the model's default order: say it again.
    ordering = ("date",)
    list_display = ("meeting", "status", "focus", "attendee_count", "paper_count")
    list_filter = ("status", "date_precision")
    date_hierarchy = "date"
    search_fields = ("focus",)
    autocomplete_fields = ("attendees",)
    fields = ("date", "date_precision", "status", "focus", "attendees")
    inlines = (MeetingPaperInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Meeting]:
        # distinct: the two joins would otherwise multiply each other's counts.
        return (
            super()
            .get_queryset(request)
            .annotate(
                attendee_count=Count("attendees", distinct=True),
                paper_count=Count("papers", distinct=True),
            )
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "attendees":
            kwargs["queryset"] = Member.objects.select_related("organisation")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="meeting", ordering="date")
    def meeting(self, meeting: Meeting) -> str:
        return str(meeting)

    @admin.display(description="attendees", ordering="attendee_count")
    def attendee_count(self, meeting: Meeting) -> int:
        return meeting.attendee_count

    @admin.display(description="papers", ordering="paper_count")
    def paper_count(self, meeting: Meeting) -> int:
        return meeting.paper_count


@admin.register(MeetingPaper)
class MeetingPaperAdmin(admin.ModelAdmin):
    formfield_overrides = {models.FileField: {"widget": DocumentDownloadInput}}
    list_display = ("title", "meeting", "position", "document")
    list_select_related = ("meeting",)
    list_filter = ("meeting__status",)
    search_fields = ("title",)
    fields = ("meeting", "position", "title", "document")


@admin.register(LoadedRecord)
class LoadedRecordAdmin(ReadOnlyAdmin):
    """Read-only: the data load writes these rows, and reloading relies on them being untouched."""

    list_display = ("key", "content_type", "object_id", "loaded_at")
    list_select_related = ("content_type",)
    list_filter = ("content_type",)
    search_fields = ("key",)
    fields = ("key", "content_type", "object_id", "record", "loaded_at")
    readonly_fields = fields


from oversight.models import OutgoingEmail, RateLimitBucket, TaskWorker  # noqa: E402


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    """Read-only: what the service sent or is sending. Bodies are not shown (reset links)."""

    list_display = ("subject", "created_at", "sent_at", "attempts")
    list_filter = (("sent_at", admin.EmptyFieldListFilter),)
    search_fields = ("subject", "idempotency_key")
    fields = ("idempotency_key", "to", "subject", "created_at", "sent_at", "attempts", "last_error")
    readonly_fields = fields


@admin.register(RateLimitBucket)
class RateLimitBucketAdmin(ReadOnlyAdmin):
    """Read-only: password-reset requests counted this hour, by a keyed hash of the address or client."""

    list_display = ("scope", "key_hash", "count", "window_started_at")
    list_filter = ("scope",)
    fields = ("scope", "key_hash", "count", "window_started_at")
    readonly_fields = fields


@admin.register(TaskWorker)
class TaskWorkerAdmin(ReadOnlyAdmin):
    """Read-only: the background workers running now, and when each last said so."""

    list_display = ("worker_id", "started_at", "last_seen_at")
    fields = ("worker_id", "started_at", "last_seen_at")
    readonly_fields = fields
