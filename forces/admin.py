from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from forces.models import ActionPlan, Force, PlanAction, PlanReview
from forces.services import action_plan_add_version
from oversight.admin_base import ReadOnlyAdmin
from oversight.permissions import can_read_review
from oversight.uploads import DocumentDownloadInput


class ActionPlanInline(admin.TabularInline):
    model = ActionPlan
    fields = ("version", "status", "provided_on", "document")
    extra = 0
    show_change_link = True


@admin.register(Force)
class ForceAdmin(admin.ModelAdmin):
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
class ActionPlanAdmin(admin.ModelAdmin):
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
class PlanActionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "plan", "area", "due_by", "position")
    # The plan's name includes its force's name.
    list_select_related = ("plan__force", "area")
    list_filter = ("area", "plan__status")
    search_fields = ("description", "plan__force__name")
    autocomplete_fields = ("plan",)
    fields = ("plan", "area", "position", "description", "due_by")


@admin.register(PlanReview)
class PlanReviewAdmin(ReadOnlyAdmin):
    """Submitted reviews, read-only. A draft is its author's alone until they submit it,
    as the members' pages promise (`can_read_review`), so drafts never show here."""

    list_display = ("plan", "reviewer", "status", "overall_judgement", "submitted_at")
    # A plan's name includes its force's name.
    list_select_related = ("plan__force", "reviewer")
    list_filter = ("overall_judgement", "plan__force__nation")
    search_fields = ("plan__force__name", "reviewer__username")
    date_hierarchy = "submitted_at"
    fields = (
        "plan",
        "reviewer",
        "status",
        "version",
        "overall_judgement",
        "leadership_rating",
        "leadership_comment",
        "strengths",
        "gaps",
        "advice",
        "created_at",
        "updated_at",
        "submitted_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[PlanReview]:
        # The list filter that matches `can_read_review` for the secretariat.
        return super().get_queryset(request).submitted()

    def has_view_permission(self, request: HttpRequest, obj: PlanReview | None = None) -> bool:
        return super().has_view_permission(request, obj) and (
            obj is None or can_read_review(request.user, obj)
        )
