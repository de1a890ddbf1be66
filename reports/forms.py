"""The shape of what the secretariat and members type about an edition: a section's statuses
and bullets, and a member's comment on a section. The rules are the models' and services'."""

from typing import Any

from django import forms
from django.forms import BaseModelFormSet, modelformset_factory

from recommendations.models import Recommendation
from reports.models import ProgressUpdate, SectionStatus

COMMENT_MAX_LENGTH = 2000


class SectionStatusForm(forms.ModelForm):
    """One recommendation's delivery status, confidence and reason in an edition."""

    class Meta:
        model = SectionStatus
        fields = ("status", "confidence", "reason")
        labels = {"reason": "Reason (one line)"}
        widgets = {"status": forms.RadioSelect, "confidence": forms.RadioSelect}
        error_messages = {
            "reason": {
                "max_length": "Keep the reason to one line of %(limit_value)d characters or fewer."
            }
        }

    def __init__(self, *args: Any, recommendation: Recommendation, **kwargs: Any) -> None:
        super().__init__(*args, prefix=f"status-{recommendation.number}", **kwargs)
        self.recommendation = recommendation
        self.context_label = f"Recommendation {recommendation.number}"
        self.fields["confidence"].choices = [("", "Not set"), *SectionStatus.Confidence.choices]
        self.fields["status"].label = "Delivery status"
        self.fields["status"].error_messages["required"] = "Choose a delivery status."


class BulletForm(forms.ModelForm):
    """One bullet or sub-point of a section: where it goes, and what it says."""

    class Meta:
        model = ProgressUpdate
        fields = ("position", "text", "source", "parent")
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"parent": "Sub-point of"}
        help_texts = {
            "position": "1 comes first. Give each bullet its own number; gaps are fine.",
            "parent": "Leave it as “None: a top-level bullet”, or choose the bullet it comes under.",
            "source": "“Written text” for most bullets; the lists are filled in from the "
            "group's records.",
            "text": "The bullet as the public will read it. Not needed for a generated list.",
        }

    def __init__(self, *args: Any, parents: list[ProgressUpdate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = ProgressUpdate.objects.filter(
            pk__in=[parent.pk for parent in parents]
        )
        # The choices come from the list already read, not one query per row.
        self.fields["parent"].choices = [("", "None: a top-level bullet")] + [
            (parent.pk, f"Bullet {parent.position}: {str(parent)[:60]}") for parent in parents
        ]
        self.fields["position"].error_messages["required"] = "Enter a position, such as 1."
        self.fields["position"].required = self.instance.pk is not None

    def _get_validation_exclusions(self):
        # Positions are checked across the whole section by the formset, so that two bullets
        # can swap places in one save (the service parks them while it does).
        return {*super()._get_validation_exclusions(), "position"}

    @property
    def is_blank_new_row(self) -> bool:
        """A spare row left empty: nothing to add."""
        return self.instance.pk is None and not self.has_changed()


class BaseBulletFormSet(BaseModelFormSet):
    """Every bullet of one section, and spare rows to add more."""

    def __init__(
        self,
        *args: Any,
        bullets: list[ProgressUpdate],
        parents: list[ProgressUpdate],
        **kwargs: Any,
    ) -> None:
        self.bullets, self.parents = bullets, parents
        super().__init__(*args, queryset=ProgressUpdate.objects.none(), **kwargs)

    def get_queryset(self) -> list[ProgressUpdate]:
        # The section's bullets in reading order (each bullet, then its sub-points), read once.
        return self.bullets

    def get_form_kwargs(self, index: int) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "parents": self.parents}

    @property
    def empty_form(self):
        raise NotImplementedError("New rows are spare forms: this page needs no JavaScript.")

    def clean(self) -> None:
        super().clean()
        seen: dict[tuple, int] = {}
        deleted_parents = {
            form.instance.pk
            for form in self.forms
            if form.instance.pk and self._should_delete_form(form)
        }
        for index, form in enumerate(self.forms):
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            if form.is_blank_new_row:
                continue
            data = form.cleaned_data
            parent = data.get("parent")
            position = data.get("position")
            if parent is not None and parent.pk == form.instance.pk:
                form.add_error("parent", "A bullet cannot be a sub-point of itself.")
            elif parent is not None and parent.pk in deleted_parents:
                if form.instance.pk is None:
                    form.add_error("parent", "The bullet this comes under is being deleted.")
                continue  # a saved sub-point goes with its bullet
            if position is None:
                if form.instance.pk is None and "position" not in form.errors:
                    form.add_error("position", "Enter a position, such as 1.")
                continue
            place = (parent.pk if parent else None, position)
            if place in seen:
                message = (
                    "Another sub-point of the same bullet has this position."
                    if parent
                    else "Another bullet in this section has this position."
                )
                form.add_error("position", message)
            seen[place] = index


BulletFormSet = modelformset_factory(
    ProgressUpdate,
    form=BulletForm,
    formset=BaseBulletFormSet,
    extra=2,
    can_delete=True,
)


class SectionCommentForm(forms.Form):
    """A member's comment on one section of a shared draft."""

    section = forms.TypedChoiceField(
        label="Which section is your comment about?",
        coerce=int,
        error_messages={
            "required": "Choose the section your comment is about.",
            "invalid_choice": "Choose the section your comment is about.",
        },
    )
    text = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter your comment."},
    )

    def __init__(self, *args: Any, sections: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", "Choose a section"), *sections]

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if len(text) > COMMENT_MAX_LENGTH:
            raise forms.ValidationError(
                f"Your comment is {len(text)} characters long: keep it to "
                f"{COMMENT_MAX_LENGTH} or fewer."
            )
        return text


class AlertSignupForm(forms.Form):
    """The address to send alerts to: its shape only (reports/alerts.py does the rest)."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )
