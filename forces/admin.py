from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from forces.forms import ReviewReopenForm
from forces.models import ActionPlan, AreaRating, Force, PlanAction, PlanReview, ReviewReopening
from forces.resources import ActionPlanImportExport
from forces.services import action_plan_add_version, plan_review_reopen
from oversight.admin_base import ModelAdmin, ReadOnlyAdmin
from oversight.permissions import can_read_review, can_reopen_review
from oversight.uploads import DocumentDownloadInput


class ActionPlanInline(admin.TabularInline):
    model = ActionPlan
    fields = ("version", "status", "provided_on", "document")
    extra = 0
    show_change_link = True


@admin.register(Force)
class ForceAdmin(ModelAdmin):
    # Counting rows in the list drops the model's default order: say it again.
    ordering = ("name",)
    list_display = ("name", "nation", "plan_count")
    list_filter = ("nation",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "nation")
    inlines = (ActionPlanInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Force]:
        return super().get_queryset(request).annotate(plan_count=Count("action_plans"))

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if formset.model is not ActionPlan:
            super().save_formset(request, form, formset, change)
            return
        # A plan added here is a new version like one added on its own page: through the service.
        plans = formset.save(commit=False)
        for plan in formset.deleted_objects:
            plan.delete()
        for plan in sorted(plans, key=lambda plan: (plan.pk is None, plan.version)):
            if plan.pk is None:
                action_plan_add_version(plan=plan)
            else:
                plan.save()
        formset.save_m2m()

    @admin.display(description="plans", ordering="plan_count")
    def plan_count(self, force: Force) -> int:
        return force.plan_count


class PlanActionInline(admin.TabularInline):
    model = PlanAction
    fields = ("position", "area", "description", "due_by")
    extra = 0


@admin.register(ActionPlan)
class ActionPlanAdmin(ActionPlanImportExport, ModelAdmin):
    # Counting rows in the list drops the model's default order: say it again.
    ordering = ("force__name", "version")
    formfield_overrides = {models.FileField: {"widget": DocumentDownloadInput}}
    list_display = ("__str__", "force", "version", "status", "provided_on", "action_count")
    list_select_related = ("force",)
    list_filter = ("status", "force__nation")
    search_fields = ("force__name", "summary")
    autocomplete_fields = ("force",)
    fields = ("force", "version", "status", "provided_on", "document", "summary")
    inlines = (PlanActionInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ActionPlan]:
        # A plan's name includes its force's, so autocomplete results need the force too.
        return (
            super()
            .get_queryset(request)
            .select_related("force")
            .annotate(action_count=Count("actions"))
        )

    def save_model(self, request: HttpRequest, obj: ActionPlan, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
        else:
            action_plan_add_version(plan=obj)

    @admin.display(description="actions", ordering="action_count")
    def action_count(self, plan: ActionPlan) -> int:
        return plan.action_count


@admin.register(PlanAction)
class PlanActionAdmin(ModelAdmin):
    list_display = ("__str__", "plan", "area", "due_by", "position")
    # The plan's name includes its force's name.
    list_select_related = ("plan__force", "area")
    list_filter = ("area", "plan__status")
    search_fields = ("description", "plan__force__name")
    autocomplete_fields = ("plan",)
    fields = ("plan", "area", "position", "description", "due_by")


class AreaRatingInline(admin.TabularInline):
    model = AreaRating
    fields = ("area", "rating", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReviewReopeningInline(AreaRatingInline):
    model = ReviewReopening
    fields = ("reopened_at", "reopened_by", "reason")
    readonly_fields = fields
    verbose_name_plural = "reopenings"


@admin.register(PlanReview)
class PlanReviewAdmin(ReadOnlyAdmin):
    """Submitted reviews, read-only. A draft is its author's alone until they submit it,
    as the members' pages promise (`can_read_review`), so drafts never show here.

    "Reopen" on a review's page sends it back to its author as a draft, with a reason
    (`plan_review_reopen`); its reopenings are listed on its page."""

    list_display = ("plan", "reviewer", "status", "overall_judgement", "submitted_at")
    # A plan's name includes its force's name.
    list_select_related = ("plan__force", "reviewer")
    list_filter = ("overall_judgement", "leadership_rating", "plan__force__nation")
    # Names only: review text is searched by nobody, so it never lands in a URL or a log.
    search_fields = ("plan__force__name", "reviewer__username")
    date_hierarchy = "submitted_at"
    fields = (
        "plan",
        "reviewer",
        "status",
        "version",
        "leadership_rating",
        "leadership_comment",
        "overall_judgement",
        "strengths",
        "gaps",
        "advice",
        "created_at",
        "updated_at",
        "submitted_at",
    )
    inlines = (AreaRatingInline, ReviewReopeningInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[PlanReview]:
        # The list filter that matches `can_read_review` for the secretariat.
        return super().get_queryset(request).submitted()

    def has_view_permission(self, request: HttpRequest, obj: PlanReview | None = None) -> bool:
        return super().has_view_permission(request, obj) and (
            obj is None or can_read_review(request.user, obj)
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/reopen/",
                self.admin_site.admin_view(
                    require_http_methods(["GET", "HEAD", "POST"])(self.reopen_view)
                ),
                name="forces_planreview_reopen",
            ),
            *super().get_urls(),
        ]

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ) -> HttpResponse:
        if obj is not None:
            context.update(
                can_reopen=can_reopen_review(request.user, obj),
                reopen_url=reverse("admin:forces_planreview_reopen", args=[obj.pk]),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def reopen_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Ask why, then send the submitted review back to its author as a draft."""
        if not can_reopen_review(request.user):
            raise PermissionDenied
        review = self.get_object(request, unquote(object_id))
        if review is None:
            raise Http404("No such submitted review")
        change_url = reverse("admin:forces_planreview_change", args=[review.pk])
        form = ReviewReopenForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                plan_review_reopen(
                    review=review, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error("reason" if hasattr(error, "error_dict") else None, error.messages)
            else:
                messages.success(
                    request, f"{review} is reopened: its author can change it and submit it again."
                )
                return HttpResponseRedirect(reverse("admin:forces_planreview_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Reopen this review",
            "review": review,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/forces/planreview/reopen.html", context)


@admin.register(AreaRating)
class AreaRatingAdmin(ReadOnlyAdmin):
    """Area ratings of submitted reviews, read-only, to filter by area and rating. A draft's
    ratings are its author's alone (`can_read_review`), so they never show here."""

    list_display = ("area", "rating", "review")
    list_select_related = ("area", "review__plan__force", "review__reviewer")
    list_filter = ("area", "rating")
    search_fields = ("review__plan__force__name", "review__reviewer__username")
    fields = ("review", "area", "rating", "comment")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AreaRating]:
        return super().get_queryset(request).filter(review__status=PlanReview.Status.SUBMITTED)

    def has_view_permission(self, request: HttpRequest, obj: AreaRating | None = None) -> bool:
        return super().has_view_permission(request, obj) and (
            obj is None or can_read_review(request.user, obj.review)
        )


@admin.register(ReviewReopening)
class ReviewReopeningAdmin(ReadOnlyAdmin):
    """Who reopened which review, when and why: a record, written by `plan_review_reopen`."""

    list_display = ("review", "reopened_by", "reopened_at")
    list_select_related = ("review__plan__force", "review__reviewer", "reopened_by")
    search_fields = ("review__plan__force__name", "review__reviewer__username")
    date_hierarchy = "reopened_at"
    fields = ("review", "reopened_by", "reopened_at", "reason")
