from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from oversight import invitations, mail
from oversight.admin_base import BoundedRelatedFilter, ModelAdmin, ReadOnlyAdmin
from oversight.models import (
    LoadedRecord,
    Meeting,
    MeetingAction,
    MeetingPaper,
    Member,
    Organisation,
)
from oversight.permissions import (
    can_grant_staff_access,
    can_manage_member_logins,
    is_member_login,
)
from oversight.subqueries import related_count
from oversight.uploads import DocumentDownloadInput


@admin.register(Organisation)
class OrganisationAdmin(ModelAdmin):
    # Counting rows in the list drops the model's default order: say it again.
    ordering = ("name",)
    list_display = ("name", "abbreviation", "member_count")
    search_fields = ("name", "abbreviation")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        return (
            super()
            .get_queryset(request)
            .annotate(member_count=related_count(Member.objects.all(), "organisation"))
        )

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
class MemberAdmin(ModelAdmin):
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
        (
            "Sign-in",
            {
                "fields": ("email", "user", "invitation_status"),
                "description": (
                    "“Invite to sign in” (top right) makes the member a login and e-mails them "
                    "a link to choose a password. The link works once, for 7 days."
                ),
            },
        ),
    )
    readonly_fields = ("invitation_status",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Member]:
        return super().get_queryset(request).select_related("organisation")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Linking a member to a staff login would let an invitation set that login's password.
        if db_field.name == "user" and not can_grant_staff_access(request.user):
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=False, is_superuser=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="invitation")
    def invitation_status(self, member: Member) -> str:
        invitation = member.invitations.first() if member.pk else None
        if invitation is None:
            return "Not invited"
        status = {
            "open": "Sent {:%d %b %Y %H:%M}, the link works until {:%d %b %Y}",
            "used": "Accepted {2:%d %b %Y %H:%M}",
            "revoked": "Revoked {3:%d %b %Y %H:%M}",
            "expired": "Expired {1:%d %b %Y}: resend it",
        }[invitation.status]
        return status.format(
            timezone.localtime(invitation.created_at),
            timezone.localtime(invitation.expires_at),
            invitation.used_at and timezone.localtime(invitation.used_at),
            invitation.revoked_at and timezone.localtime(invitation.revoked_at),
        )

    # ---- Invite to sign in, resend, revoke: POST buttons on the change page ----

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                f"<path:object_id>/{action}/",
                self.admin_site.admin_view(require_POST(getattr(self, f"{action}_view"))),
                name="{}_{}_{}".format(*info, action),
            )
            for action in ("invite", "resend", "revoke")
        ] + super().get_urls()

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ) -> HttpResponse:
        if obj is not None and can_manage_member_logins(request.user):
            latest = obj.invitations.first()
            context.update(
                can_manage_login=True,
                invite_url=self._url("invite", obj),
                resend_url=self._url("resend", obj),
                revoke_url=self._url("revoke", obj),
                invited=latest is not None,
                has_open_invitation=obj.invitations.open().exists(),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _url(view: str, member: Member) -> str:
        return reverse(f"admin:oversight_member_{view}", args=[member.pk])

    def _member(self, request: HttpRequest, object_id: str) -> Member:
        if not can_manage_member_logins(request.user):
            raise PermissionDenied
        member = self.get_object(request, unquote(object_id))
        if member is None:
            raise Http404("No such member")
        return member

    def _send(self, request: HttpRequest, object_id: str, service) -> HttpResponse:
        member = self._member(request, object_id)
        try:
            service(
                member=member, invited_by=request.user, site_url=request.build_absolute_uri("/")
            )
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            member.refresh_from_db()
            messages.success(
                request,
                format_html(
                    "Invitation e-mailed to {}. Their username is {}. The link works for 7 days.",
                    member.email,
                    member.user.get_username(),
                ),
            )
        return HttpResponseRedirect(self._url("change", member))

    def invite_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Make the member a login (Group members role) and e-mail them a one-time link."""
        return self._send(request, object_id, invitations.invitation_send)

    def resend_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """A new link; the one sent before stops working."""
        return self._send(request, object_id, invitations.invitation_resend)

    def revoke_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The link sent stops working. The login stays (deactivate it on the user's page)."""
        member = self._member(request, object_id)
        if invitations.invitation_revoke(member=member, revoked_by=request.user):
            messages.success(request, "The invitation link was revoked: it no longer works.")
        else:
            messages.warning(request, "There was no open invitation to revoke.")
        return HttpResponseRedirect(self._url("change", member))

    @admin.display(description="listed as", ordering="display_order")
    def listing_label(self, member: Member) -> str:
        return member.listing_label


class MeetingPaperInline(admin.TabularInline):
    formfield_overrides = {models.FileField: {"widget": DocumentDownloadInput}}
    model = MeetingPaper
    fields = ("position", "title", "document")
    extra = 0


class MeetingActionInline(admin.TabularInline):
    model = MeetingAction
    fields = ("what", "owner_member", "owner_organisation", "due_on", "done", "done_on")
    autocomplete_fields = ("owner_member", "owner_organisation")
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(ModelAdmin):
    # Counting rows in the list drops the model's default order: say it again.
    ordering = ("date",)
    list_display = ("meeting", "status", "focus", "attendee_count", "paper_count")
    # A date filter, not a date hierarchy: its list of years grows with the quarters.
    list_filter = ("date", "status", "date_precision")
    search_fields = ("focus",)
    autocomplete_fields = ("attendees",)
    fields = ("date", "date_precision", "status", "focus", "attendees", "agenda", "decisions")
    inlines = (MeetingActionInline, MeetingPaperInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Meeting]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                attendee_count=related_count(Meeting.attendees.through.objects.all(), "meeting"),
                paper_count=related_count(MeetingPaper.objects.all(), "meeting"),
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
class MeetingPaperAdmin(ModelAdmin):
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
    fields = (
        "idempotency_key",
        "recipients",
        "subject",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
    )
    readonly_fields = fields

    @admin.display(description="to")
    def recipients(self, email: OutgoingEmail) -> str:
        # The public's addresses (e-mail alerts) are shown on no page, the admin's included.
        if email.idempotency_key.startswith(mail.PRIVATE_RECIPIENT_PREFIX):
            return "A subscriber to e-mail alerts (the address is not shown)"
        return ", ".join(email.to)


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


class ActionStatusFilter(admin.SimpleListFilter):
    """Open, done, or open and past its due date (the same “today” as the members' pages)."""

    title = "status"
    parameter_name = "action_status"

    def lookups(self, request, model_admin):
        return (("open", "Open"), ("overdue", "Overdue"), ("done", "Done"))

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[MeetingAction]
    ) -> QuerySet[MeetingAction]:
        if self.value() == "open":
            return queryset.open()
        if self.value() == "overdue":
            return queryset.overdue(timezone.localdate())
        if self.value() == "done":
            return queryset.filter(done=True)
        return queryset


@admin.register(MeetingAction)
class MeetingActionAdmin(ModelAdmin):
    list_display = ("what_short", "meeting", "owner", "due_on", "done", "overdue")
    # A filter by due date rather than a date hierarchy, whose list of years reads every row.
    list_filter = (
        ActionStatusFilter,
        "due_on",
        ("owner_member", BoundedRelatedFilter),
        ("owner_organisation", BoundedRelatedFilter),
    )
    list_select_related = ("meeting", "owner_member__organisation", "owner_organisation")
    search_fields = ("what", "owner_member__name", "owner_organisation__name")
    autocomplete_fields = ("meeting", "owner_member", "owner_organisation")
    fields = ("meeting", "what", "owner_member", "owner_organisation", "due_on", "done", "done_on")

    @admin.display(description="what", ordering="what")
    def what_short(self, action: MeetingAction) -> str:
        return str(action)

    @admin.display(description="owner")
    def owner(self, action: MeetingAction) -> str:
        return str(action.owner or "")

    @admin.display(description="overdue", boolean=True)
    def overdue(self, action: MeetingAction) -> bool:
        return action.is_overdue


# ---- Logins: the secretariat manages members' logins; only superusers grant powers ----

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class MemberLoginAdmin(UserAdmin):
    """Django's UserAdmin for superusers; for the secretariat, members' logins only.

    The secretariat sees logins that are neither staff nor superuser, and may change only
    whether they are active: deactivating signs the member out on their next request. The
    form it gets has no other field, so a crafted POST of `is_superuser`, `is_staff`, `groups`
    or `user_permissions` is ignored. Adding logins is done by inviting a member; deleting,
    setting passwords and granting roles stay with superusers.
    """

    member_login_fieldsets = (
        (None, {"fields": ("username", "member_link")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        (
            "Access",
            {
                "fields": ("is_active",),
                "description": (
                    "Untick “Active” to stop this member signing in; they are signed out on "
                    "their next request. Invite them again from their member page to restore it."
                ),
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )

    def get_list_display(self, request: HttpRequest):
        if can_grant_staff_access(request.user):
            return super().get_list_display(request)
        return ("username", "email", "first_name", "last_name", "is_active", "last_login")

    def get_list_filter(self, request: HttpRequest):
        if can_grant_staff_access(request.user):
            return super().get_list_filter(request)
        return ("is_active",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request).select_related("group_member")
        if can_grant_staff_access(request.user):
            return queryset
        return queryset.filter(is_staff=False, is_superuser=False)

    def get_fieldsets(self, request: HttpRequest, obj=None):
        if can_grant_staff_access(request.user):
            return super().get_fieldsets(request, obj)
        return self.member_login_fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if can_grant_staff_access(request.user):
            return ("member_link",)
        return (
            "username",
            "member_link",
            "first_name",
            "last_name",
            "email",
            "last_login",
            "date_joined",
        )

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        if not can_grant_staff_access(request.user):
            # A plain ModelForm of the one field: UserChangeForm's password link and its
            # clean-ups are for superusers.
            kwargs["form"] = admin.ModelAdmin.form
        return super().get_form(request, obj, change=change, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if (
            obj is not None
            and not can_grant_staff_access(request.user)
            and not is_member_login(obj)
        ):
            return False
        return super().has_change_permission(request, obj)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        if (
            obj is not None
            and not can_grant_staff_access(request.user)
            and not is_member_login(obj)
        ):
            return False
        return super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_grant_staff_access(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_grant_staff_access(request.user) and super().has_delete_permission(request, obj)

    def user_change_password(self, request: HttpRequest, id, form_url=""):
        if not can_grant_staff_access(request.user):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        # Belt and braces: the form above has no such fields, and this says the rule again.
        if not can_grant_staff_access(request.user) and not is_member_login(obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    @admin.display(description="group member")
    def member_link(self, user) -> str:
        member = getattr(user, "group_member", None)
        if member is None:
            return "Not linked to a member"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:oversight_member_change", args=[member.pk]),
            member.listing_label,
        )


from oversight.models import Invitation  # noqa: E402


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    """Read-only: invitations are sent, resent and revoked from the member's page."""

    list_display = ("member", "status", "created_by", "created_at", "expires_at")
    list_select_related = ("member__organisation", "created_by")
    list_filter = (
        ("used_at", admin.EmptyFieldListFilter),
        ("revoked_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("member__name", "member__email")
    # The token's hash is left out: it is no use to anyone reading this page.
    fields = ("member", "created_by", "created_at", "expires_at", "used_at", "revoked_at")
    readonly_fields = fields

    @admin.display(description="status")
    def status(self, invitation: Invitation) -> str:
        return invitation.status
