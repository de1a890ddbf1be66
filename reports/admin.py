import json
import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Length
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from oversight.admin_base import BoundedRelatedFilter, ModelAdmin, ReadOnlyAdmin
from oversight.dates import date_format
from oversight.pagination import page_href
from oversight.permissions import (
    can_approve,
    can_confirm_withdrawal,
    can_edit_edition,
    can_mark_ready,
    can_publish,
    can_read_section_comments,
    can_request_withdrawal,
    can_share_edition,
    can_start_correction,
    can_start_next_edition,
    is_preparer,
)
from oversight.subqueries import related_count
from reports.models import (
    ProgressUpdate,
    Publication,
    PublicationPdf,
    PublicationWithdrawal,
    QuarterlyUpdate,
)
from reports.section_admin import EditionSectionsAdminMixin
from reports.services import (
    ALREADY_PUBLISHED,
    CHANGED_SINCE_APPROVAL,
    PublishCheck,
    PublishRefused,
    SignOffRefused,
    edition_approve,
    edition_body_render,
    edition_content_changed,
    edition_correction_start,
    edition_mark_ready,
    edition_publish,
    edition_publish_check,
    edition_send_back,
    edition_start_next,
)
from reports.snapshot import edition_snapshot
from reports.withdrawal import (
    ALREADY_WITHDRAWN,
    WithdrawalRefused,
    publication_withdrawal_confirm,
    publication_withdrawal_request,
)


class FrozenEditionMixin:
    """Nothing in a published edition is added, changed or deleted here: start a correction.

    For the admin of editions and of what they hold (their bullets, inline or on their own).
    `edition_of(obj)` is the edition `obj` belongs to; `deletion_refused(objs)` says why
    some of a bulk delete's choices must stay.
    """

    def edition_of(self, obj: Any) -> QuarterlyUpdate:
        return obj

    def is_frozen(self, obj: Any | None) -> bool:
        return obj is not None and not self.edition_of(obj).is_editable

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # An inline is asked with its edition; a model admin's add form has no object.
        obj = args[0] if args else None
        return super().has_add_permission(request, *args) and not self.is_frozen(obj)

    def has_change_permission(self, request: HttpRequest, obj: Any | None = None) -> bool:
        return super().has_change_permission(request, obj) and not self.is_frozen(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any | None = None) -> bool:
        return super().has_delete_permission(request, obj) and not self.is_frozen(obj)

    def deletion_refused(self, objs: QuerySet) -> list[str]:
        return []

    def get_deleted_objects(self, objs, request: HttpRequest):
        """Refuse the frozen ones, also when chosen with others in a bulk delete."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        refused = self.deletion_refused(objs)
        if refused:
            # Say why plainly, rather than that nobody may delete what they hold.
            return deleted, model_count, set(), [*refused, *protected]
        return deleted, model_count, perms_needed, protected


class PublicationInline(admin.TabularInline):
    """The edition's published revisions, as the public read them. Never changed here."""

    model = Publication
    fields = ("revision", "published_at", "published_by", "change_note", "public_page")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "published revision"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Publication]:
        return (
            super()
            .get_queryset(request)
            .select_related("edition", "published_by")
            .defer("content", "body_html")
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="public page")
    def public_page(self, publication: Publication) -> str:
        return _public_page_link(publication)


class PublishForm(forms.Form):
    """What the publisher confirms: a change note for a correction, and checked warnings."""

    change_note = forms.CharField(
        label="Change note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=(
            "Say what this correction changed, for example “corrected the date of the second "
            "meeting”. The public page shows it after the date it is published on."
        ),
    )
    warnings_accepted = forms.BooleanField(
        label="I have checked these and they are not personal data", required=False
    )

    def __init__(
        self, *args: Any, correction: bool, has_warnings: bool | None, **kwargs: Any
    ) -> None:
        """`has_warnings` None: not known yet (the service will check), so the box is optional."""
        super().__init__(*args, **kwargs)
        if correction:
            self.fields["change_note"].required = True
            self.fields["change_note"].error_messages["required"] = (
                "Enter a change note saying what this correction changed."
            )
        else:
            del self.fields["change_note"]
        if has_warnings:
            self.fields["warnings_accepted"].required = True
            self.fields["warnings_accepted"].error_messages["required"] = (
                "Check each warning below, then confirm it is not personal data."
            )
        elif has_warnings is False:
            del self.fields["warnings_accepted"]


class StartNextForm(forms.Form):
    """Whether the next quarter's draft starts with a copy of this edition's bullets."""

    carry_over_bullets = forms.ChoiceField(
        label="Copy this edition's bullets into the new draft?",
        choices=[
            ("yes", "Yes, copy each bullet and its sub-points, to edit"),
            ("no", "No, start with no bullets"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether to copy this edition's bullets into the new draft."
        },
    )


class SignOffForm(forms.Form):
    """The approver's decision: approve the content as it is, or send it back saying why."""

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("approve", "Approve it for publishing, exactly as shown"),
            ("send_back", "Send it back to draft"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve the edition or send it back."},
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text="Needed if you send it back: say what should change, for example “Add the "
        "date of the June meeting to Recommendation 1.”",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "send_back" and not data.get("comment", "").strip():
            self.add_error("comment", "Enter a comment saying what needs to change.")
        return data


def headings_demoted(body_html: str, *, by: int) -> SafeString:
    """The edition's body with every heading `by` levels lower (h1 -> h3 for by=2, at most h6),
    for a page that shows it under headings of its own: one h1 per page, an unbroken outline."""
    return mark_safe(  # noqa: S308 - the body is the service's own rendered, escaped template
        re.sub(
            r"<(/?)h([1-6])\b",
            lambda tag: f"<{tag[1]}h{min(int(tag[2]) + by, 6)}",
            body_html,
        )
    )


def _form_errors(form: forms.Form) -> list[tuple[str, str]]:
    """The error summary's lines, each linking to its field (radios: the first option)."""
    errors = []
    for name, field_errors in form.errors.items():
        target = (
            f"#id_{name}_0"
            if isinstance(form.fields[name].widget, forms.RadioSelect)
            else f"#id_{name}"
        )
        errors += [(error, target) for error in field_errors]
    return errors


@admin.register(QuarterlyUpdate)
class QuarterlyUpdateAdmin(EditionSectionsAdminMixin, FrozenEditionMixin, ModelAdmin):
    """Editions: written as drafts, published from here, frozen once published.

    The edition's own fields are edited here; its sections (statuses and bullets) each on a
    page of their own (`EditionSectionsAdminMixin`), which the change page lists.
    """

    ordering = ("-period",)

    list_display = (
        "__str__",
        "slug",
        "publication_status",
        "published_at",
        "publisher",
        "bullet_count",
    )
    list_select_related = ("publisher",)
    list_filter = ("status",)
    search_fields = ("title", "slug")
    autocomplete_fields = ("publisher",)
    # Publishing sets the status, time and person together, through the Publish page;
    # editing any one of them here would break the edition's consistency. Sharing is set by
    # the Share button in the same way.
    readonly_fields = (
        "status",
        "published_at",
        "published_by",
        "shared_at",
        "shared_by",
        "signoff_status",
        "ready_by",
        "signoff_record",
    )
    actions = ("start_next_update",)
    fieldsets = (
        (
            None,
            {"fields": ("series", "title", "period", "slug", "publisher", "reports_on_meeting")},
        ),
        (
            "Foreword",
            {
                "fields": (
                    "foreword_heading",
                    "foreword",
                    "signature_description",
                    "signatory_name",
                    "signatory_role",
                )
            },
        ),
        ("Publication", {"fields": ("status", "published_at", "published_by")}),
        ("Shared with the group for comment", {"fields": ("shared_at", "shared_by")}),
        (
            "Sign-off",
            {
                "fields": ("signoff_status", "ready_by", "signoff_record"),
                "description": "Four eyes: whoever marks the edition ready cannot approve it. "
                "Any change after that sends it back to draft.",
            },
        ),
    )
    # The bullets are edited section by section (see the class docstring), not inline: the
    # stock tabular inline gave a screen reader unlabelled fields (issue 12).
    inlines = ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[QuarterlyUpdate]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                bullet_count=related_count(ProgressUpdate.objects.all(), "edition"),
                revision_count=related_count(Publication.objects.all(), "edition"),
                last_published_at=Subquery(
                    Publication.objects.filter(edition=OuterRef("pk"))
                    .order_by("-published_at")
                    .values("published_at")[:1]
                ),
            )
        )

    def get_inlines(self, request: HttpRequest, obj: QuarterlyUpdate | None):
        # Only a published edition has revisions to list.
        if obj is not None and obj.is_published:
            return (*self.inlines, PublicationInline)
        return self.inlines

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "reports_on_meeting":
            kwargs["queryset"] = db_field.related_model.objects.order_by("-date")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: QuarterlyUpdate | None = None):
        # The slug is the public address: once published, links to it must keep working.
        if obj is not None and obj.is_published:
            return (*self.readonly_fields, "slug")
        return self.readonly_fields

    def has_delete_permission(
        self, request: HttpRequest, obj: QuarterlyUpdate | None = None
    ) -> bool:
        # Never once published, even while being corrected: its publications point at it.
        if obj is not None and (obj.is_published or obj.publications.exists()):
            return False
        return super().has_delete_permission(request, obj)

    def deletion_refused(self, objs: QuerySet[QuarterlyUpdate]) -> list[str]:
        return [
            f"{edition} is published: published editions are never deleted"
            for edition in objs
            if edition.is_published
        ]

    def view_on_site(self, obj: QuarterlyUpdate) -> str | None:
        # A draft has no public page yet: “Preview” shows it instead.
        return obj.get_absolute_url() if obj.is_published else None

    @admin.display(description="status", ordering="status")
    def publication_status(self, edition: QuarterlyUpdate) -> str:
        if not edition.revision_count:
            return edition.get_status_display()
        last = date_format(timezone.localtime(edition.last_published_at), "j M Y")
        return (
            f"{edition.get_status_display()} (revision {edition.revision_count}, published {last})"
        )

    @admin.display(description="bullets", ordering="bullet_count")
    def bullet_count(self, update: QuarterlyUpdate) -> int:
        return update.bullet_count

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/publish/",
                self.admin_site.admin_view(
                    require_http_methods(["GET", "HEAD", "POST"])(self.publish_view)
                ),
                name="{}_{}_publish".format(*info),
            ),
            path(
                "<path:object_id>/correction/",
                self.admin_site.admin_view(require_POST(self.correction_start_view)),
                name="{}_{}_correction".format(*info),
            ),
            *self.section_urls(),
            path(
                "<path:object_id>/start-next/",
                self.admin_site.admin_view(
                    require_http_methods(["GET", "HEAD", "POST"])(self.start_next_view)
                ),
                name="{}_{}_start_next".format(*info),
            ),
            path(
                "<path:object_id>/ready/",
                self.admin_site.admin_view(require_POST(self.ready_view)),
                name="{}_{}_ready".format(*info),
            ),
            path(
                "<path:object_id>/sign-off/",
                self.admin_site.admin_view(
                    require_http_methods(["GET", "HEAD", "POST"])(self.signoff_view)
                ),
                name="{}_{}_signoff".format(*info),
            ),
            *super().get_urls(),
        ]

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ) -> HttpResponse:
        if obj is not None:
            sections = self.sections_overview(
                obj,
                editable=can_edit_edition(request.user, obj),
                with_comments=can_read_section_comments(request.user),
                page=request.GET.get("sections"),
            )
            context.update(
                preview_url=reverse("reports:edition-preview", kwargs={"slug": obj.slug}),
                publish_url=self._url("publish", obj),
                correction_url=self._url("correction", obj),
                can_publish=can_publish(request.user, obj),
                can_start_correction=can_start_correction(request.user, obj),
                can_share=can_share_edition(request.user, obj),
                share_url=self._url("share", obj),
                unshare_url=self._url("unshare", obj),
                sections=sections,
                sections_previous_href=page_href(request, sections, sections.number - 1)
                if sections.has_previous()
                else "",
                sections_next_href=page_href(request, sections, sections.number + 1)
                if sections.has_next()
                else "",
                start_next_url=self._url("start_next", obj),
                ready_url=self._url("ready", obj),
                signoff_url=self._url("signoff", obj),
                can_start_next=can_start_next_edition(request.user),
                can_mark_ready=can_mark_ready(request.user, obj),
                can_approve=can_approve(request.user, obj),
                is_preparer=is_preparer(request.user, obj),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _url(view: str, edition: QuarterlyUpdate) -> str:
        return reverse(f"admin:reports_quarterlyupdate_{view}", args=[edition.pk])

    def _edition_to_publish(self, request: HttpRequest, object_id: str) -> QuarterlyUpdate:
        if not can_publish(request.user):
            raise PermissionDenied
        edition = self.get_object(request, unquote(object_id))
        if edition is None:
            raise Http404("No such edition")
        return edition

    def _change_page(self, edition: QuarterlyUpdate) -> HttpResponseRedirect:
        return HttpResponseRedirect(self._url("change", edition))

    def publish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Check the edition, confirm, and publish it (or its correction) for the public."""
        edition = self._edition_to_publish(request, object_id)
        if not edition.is_editable:
            messages.warning(request, ALREADY_PUBLISHED)
            return self._change_page(edition)
        correction = edition.publications.exists()
        if request.method == "POST":
            # The service checks the edition as it publishes: the page checks it only to show
            # why publishing did not happen.
            form = PublishForm(request.POST, correction=correction, has_warnings=None)
            if form.is_valid():
                try:
                    publication = edition_publish(
                        edition=edition,
                        published_by=request.user,
                        change_note=form.cleaned_data.get("change_note", ""),
                        warnings_accepted=form.cleaned_data.get("warnings_accepted", False),
                    )
                except PublishRefused as refused:
                    check = refused
                    self._signoff_check_after_refusal(request, edition, refused)
                else:
                    messages.success(
                        request,
                        format_html(
                            'Published revision {} of “{}”. <a href="{}">View it on the public '
                            "site</a>.",
                            publication.revision,
                            edition,
                            edition.get_absolute_url(),
                        ),
                    )
                    return self._change_page(edition)
            else:
                check = edition_publish_check(edition=edition)
            form = PublishForm(
                request.POST, correction=correction, has_warnings=bool(check.warnings)
            )
            form.is_valid()
        else:
            check = edition_publish_check(edition=edition)
            self._signoff_check_after_refusal(request, edition, check)
            form = PublishForm(correction=correction, has_warnings=bool(check.warnings))
        problems, warnings = check.problems, check.warnings
        change_url = self._url("change", edition)
        # What stops publishing first, then what this page still needs, as the page reads.
        errors = [(problem, _fix_link(change_url, problem)) for problem in problems] + [
            (error, f"#id_{name}")
            for name, field_errors in form.errors.items()
            for error in field_errors
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Publish a correction to {edition}" if correction else f"Publish {edition}",
            "opts": self.opts,
            "original": edition,
            "edition": edition,
            "correction": correction,
            "form": form,
            "errors": errors,
            "warnings": [(warning, _fix_link(change_url, warning)) for warning in warnings],
            "change_url": change_url,
            "preview_url": reverse("reports:edition-preview", kwargs={"slug": edition.slug}),
            "today": timezone.localdate(),
        }
        return TemplateResponse(request, "admin/reports/quarterlyupdate/publish.html", context)

    # ---- Sign-off and the next quarter (issue 10) ----

    def save_model(self, request: HttpRequest, obj: QuarterlyUpdate, form, change: bool) -> None:
        if change:
            # Sign-off moves only through its own steps: never put back what a form loaded.
            current = QuarterlyUpdate.objects.filter(pk=obj.pk).values(
                "signoff_status", "ready_by", "signoff_hash"
            )
            for name, value in current.get().items():
                setattr(obj, "ready_by_id" if name == "ready_by" else name, value)
        super().save_model(request, obj, form, change)
        match = request.resolver_match
        if match is not None and match.url_name.endswith("_simple_history"):
            # A revert saves no inlines: check the content now.
            self._signoff_check(request, obj)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        self._signoff_check(request, form.instance)

    def _signoff_check_after_refusal(
        self, request: HttpRequest, edition: QuarterlyUpdate, check: PublishCheck
    ) -> None:
        """Changed since approval (a bullet, or a member's name in a generated list): back to
        draft, so the edition's page says it needs signing off again."""
        if CHANGED_SINCE_APPROVAL in check.problems:
            self._signoff_check(request, edition)

    def _signoff_check(self, request: HttpRequest, edition: QuarterlyUpdate) -> None:
        if edition.signoff_status == QuarterlyUpdate.SignOff.DRAFT:
            return
        if edition_content_changed(edition=edition, changed_by=request.user):
            messages.warning(request, SENT_BACK_BY_CHANGE.format(edition=edition))

    @admin.display(description="sign-off steps")
    def signoff_record(self, edition: QuarterlyUpdate) -> str:
        return render_signoff_record(edition)

    @admin.action(description="Start the next update from the chosen edition")
    def start_next_update(self, request: HttpRequest, queryset: QuerySet[QuarterlyUpdate]):
        if not can_start_next_edition(request.user):
            raise PermissionDenied
        editions = list(queryset[:2])
        if len(editions) != 1:
            messages.error(request, "Choose one edition to start the next update from.")
            return None
        return HttpResponseRedirect(self._url("start_next", editions[0]))

    def start_next_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Ask whether to copy the bullets, then make the next quarter's draft (never two)."""
        if not can_start_next_edition(request.user):
            raise PermissionDenied
        edition = self.get_object(request, unquote(object_id))
        if edition is None:
            raise Http404("No such edition")
        following = QuarterlyUpdate.objects.following(edition).first()
        if following is not None:
            messages.info(request, ALREADY_STARTED.format(edition=following))
            return self._change_page(following)
        form = StartNextForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                draft = edition_start_next(
                    edition=edition,
                    started_by=request.user,
                    carry_over_bullets=form.cleaned_data["carry_over_bullets"] == "yes",
                )
            except SignOffRefused as refused:
                messages.error(request, str(refused))
                return self._change_page(edition)
            messages.success(
                request,
                f"Started {draft}. Write its foreword and check each section's bullets.",
            )
            return self._change_page(draft)
        period = edition.next_period
        context = {
            **self.admin_site.each_context(request),
            "title": f"Start the {period:%B %Y} update",
            "opts": self.opts,
            "edition": edition,
            "next_label": period.strftime("%B %Y"),
            "next_slug": period.strftime("%Y-%m"),
            "form": form,
            "errors": _form_errors(form),
            "change_url": self._url("change", edition),
        }
        return TemplateResponse(request, "admin/reports/quarterlyupdate/start_next.html", context)

    def ready_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Mark the edition ready for sign-off (POST only: it changes its state)."""
        if not can_mark_ready(request.user):
            raise PermissionDenied
        edition = self.get_object(request, unquote(object_id))
        if edition is None:
            raise Http404("No such edition")
        try:
            edition_mark_ready(edition=edition, marked_by=request.user)
        except SignOffRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                "Marked ready for sign-off. Someone in the chair's office now approves it or "
                "sends it back; any change before then sends it back to draft.",
            )
        return self._change_page(edition)

    def signoff_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The approver reads the exact content, then approves it or sends it back."""
        if not can_approve(request.user):
            raise PermissionDenied
        edition = self.get_object(request, unquote(object_id))
        if edition is None:
            raise Http404("No such edition")
        if is_preparer(request.user, edition):
            raise PermissionDenied("You marked this edition ready: someone else must sign it off.")
        if not can_approve(request.user, edition):
            messages.warning(request, "This edition is not waiting for sign-off.")
            return self._change_page(edition)
        form = SignOffForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                if form.cleaned_data["decision"] == "approve":
                    edition_approve(edition=edition, approved_by=request.user)
                    done = "Approved. It can now be published."
                else:
                    edition_send_back(
                        edition=edition,
                        sent_back_by=request.user,
                        comment=form.cleaned_data["comment"],
                    )
                    done = "Sent back to draft, with your comment."
            except SignOffRefused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(request, done)
            return self._change_page(edition)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Sign off {edition}",
            "opts": self.opts,
            "edition": edition,
            "form": form,
            "errors": _form_errors(form),
            "change_url": self._url("change", edition),
            "body_html": headings_demoted(edition_body_render(edition_snapshot(edition)), by=2),
            "fingerprint": edition.signoff_hash,
            "preview_url": reverse("reports:edition-preview", kwargs={"slug": edition.slug}),
        }
        return TemplateResponse(request, "admin/reports/quarterlyupdate/signoff.html", context)

    def correction_start_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Open a published edition for a correction (POST only: it changes its state)."""
        edition = self._edition_to_publish(request, object_id)
        try:
            edition_correction_start(edition=edition, started_by=request.user)
        except PublishRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                "Correction started. The public page keeps showing the last published "
                "revision until you publish the correction.",
            )
        return self._change_page(edition)


SENT_BACK_BY_CHANGE = (
    "{edition} changed after it was marked ready or approved, so it is back to draft. Mark it "
    "ready for sign-off again when it is finished."
)
ALREADY_STARTED = "{edition} is already started: here it is. Nothing new was made."


def render_signoff_record(edition: QuarterlyUpdate) -> str:
    """The edition's sign-off steps as a table: who did what, when, and why."""
    steps = list(edition.signoff_steps.select_related("user").order_by("at", "pk"))
    if not steps:
        return format_html('<p id="sign-off">{}</p>', "No sign-off steps yet.")
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
        (
            (
                date_format(timezone.localtime(step.at), "j M Y, H:i"),
                step.get_action_display(),
                (step.user.get_full_name() or step.user.get_username())
                if step.user
                else "The service",
                step.comment,
                step.snapshot_hash[:12],
            )
            for step in steps
        ),
    )
    return format_html(
        '<table id="sign-off"><caption>Sign-off steps, oldest first</caption><thead><tr>'
        '<th scope="col">When</th><th scope="col">Step</th><th scope="col">Who</th>'
        '<th scope="col">Comment</th><th scope="col">Content fingerprint</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        rows,
    )


def _editions_signoff_check(request: HttpRequest, edition_ids: set[int]) -> None:
    signed_off = QuarterlyUpdate.objects.filter(pk__in=edition_ids).exclude(
        signoff_status=QuarterlyUpdate.SignOff.DRAFT
    )
    for edition in signed_off:
        if edition_content_changed(edition=edition, changed_by=request.user):
            messages.warning(request, SENT_BACK_BY_CHANGE.format(edition=edition))


def _fix_link(change_url: str, message: str) -> str:
    """Where on the edition's change page to fix what `message` is about, if it says."""
    field = getattr(message, "field", "")
    if not field:
        return ""
    if field.startswith("section:"):
        # A section's page sits beside the change page: .../<id>/sections/<number>/.
        return change_url.removesuffix("change/") + f"sections/{field.removeprefix('section:')}/"
    if field == "signoff":
        return f"{change_url}#sign-off"
    return f"{change_url}#id_{field}"


class WithdrawalRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why must this revision be withdrawn?",
        widget=forms.Textarea,
        max_length=2000,
        help_text=PublicationWithdrawal._meta.get_field("reason").help_text,
        error_messages={"required": "Enter why this revision must be withdrawn"},
    )


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _withdrawal_summary(withdrawal: PublicationWithdrawal) -> str:
    """Requested by whom, when and why; confirmed by whom and when, or not yet."""
    requested = format_html(
        "Requested by {} on {}: “{}”.",
        _person(withdrawal.requested_by),
        date_format(timezone.localtime(withdrawal.requested_at), "j F Y, H:i"),
        withdrawal.reason,
    )
    if not withdrawal.is_confirmed:
        return format_html("{} Not confirmed yet: the public still reads it.", requested)
    return format_html(
        "{} Confirmed by {} on {}.",
        requested,
        _person(withdrawal.confirmed_by),
        date_format(timezone.localtime(withdrawal.confirmed_at), "j F Y, H:i"),
    )


def _public_page_link(publication: Publication) -> str:
    url = reverse(
        "reports:edition-revision",
        kwargs={"slug": publication.edition.slug, "revision": publication.revision},
    )
    return format_html('<a href="{}">{}</a>', url, url)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(FrozenEditionMixin, ModelAdmin):
    list_display = ("__str__", "edition", "recommendation", "parent", "position", "source")
    # The newest edition's bullets first, along an index: the model's order (by the
    # editions' periods) joins and sorts every bullet there has been.
    ordering = ("-edition_id", "position", "pk")
    list_select_related = ("edition", "recommendation", "parent")
    list_filter = (
        ("edition", BoundedRelatedFilter),
        ("recommendation", BoundedRelatedFilter),
        "source",
    )
    search_fields = ("text",)
    autocomplete_fields = ("recommendation", "parent")
    fields = ("edition", "recommendation", "parent", "position", "source", "text")

    def edition_of(self, obj: ProgressUpdate) -> QuarterlyUpdate:
        return obj.edition

    # A bullet changed here (or restored from its history) sends a signed-off edition back.
    def save_model(self, request: HttpRequest, obj: ProgressUpdate, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _editions_signoff_check(request, {obj.edition_id})

    def delete_model(self, request: HttpRequest, obj: ProgressUpdate) -> None:
        super().delete_model(request, obj)
        _editions_signoff_check(request, {obj.edition_id})

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ProgressUpdate]) -> None:
        edition_ids = set(queryset.values_list("edition_id", flat=True))
        super().delete_queryset(request, queryset)
        _editions_signoff_check(request, edition_ids)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "edition":
            # A published edition is frozen: start a correction to add to it.
            kwargs["queryset"] = QuarterlyUpdate.objects.editable()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def deletion_refused(self, objs: QuerySet[ProgressUpdate]) -> list[str]:
        frozen_editions = set(
            QuarterlyUpdate.objects.frozen()
            .filter(pk__in={bullet.edition_id for bullet in objs})
            .values_list("pk", flat=True)
        )
        return [
            f"“{bullet}” is in a published edition: start a correction to change it"
            for bullet in objs
            if bullet.edition_id in frozen_editions
        ]


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    """Every published revision, word for word as the public read it."""

    list_display = (
        "edition",
        "revision",
        "published_at",
        "published_by",
        "change_note",
        "withdrawn_at",
        "public_page",
    )
    list_select_related = ("edition", "published_by")
    list_defer = ("content", "body_html")  # the list shows none of the content, which can be long
    # By date, not a date hierarchy: its list of years grows with the quarters.
    list_filter = ("published_at", ("edition", BoundedRelatedFilter))
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "edition",
                    "revision",
                    "published_at",
                    "published_by",
                    "change_note",
                    "public_page",
                )
            },
        ),
        ("Withdrawal", {"fields": ("withdrawal_record",)}),
        ("Content as published", {"fields": ("content_as_data", "body_html_source")}),
    )
    readonly_fields = (
        "edition",
        "revision",
        "published_at",
        "published_by",
        "change_note",
        "public_page",
        "withdrawal_record",
        "content_as_data",
        "body_html_source",
    )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/withdraw/",
                self.admin_site.admin_view(
                    require_http_methods(["GET", "HEAD", "POST"])(self.withdrawal_request_view)
                ),
                name="{}_{}_withdraw".format(*info),
            ),
            path(
                "<path:object_id>/withdraw/confirm/",
                self.admin_site.admin_view(
                    require_http_methods(["GET", "HEAD", "POST"])(self.withdrawal_confirm_view)
                ),
                name="{}_{}_withdraw_confirm".format(*info),
            ),
            *super().get_urls(),
        ]

    @admin.display(description="withdrawal")
    def withdrawal_record(self, publication: Publication) -> str:
        """Who asked for it to be withdrawn, who confirmed it, when and why; or the link."""
        withdrawal = PublicationWithdrawal.objects.filter(publication=publication).first()
        if withdrawal is None:
            return format_html(
                '<a href="{}">Request withdrawal</a> (if it exposed personal data)',
                reverse("admin:reports_publication_withdraw", args=[publication.pk]),
            )
        summary = _withdrawal_summary(withdrawal)
        if withdrawal.is_confirmed:
            return summary
        return format_html(
            '{} <a href="{}">Confirm withdrawal</a>',
            summary,
            reverse("admin:reports_publication_withdraw_confirm", args=[publication.pk]),
        )

    def _publication(self, request: HttpRequest, object_id: str) -> Publication:
        publication = self.get_object(request, unquote(object_id))
        if publication is None:
            raise Http404("No such publication")
        return publication

    def _withdrawal_page(
        self, request: HttpRequest, template: str, publication: Publication, **context: Any
    ) -> HttpResponse:
        return TemplateResponse(
            request,
            f"admin/reports/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": publication,
                "publication": publication,
                "change_url": reverse("admin:reports_publication_change", args=[publication.pk]),
                **context,
            },
        )

    def withdrawal_request_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Ask for a revision to be withdrawn, with the reason; someone else confirms it."""
        if not can_request_withdrawal(request.user):
            raise PermissionDenied
        publication = self._publication(request, object_id)
        change_url = reverse("admin:reports_publication_change", args=[publication.pk])
        if not can_request_withdrawal(request.user, publication):
            messages.warning(request, ALREADY_WITHDRAWN)
            return HttpResponseRedirect(change_url)
        form = WithdrawalRequestForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                publication_withdrawal_request(
                    publication=publication,
                    requested_by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except WithdrawalRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(
                    request,
                    f"Withdrawal of {publication} requested. Someone else in the secretariat "
                    "must now confirm it; until then the public still reads it.",
                )
                return HttpResponseRedirect(change_url)
        errors = [
            (error, None if name == "__all__" else f"#id_{name}")
            for name, field_errors in form.errors.items()
            for error in field_errors
        ]
        return self._withdrawal_page(
            request,
            "publication_withdraw_request.html",
            publication,
            title=f"Request the withdrawal of {publication}",
            form=form,
            errors=errors,
        )

    def withdrawal_confirm_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """A second person confirms a requested withdrawal: the text is replaced by a notice."""
        if not can_confirm_withdrawal(request.user):
            raise PermissionDenied
        publication = self._publication(request, object_id)
        withdrawal = (
            PublicationWithdrawal.objects.filter(publication=publication)
            .select_related("requested_by", "confirmed_by")
            .first()
        )
        if withdrawal is None:
            raise Http404("No withdrawal has been requested for this publication")
        change_url = reverse("admin:reports_publication_change", args=[publication.pk])
        if withdrawal.is_confirmed:
            messages.info(request, "This withdrawal has already been confirmed.")
            return HttpResponseRedirect(change_url)
        errors = []
        if request.method == "POST":
            try:
                publication_withdrawal_confirm(withdrawal=withdrawal, confirmed_by=request.user)
            except WithdrawalRefused as refused:
                errors = [(str(refused), None)]
            else:
                messages.success(
                    request,
                    f"{publication} is withdrawn: the public now reads the notice in its place.",
                )
                return HttpResponseRedirect(change_url)
        return self._withdrawal_page(
            request,
            "publication_withdraw_confirm.html",
            publication,
            title=f"Confirm the withdrawal of {publication}",
            withdrawal=withdrawal,
            summary=_withdrawal_summary(withdrawal),
            is_requester=not can_confirm_withdrawal(request.user, withdrawal),
            errors=errors,
        )

    @admin.display(description="public page")
    def public_page(self, publication: Publication) -> str:
        return _public_page_link(publication)

    @admin.display(description="content")
    def content_as_data(self, publication: Publication) -> str:
        return format_html(
            '<pre class="app-source">{}</pre>',
            json.dumps(publication.content, indent=2, ensure_ascii=False),
        )

    @admin.display(description="body HTML")
    def body_html_source(self, publication: Publication) -> str:
        return format_html('<pre class="app-source">{}</pre>', publication.body_html)


@admin.register(PublicationWithdrawal)
class PublicationWithdrawalAdmin(ReadOnlyAdmin):
    """Withdrawals asked for and confirmed: who, when and why. Asked for and confirmed on the
    publication's own pages, never changed here."""

    list_display = (
        "publication",
        "requested_by",
        "requested_at",
        "reason",
        "confirmed_by",
        "confirmed_at",
        "next_step",
    )
    list_select_related = ("publication__edition", "requested_by", "confirmed_by")
    fields = list_display
    readonly_fields = list_display

    def get_queryset(self, request: HttpRequest) -> QuerySet[PublicationWithdrawal]:
        return super().get_queryset(request).defer("publication__content", "publication__body_html")

    @admin.display(description="next step")
    def next_step(self, withdrawal: PublicationWithdrawal) -> str:
        if withdrawal.is_confirmed:
            return "Withdrawn"
        return format_html(
            '<a href="{}">Confirm withdrawal</a> (someone other than the requester)',
            reverse("admin:reports_publication_withdraw_confirm", args=[withdrawal.publication_id]),
        )


@admin.register(PublicationPdf)
class PublicationPdfAdmin(ReadOnlyAdmin):
    """The PDFs made of publications, kept once made. The file itself is not shown here."""

    list_display = ("publication", "created_at", "size")
    list_select_related = ("publication__edition",)
    fields = ("publication", "created_at", "size")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[PublicationPdf]:
        return (
            super()
            .get_queryset(request)
            .defer("content", "publication__content", "publication__body_html")
            # In file storage the size was written with the row; in older rows, the bytes'.
            .annotate(pdf_bytes=Coalesce("size_bytes", Length("content")))
        )

    @admin.display(description="size", ordering="pdf_bytes")
    def size(self, pdf: PublicationPdf) -> str:
        if not pdf.pdf_bytes and pdf.file:
            return "Not recorded"  # made in file storage before sizes were recorded
        return f"{pdf.pdf_bytes / 1024:.0f} KB"
