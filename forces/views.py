from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.views.decorators.http import require_safe
from django.views.generic import FormView

from forces.forms import PlanReviewForm
from forces.models import ActionPlan, PlanReview
from forces.services import plan_review_save
from oversight.permissions import (
    MembersAreaRequiredMixin,
    can_change_review,
    can_review_plans,
    can_see_other_reviews,
    members_area_required,
)
from oversight.uploads import document_response
from recommendations.models import Area


@require_safe
@members_area_required
def plan_document(request: HttpRequest, pk: int) -> FileResponse:
    """A plan's document as a download, e.g. `gwent-police-action-plan-v1.pdf`. Members only."""
    plan = get_object_or_404(ActionPlan.objects.select_related("force"), pk=pk)
    return document_response(
        plan.document, f"{slugify(plan.force.name)}-action-plan-v{plan.version}"
    )


@require_safe
@members_area_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """`/forces/plans/<id>/`: the plan page lives at its review address."""
    return redirect("forces:plan-review", pk=pk)


def review_rows(review: PlanReview, areas: list[Area]) -> list[tuple[str, str, str]]:
    """A review as (what, rating, comment) rows in the page's order: areas, then leadership."""
    ratings = {rating.area_id: rating for rating in review.area_ratings.all()}
    rows = []
    for area in areas:
        rating = ratings.get(area.pk)
        rows.append(
            (
                area.name,
                rating.get_rating_display() if rating else "",
                rating.comment if rating else "",
            )
        )
    rows.append(("Leadership", review.get_leadership_rating_display(), review.leadership_comment))
    return rows


def _reviews_with_ratings() -> QuerySet[PlanReview]:
    return PlanReview.objects.select_related("reviewer").prefetch_related(
        Prefetch("area_ratings"), Prefetch("reopenings")
    )


class PlanReviewView(MembersAreaRequiredMixin, FormView):
    """A plan version's page: its document, its actions by area, its earlier and later
    versions, the signed-in member's own review (a form while it is a draft), and, once they
    have submitted theirs, the others' submitted reviews (`can_see_other_reviews`).

    A superseded version stays readable, with its reviews, and links to the current one.
    """

    template_name = "forces/plan_review.html"
    form_class = PlanReviewForm

    # Looked up only once the mixin has let the request through, so outsiders learn nothing.
    @cached_property
    def plan(self) -> ActionPlan:
        return get_object_or_404(ActionPlan.objects.select_related("force"), pk=self.kwargs["pk"])

    @cached_property
    def areas(self) -> list[Area]:
        return list(Area.objects.all())

    @cached_property
    def review(self) -> PlanReview | None:
        return _reviews_with_ratings().by(self.request.user).filter(plan=self.plan).first()

    @property
    def editable(self) -> bool:
        if self.plan.is_superseded:
            return False
        if self.review is None:
            return can_review_plans(self.request.user)
        return can_change_review(self.request.user, self.review)

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "areas": self.areas}

    def get_initial(self) -> dict:
        return PlanReviewForm.initial_for(self.review, self.areas)

    @cached_property
    def sees_others_without_a_review(self) -> bool:
        """Whoever sees others' reviews with none of their own (the secretariat) sees them on
        every version: asked once, not once per version."""
        return can_see_other_reviews(self.request.user, self.plan, own_review=None)

    def sees_others(self, plan: ActionPlan, own_review: PlanReview | None) -> bool:
        """The blind rule for one version, from my review of it as read already."""
        return self.sees_others_without_a_review or can_see_other_reviews(
            self.request.user, plan, own_review=own_review
        )

    def other_reviews(self) -> list[PlanReview]:
        """The others' submitted reviews of this version, if this user may see them; never drafts."""
        if not self.sees_others(self.plan, self.review):
            return []
        return list(
            _reviews_with_ratings()
            .submitted()
            .filter(plan=self.plan)
            .exclude(reviewer=self.request.user)
        )

    def versions(self) -> list[dict]:
        """The force's other versions of its plan, each with my review and the others' that
        the blind rule lets me see: two queries, however many versions there are."""
        user = self.request.user
        # Mine (any status) and the submitted ones: all that the page may show of a version.
        visible = PlanReview.objects.filter(
            Q(reviewer=user.pk) | Q(status=PlanReview.Status.SUBMITTED)
        )
        versions = []
        for version in (
            ActionPlan.objects.filter(force=self.plan.force_id)
            .exclude(pk=self.plan.pk)
            .prefetch_related(Prefetch("reviews", queryset=visible, to_attr="visible_reviews"))
            .order_by("-version")
        ):
            mine = next((r for r in version.visible_reviews if r.reviewer_id == user.pk), None)
            can_see = self.sees_others(version, mine)
            others = [
                review
                for review in version.visible_reviews
                if review.reviewer_id != user.pk and review.is_submitted
            ]
            versions.append(
                {
                    "plan": version,
                    "mine": mine,
                    "others": others if can_see else [],
                    "blind": not can_see,
                }
            )
        return versions

    def get_context_data(self, **kwargs) -> dict:
        review = kwargs.pop("saved_review", None) or self.review
        others = self.other_reviews()
        return super().get_context_data(
            plan=self.plan,
            review=review,
            editable=self.editable,
            review_rows=review_rows(review, self.areas) if review else [],
            last_reopening=(
                review.reopenings.all()[0]
                if review and not review.is_submitted and review.reopenings.all()
                else None
            ),
            others=[(other, review_rows(other, self.areas)) for other in others],
            blind=not self.sees_others(self.plan, self.review),
            versions=self.versions(),
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
                answers=form.answers(),
                version=form.cleaned_data["version"],
                submit=form.submitting,
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "stale_version":
                return self.version_conflict(form, error)
            add_service_errors(form, error)
            return self.form_invalid(form)
        if form.submitting:
            messages.success(self.request, f"Your review of {self.plan} has been submitted")
        else:
            messages.success(self.request, "Your draft has been saved")
        return redirect("forces:plan-review", pk=self.plan.pk)

    def version_conflict(self, form: PlanReviewForm, error: ValidationError) -> HttpResponse:
        """Another tab saved the review since this page was opened: show what this tab typed,
        in the form, beside what was saved; saving again keeps what is in the form."""
        saved = _reviews_with_ratings().get(pk=self.review.pk)
        form.data = form.data.copy()
        form.data["version"] = saved.version
        form.add_error(None, error)
        return self.render_to_response(
            self.get_context_data(form=form, saved_review=saved, conflict=True)
        )


def add_service_errors(form: PlanReviewForm, error: ValidationError) -> None:
    """Put a service's refusal on the form: on the field it names, so the error summary links
    to it, otherwise above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)
