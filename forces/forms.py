from collections.abc import Iterable

from django import forms

from forces.models import COMMENTS_MAX_LENGTH, PlanReview
from forces.services import (
    AreaAnswer,
    ReviewAnswers,
    area_comment_key,
    area_rating_key,
)
from recommendations.models import Area

CHOOSE_ACTION_MESSAGE = "Choose “Save draft” or “Submit review”"
UNKNOWN_CHOICE_MESSAGE = "Select one of the options"


def _rating_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=PlanReview.Rating.choices,
        required=False,
        error_messages={"invalid_choice": UNKNOWN_CHOICE_MESSAGE},
    )


def _text_field() -> forms.CharField:
    # No `maxlength` on the textarea: a browser would cut a pasted text short without saying
    # so. `clean` says how long it is instead.
    return forms.CharField(required=False, widget=forms.Textarea, strip=False)


class PlanReviewForm(forms.Form):
    """The shape of a group member's review: area by area, leadership, then the judgement.

    Every field may be blank, so a draft saves at any point; what a submit needs, and who may
    save, is `forces.services.plan_review_save`'s to say. One rating and one comment field per
    working-group area, named `area-<slug>-rating` and `area-<slug>-comment`.
    """

    SAVE, SUBMIT = "save", "submit"

    # The review's version when the page was rendered: a save from an older page is refused.
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    leadership_rating = _rating_field()
    leadership_comment = _text_field()
    overall_judgement = forms.ChoiceField(
        choices=PlanReview.Judgement.choices,
        required=False,
        error_messages={"invalid_choice": UNKNOWN_CHOICE_MESSAGE},
    )
    strengths = _text_field()
    gaps = _text_field()
    advice = _text_field()
    action = forms.ChoiceField(
        choices=[(SAVE, "Save draft"), (SUBMIT, "Submit review")],
        error_messages={"required": CHOOSE_ACTION_MESSAGE, "invalid_choice": CHOOSE_ACTION_MESSAGE},
    )

    TEXT_LABELS = {
        "leadership_comment": "Leadership comment",
        "strengths": "Strengths",
        "gaps": "Gaps",
        "advice": "Advice to the force",
    }

    def __init__(self, *args, areas: Iterable[Area], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.areas = list(areas)
        for area in self.areas:
            self.fields[area_rating_key(area)] = _rating_field()
            self.fields[area_comment_key(area)] = _text_field()
            self.TEXT_LABELS = {**self.TEXT_LABELS, area_comment_key(area): f"{area.name} comment"}
        # The error summary lists errors in field order: the order of the page.
        self.order_fields(
            [
                "version",
                *(
                    key
                    for area in self.areas
                    for key in (area_rating_key(area), area_comment_key(area))
                ),
                "leadership_rating",
                "leadership_comment",
                "overall_judgement",
                "strengths",
                "gaps",
                "advice",
            ]
        )

    @classmethod
    def initial_for(cls, review: PlanReview | None, areas: Iterable[Area]) -> dict:
        """The form's starting values: the saved review, or an empty one at version 0."""
        if review is None:
            return {"version": 0}
        initial = {
            "version": review.version,
            "leadership_rating": review.leadership_rating,
            "leadership_comment": review.leadership_comment,
            "overall_judgement": review.overall_judgement,
            "strengths": review.strengths,
            "gaps": review.gaps,
            "advice": review.advice,
        }
        ratings = {rating.area_id: rating for rating in review.area_ratings.all()}
        for area in areas:
            if area.pk in ratings:
                initial[area_rating_key(area)] = ratings[area.pk].rating
                initial[area_comment_key(area)] = ratings[area.pk].comment
        return initial

    def clean(self) -> dict:
        cleaned = super().clean()
        for name, label in self.TEXT_LABELS.items():
            text = cleaned.get(name) or ""
            if len(text) > COMMENTS_MAX_LENGTH:
                self.add_error(
                    name,
                    forms.ValidationError(
                        f"{label} must be {COMMENTS_MAX_LENGTH:,} characters or fewer "
                        f"(you have {len(text):,})",
                        code="max_length",
                    ),
                )
        return cleaned

    def area_fields(self) -> list[tuple[Area, forms.BoundField, forms.BoundField]]:
        """Each area with its rating and comment fields, for the template."""
        return [
            (area, self[area_rating_key(area)], self[area_comment_key(area)]) for area in self.areas
        ]

    def answers(self) -> ReviewAnswers:
        data = self.cleaned_data
        return ReviewAnswers(
            overall_judgement=data["overall_judgement"],
            leadership_rating=data["leadership_rating"],
            leadership_comment=data["leadership_comment"],
            strengths=data["strengths"],
            gaps=data["gaps"],
            advice=data["advice"],
            areas={
                area.pk: AreaAnswer(
                    rating=data[area_rating_key(area)], comment=data[area_comment_key(area)]
                )
                for area in self.areas
            },
        )

    @property
    def submitting(self) -> bool:
        return self.cleaned_data["action"] == self.SUBMIT


class ReviewReopenForm(forms.Form):
    """Why the secretariat reopens a submitted review: its author is shown the reason."""

    reason = forms.CharField(
        max_length=2_000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter why the review is reopened",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
        help_text="The reviewer sees this, for example “Please rate Risk Assessment again”.",
    )
