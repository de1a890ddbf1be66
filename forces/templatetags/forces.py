"""Template tags for the members' plan pages."""

from django import template

from forces.models import PlanReview

register = template.Library()

# The GOV.UK tag colour for each review status; the words come from `PlanReview.Status`.
REVIEW_STATUS_COLOURS = {
    PlanReview.Status.DRAFT: "yellow",
    PlanReview.Status.SUBMITTED: "green",
}
NOT_STARTED = ("Not started", "grey")


@register.inclusion_tag("forces/includes/review_status_tag.html")
def review_status_tag(status: str | None) -> dict:
    """A member's review status as a GOV.UK tag: `{% review_status_tag review.status %}`.

    No status (no review yet) reads “Not started”.
    """
    if status in REVIEW_STATUS_COLOURS:
        label, colour = PlanReview.Status(status).label, REVIEW_STATUS_COLOURS[status]
    else:
        label, colour = NOT_STARTED
    return {"label": label, "colour": colour}
