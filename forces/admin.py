from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from forces.assignments import (
    assignment_errors,
    auto_assign_apply,
    auto_assign_propose,
    plan_moderation_record,
    reviewers_assign,
)
from forces.forms import ReviewReopenForm
from forces.models import (
    ActionPlan,
    AreaRating,
    Force,
    ForceConflict,
    ModeratedAreaRating,
    PlanAction,
    PlanModeration,
    PlanReview,
    ReviewAssignment,
    ReviewReopening,
)
from forces.resources import ActionPlanImportExport
from forces.review_outcomes import reviews_disagree
from forces.selectors import plans_to_moderate, reviewer_label
from forces.services import action_plan_add_version, plan_review_reopen
from oversight.admin_base import BoundedCount, BoundedRelatedFilter, ModelAdmin, ReadOnlyAdmin
from oversight.models import Member, Organisation
from oversight.permissions import (
    can_assign_reviewers,
    can_moderate,
    can_read_review,
    can_reopen_review,
)
from oversight.subqueries import related_count
from oversight.uploads import DocumentDownloadInput
from recommendations.models import Area

# A review's and its plan's long columns, which no list shows (`ListedColumnsOnly`).
REVIEW_TEXTS = ("leadership_comment", "strengths", "gaps", "advice")
PLAN_TEXTS_OF_REVIEW = ("review__plan__summary", "review__plan__tallied")


class ActionPlanInline(admin.TabularInline):
    model = ActionPlan
    fields = ("version", "status", "provided_on", "document")
    extra = 0
    show_change_link = True


@admin.register(Force)
class ForceAdmin(ModelAdmin):
    # Counting rows in the list drops the model's default order: say it again.
    ordering = ("name",)
    list_per_page = 50  # the 43 forces on one page
    list_display = ("name", "nation", "plan_count")
    list_filter = ("nation",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "nation")
    inlines = (ActionPlanInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Force]:
        return (
            super()
            .get_queryset(request)
            .annotate(plan_count=related_count(ActionPlan.objects.all(), "force"))
        )

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
    list_per_page = 50  # every force's current plan on one page, to assign them together
    formfield_overrides = {
        models.FileField: {"widget": DocumentDownloadInput},
        # An address typed without its scheme is a force's website: https, as Django 6 assumes.
        models.URLField: {"assume_scheme": "https"},
    }
    list_display = ("__str__", "force", "version", "status", "provided_on", "action_count")
    list_select_related = ("force",)
    list_filter = ("status", "force__nation")
    search_fields = ("force__name", "summary")
    autocomplete_fields = ("force",)
    fields = ("force", "version", "status", "provided_on", "published_url", "document", "summary")
    inlines = (PlanActionInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ActionPlan]:
        # A plan's name includes its force's, so autocomplete results need the force too.
        return (
            super()
            .get_queryset(request)
            .select_related("force")
            .annotate(action_count=related_count(PlanAction.objects.all(), "plan"))
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
class PlanActionAdmin(BoundedCount, ModelAdmin):
    """Each plan's actions, area by area: hundreds of thousands in years of plans, so the
    list counts no further than `BoundedCount` does."""

    list_display = ("__str__", "plan", "area", "due_by", "position")
    # The plan's name includes its force's name.
    list_select_related = ("plan__force", "area")
    list_filter = (("area", BoundedRelatedFilter), "plan__status")
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
class PlanReviewAdmin(BoundedCount, ReadOnlyAdmin):
    """Submitted reviews, read-only. A draft is its author's alone until they submit it,
    as the members' pages promise (`can_read_review`), so drafts never show here.

    "Reopen" on a review's page sends it back to its author as a draft, with a reason
    (`plan_review_reopen`); its reopenings are listed on its page."""

    list_display = ("plan", "reviewer", "status", "overall_judgement", "submitted_at")
    # Newest first, along an index: the model's order (by force name) sorts every review.
    ordering = ("-submitted_at", "-pk")
    # A plan's name includes its force's name.
    list_select_related = ("plan__force", "reviewer")
    list_defer = (*REVIEW_TEXTS, "plan__summary", "plan__tallied")
    # A filter by date rather than a date hierarchy, whose list of years reads every review.
    list_filter = ("submitted_at", "overall_judgement", "leadership_rating", "plan__force__nation")
    # Names only: review text is searched by nobody, so it never lands in a URL or a log.
    search_fields = ("plan__force__name", "reviewer__username")
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
class AreaRatingAdmin(BoundedCount, ReadOnlyAdmin):
    """Area ratings of submitted reviews, read-only, to filter by area and rating. A draft's
    ratings are its author's alone (`can_read_review`), so they never show here."""

    list_display = ("area", "rating", "review")
    # The newest reviews' ratings first, along the (review, area) unique index: ordering by
    # the review itself would sort every rating by force name.
    ordering = ("-review_id", "-area_id")
    list_select_related = ("area", "review__plan__force", "review__reviewer")
    list_filter = (("area", BoundedRelatedFilter), "rating")
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
    ordering = ("-reopened_at", "-pk")
    list_select_related = ("review__plan__force", "review__reviewer", "reopened_by")
    list_defer = ("reason", *(f"review__{name}" for name in REVIEW_TEXTS), *PLAN_TEXTS_OF_REVIEW)
    search_fields = ("review__plan__force__name", "review__reviewer__username")
    list_filter = ("reopened_at",)  # by date: a date hierarchy's years grow with the data
    fields = ("review", "reopened_by", "reopened_at", "reason")


# ---- Assignment, conflicts and moderation (issue 9, assign) ----


@admin.register(ForceConflict)
class ForceConflictAdmin(ModelAdmin):
    """Conflicts members declare with forces: auto-assign never gives them those plans, and
    assigning one by hand is refused."""

    list_display = ("member", "force", "reason")
    list_select_related = ("member__organisation", "force")
    list_filter = ("force__nation",)
    search_fields = ("member__name", "member__role", "force__name", "reason")
    autocomplete_fields = ("member", "force")
    fields = ("member", "force", "reason")


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ModelAdmin):
    """Who reviews which plan by when. Assign in bulk from the action plans' list."""

    list_display = ("plan", "reviewer", "due_on", "assigned_by", "last_reminded_on")
    list_select_related = ("plan__force", "reviewer", "assigned_by")
    # Latest due first, along an index: the model's order (by force name) sorts them all.
    ordering = ("-due_on", "-pk")
    # A filter by date rather than a date hierarchy, whose list of years reads every row.
    list_filter = ("due_on", "plan__status", "plan__force__nation")
    search_fields = ("plan__force__name", "reviewer__username", "reviewer__group_member__name")
    autocomplete_fields = ("plan",)
    fields = ("plan", "reviewer", "due_on", "assigned_by", "assigned_at", "last_reminded_on")
    readonly_fields = ("assigned_by", "assigned_at", "last_reminded_on")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "reviewer":
            kwargs["queryset"] = reviewer_choices()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: ReviewAssignment, form, change: bool) -> None:
        if not change:
            obj.assigned_by = request.user
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # The same rules as the bulk action: no declared conflict, no superseded plan.
        original_clean = form.clean

        def clean(form_self):
            cleaned = original_clean(form_self)
            plan, reviewer = cleaned.get("plan"), cleaned.get("reviewer")
            if plan is not None and reviewer is not None:
                for error in assignment_errors(plan, reviewer):
                    form_self.add_error(None, error)
            return cleaned

        form.clean = clean
        return form


def reviewer_choices() -> QuerySet:
    """Logins that belong to a serving group member: the people reviews are assigned to."""
    return (
        get_user_model()
        .objects.filter(is_active=True, group_member__in=Member.objects.current())
        .select_related("group_member__organisation")
        .order_by("group_member__display_order", "pk")
    )


class ReviewerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        sector = user.group_member.sector
        sector_label = Organisation.Sector(sector).label if sector else "no sector"
        return f"{reviewer_label(user)} ({sector_label})"


class AssignReviewersForm(forms.Form):
    # The choices depend on today's date: made per form, in __init__, never at import.
    reviewers = ReviewerChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one reviewer"},
    )
    due_on = forms.DateField(
        label="Due on",
        help_text="For example 31/1/2015 or 2015-01-31.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the date the reviews are due",
            "invalid": "Enter a real date",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = reviewer_choices()


class AutoAssignForm(forms.Form):
    due_on = AssignReviewersForm.base_fields["due_on"]


def _selected_plans(queryset: QuerySet[ActionPlan]) -> list[ActionPlan]:
    return list(queryset.select_related("force").order_by("force__name", "version"))


def _action_page(modeladmin, request, template: str, context: dict) -> TemplateResponse:
    return TemplateResponse(
        request,
        template,
        {
            **modeladmin.admin_site.each_context(request),
            "opts": modeladmin.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            **context,
        },
    )


def _error_list(form: forms.Form) -> list[tuple[str, str]]:
    """The GOV.UK error summary's entries: each message with a link to its field."""
    entries = []
    for name, messages_ in form.errors.items():
        href = f"#id_{name}" if name != "__all__" else ""
        if name == "reviewers":
            href = "#id_reviewers_0"
        entries += [(message, href) for message in messages_]
    return entries


@admin.action(description="Assign reviewers to the selected plans")
def assign_reviewers(modeladmin, request: HttpRequest, queryset: QuerySet[ActionPlan]):
    if not can_assign_reviewers(request.user):
        raise PermissionDenied
    plans = _selected_plans(queryset)
    form = AssignReviewersForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        try:
            result = reviewers_assign(
                plans=plans,
                reviewers=form.cleaned_data["reviewers"],
                due_on=form.cleaned_data["due_on"],
                by=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            modeladmin.message_user(
                request,
                f"{result.created} assignment{pluralize(result.created)} made, "
                f"{result.updated} given the new due date.",
                messages.SUCCESS,
            )
            return None
    return _action_page(
        modeladmin,
        request,
        "admin/forces/actionplan/assign_reviewers.html",
        {"title": "Assign reviewers", "plans": plans, "form": form, "errors": _error_list(form)},
    )


@admin.action(description="Auto-assign a statutory and a voluntary reviewer")
def auto_assign_reviewers(modeladmin, request: HttpRequest, queryset: QuerySet[ActionPlan]):
    if not can_assign_reviewers(request.user):
        raise PermissionDenied
    plans = _selected_plans(queryset)
    stage = request.POST.get("stage", "")
    form = AutoAssignForm(request.POST if stage in ("propose", "apply") else None)
    context = {"title": "Auto-assign reviewers", "plans": plans, "form": form}
    if form.is_valid() and stage == "apply":
        by_id = {plan.pk: plan for plan in plans}
        users = {user.pk: user for user in reviewer_choices()}
        pairs = []
        for value in request.POST.getlist("pair"):
            plan_id, _, user_id = value.partition(":")
            if not (plan_id.isdigit() and user_id.isdigit()):
                continue
            plan, user = by_id.get(int(plan_id)), users.get(int(user_id))
            if plan is not None and user is not None:
                pairs.append((plan, user))
        try:
            result = auto_assign_apply(
                pairs=pairs, due_on=form.cleaned_data["due_on"], by=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            modeladmin.message_user(
                request,
                f"{result.created} assignment{pluralize(result.created)} saved.",
                messages.SUCCESS,
            )
            return None
    if form.is_valid():
        context["proposal"] = auto_assign_propose(plans=plans, due_on=form.cleaned_data["due_on"])
    context["errors"] = _error_list(form) if form.is_bound else []
    return _action_page(modeladmin, request, "admin/forces/actionplan/auto_assign.html", context)


# The action plans' list offers both (the actions live here with the rest of assignment).
ActionPlanAdmin.actions = (assign_reviewers, auto_assign_reviewers)


class ModerationForm(forms.Form):
    """The agreed outcome: a rating per area and for leadership, a judgement, and a note."""

    def __init__(self, *args, areas: list[Area], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        rating_choices = [("", "Select a rating"), *PlanReview.Rating.choices]
        for area in areas:
            self.fields[f"area_{area.pk}"] = forms.ChoiceField(
                label=area.name,
                choices=rating_choices,
                error_messages={"required": f"Select the agreed rating for {area.name}"},
            )
        self.fields["leadership_rating"] = forms.ChoiceField(
            label="Leadership",
            choices=rating_choices,
            error_messages={"required": "Select the agreed rating for leadership"},
        )
        self.fields["overall_judgement"] = forms.ChoiceField(
            label="Overall judgement",
            choices=[("", "Select a judgement"), *PlanReview.Judgement.choices],
            error_messages={"required": "Select the agreed overall judgement"},
        )
        self.fields["note"] = forms.CharField(
            label="Note",
            widget=forms.Textarea(attrs={"rows": 4}),
            max_length=10_000,
            help_text="How the outcome was agreed, for example “Discussed with both reviewers”.",
            error_messages={"required": "Enter a note on how the outcome was agreed"},
        )
        self.areas = areas

    def area_fields(self) -> list:
        return [self[f"area_{area.pk}"] for area in self.areas]


@admin.register(PlanModeration)
class PlanModerationAdmin(ModelAdmin):
    """Agreed outcomes for plans whose reviews disagree. Recorded on the moderation page,
    which lists the plans that need one."""

    list_display = ("plan", "overall_judgement", "leadership_rating", "decided_by", "decided_at")
    list_defer = ("note", "plan__summary", "plan__tallied")
    # Latest decision first, along an index: the model's order (by force, across two joins)
    # sorted every moderated outcome.
    ordering = ("-decided_at", "-pk")
    list_select_related = ("plan__force", "decided_by")
    list_filter = ("overall_judgement", "plan__force__nation")
    search_fields = ("plan__force__name", "note")
    fields = ("plan", "overall_judgement", "leadership_rating", "note", "decided_by", "decided_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # recorded through the moderation page, with every area rated

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path(
                "needed/",
                self.admin_site.admin_view(self.needed_view),
                name="forces_planmoderation_needed",
            ),
            path(
                "plan/<int:plan_id>/",
                self.admin_site.admin_view(self.moderate_view),
                name="forces_planmoderation_moderate",
            ),
            *super().get_urls(),
        ]

    def needed_view(self, request: HttpRequest) -> HttpResponse:
        if not can_moderate(request.user):
            raise PermissionDenied
        rows = plans_to_moderate(request.user)
        return TemplateResponse(
            request,
            "admin/forces/planmoderation/needed.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Plans to moderate",
                "rows": rows,
            },
        )

    def moderate_view(self, request: HttpRequest, plan_id: int) -> HttpResponse:
        if not can_moderate(request.user):
            raise PermissionDenied
        plan = get_object_or_404(ActionPlan.objects.select_related("force"), pk=plan_id)
        areas = list(Area.objects.order_by("position", "name"))
        reviews = list(
            plan.reviews.submitted()
            .select_related("reviewer__group_member__organisation")
            .prefetch_related("area_ratings")
        )
        existing = PlanModeration.objects.filter(plan=plan).prefetch_related("area_ratings").first()
        initial = {}
        if existing is not None:
            initial = {
                "overall_judgement": existing.overall_judgement,
                "leadership_rating": existing.leadership_rating,
                "note": existing.note,
                **{f"area_{row.area_id}": row.rating for row in existing.area_ratings.all()},
            }
        form = ModerationForm(
            request.POST if request.method == "POST" else None, areas=areas, initial=initial
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                plan_moderation_record(
                    plan=plan,
                    overall_judgement=data["overall_judgement"],
                    leadership_rating=data["leadership_rating"],
                    area_ratings={area: data[f"area_{area.pk}"] for area in areas},
                    note=data["note"],
                    by=request.user,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                self.message_user(
                    request, f"The agreed outcome for {plan} is recorded.", messages.SUCCESS
                )
                return redirect("admin:forces_planmoderation_needed")
        comparison = [
            (area.name, [_rating_label(review, area) for review in reviews]) for area in areas
        ]
        comparison.append(
            ("Leadership", [review.get_leadership_rating_display() for review in reviews])
        )
        comparison.append(
            ("Overall judgement", [review.get_overall_judgement_display() for review in reviews])
        )
        return TemplateResponse(
            request,
            "admin/forces/planmoderation/moderate.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"Moderate {plan}",
                "plan": plan,
                "reviews": reviews,
                "reviewer_labels": [reviewer_label(review.reviewer) for review in reviews],
                "comparison": comparison,
                "needs_moderation": reviews_disagree(reviews),
                "form": form,
                "errors": _error_list(form) if form.is_bound else [],
            },
        )


def _rating_label(review: PlanReview, area: Area) -> str:
    for rating in review.area_ratings.all():
        if rating.area_id == area.pk:
            return rating.get_rating_display()
    return "Not rated"


@admin.register(ModeratedAreaRating)
class ModeratedAreaRatingAdmin(ReadOnlyAdmin):
    """The agreed area ratings, read-only: recorded with their outcome on the moderation page."""

    list_display = ("moderation", "area", "rating")
    ordering = ("-moderation_id", "-area_id")  # as the review ratings: newest first, indexed
    list_select_related = ("moderation__plan__force", "area")
    list_filter = (("area", BoundedRelatedFilter), "rating")
    fields = ("moderation", "area", "rating")
