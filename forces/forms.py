from django import forms

from forces.models import COMMENTS_MAX_LENGTH, PlanReview
from forces.services import NO_ASSESSMENT_MESSAGE


class PlanReviewForm(forms.Form):
    """The shape of a group member's review: known choices, comments not too long.

    What a submit needs, and who may save, is `forces.services.plan_review_save`'s to say.
    """

    SAVE, SUBMIT = "save", "submit"

    assessment = forms.ChoiceField(
        choices=PlanReview.Judgement.choices,
        required=False,
        error_messages={"invalid_choice": NO_ASSESSMENT_MESSAGE},
    )
    # No `maxlength` on the textarea: a browser would cut a pasted text short without saying so.
    comments = forms.CharField(
        required=False,
        widget=forms.Textarea,
    )
    action = forms.ChoiceField(
        choices=[(SAVE, "Save draft"), (SUBMIT, "Submit review")],
        error_messages={
            "required": "Choose “Save draft” or “Submit review”",
            "invalid_choice": "Choose “Save draft” or “Submit review”",
        },
    )

    def clean_comments(self) -> str:
        comments = self.cleaned_data["comments"]
        if len(comments) > COMMENTS_MAX_LENGTH:
            raise forms.ValidationError(
                f"Comments must be {COMMENTS_MAX_LENGTH:,} characters or fewer "
                f"(you have {len(comments):,})",
                code="max_length",
            )
        return comments

    @property
    def submitting(self) -> bool:
        return self.cleaned_data["action"] == self.SUBMIT
