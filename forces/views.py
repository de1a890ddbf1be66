from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.views.decorators.http import require_safe
from django.views.generic import FormView, ListView

from forces.forms import PlanReviewForm
from forces.models import ActionPlan, PlanReview
from forces.services import plan_review_save
from oversight.permissions import MembersAreaRequiredMixin, members_area_required
from oversight.uploads import document_response


@require_safe
@members_area_required
def plan_document(request: HttpRequest, pk: int) -> FileResponse:
    """A plan's document as a download, e.g. `gwent-police-action-plan-v1.pdf`. Members only."""
    plan = get_object_or_404(ActionPlan.objects.select_related("force"), pk=pk)
    return document_response(
        plan.document, f"{slugify(plan.force.name)}-action-plan-v{plan.version}"
    )


class PlanListView(MembersAreaRequiredMixin, ListView):
    """Each force's current plan, with where the signed-in member's own review of it stands."""

    template_name = "forces/plan_list.html"
    context_object_name = "plans"

    def get_queryset(self) -> QuerySet[ActionPlan]:
        own_review = PlanReview.objects.by(self.request.user).filter(plan=OuterRef("pk"))
        return (
            ActionPlan.objects.current()
            .select_related("force")
            .annotate(own_review_status=Subquery(own_review.values("status")[:1]))
            .order_by("force__name")
        )


class PlanReviewView(MembersAreaRequiredMixin, FormView):
    """A plan, and the signed-in member's own review of it: a form while a draft, then read-only.

    Only `PlanReview.objects.by(request.user)` is ever read, so nobody sees another's review.
    A superseded version stays readable, with any review of it, and links to the current one.
    """

    template_name = "forces/plan_review.html"
    form_class = PlanReviewForm

    # Looked up only once the mixin has let the request through, so outsiders learn nothing.
    @cached_property
    def plan(self) -> ActionPlan:
        return get_object_or_404(ActionPlan.objects.select_related("force"), pk=self.kwargs["pk"])

    @cached_property
    def review(self) -> PlanReview | None:
        return PlanReview.objects.by(self.request.user).filter(plan=self.plan).first()

    def get_initial(self) -> dict:
        if self.review is None:
            return {}
        return {"assessment": self.review.assessment, "comments": self.review.comments}

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(
            plan=self.plan,
            review=self.review,
            current_plan=self.plan.current_version() if self.plan.is_superseded else None,
            actions=self.plan.actions.select_related("area").order_by(
                "area__position", "area__name", "position", "pk"
            ),
            **kwargs,
        )

    def form_valid(self, form: PlanReviewForm) -> HttpResponse:
        try:
            plan_review_save(
                plan=self.plan,
                reviewer=self.request.user,
                assessment=form.cleaned_data["assessment"],
                comments=form.cleaned_data["comments"],
                submit=form.submitting,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if form.submitting:
            messages.success(self.request, f"Your review of {self.plan} has been submitted")
            return redirect("forces:plan-list")
        messages.success(self.request, "Your draft has been saved")
        return redirect("forces:plan-review", pk=self.plan.pk)


def add_service_errors(form: PlanReviewForm, error: ValidationError) -> None:
    """Put a service's refusal on the form: on the field it names, so the error summary links
    to it, otherwise above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)
