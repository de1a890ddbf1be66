from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from reports.models import ProgressUpdate, QuarterlyUpdate


class BulletFormSet(BaseInlineFormSet):
    """An edition's bullets: sub-points hang off this edition's top-level bullets only."""

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "parent" in form.fields:
            form.fields["parent"].queryset = ProgressUpdate.objects.filter(
                edition=self.instance if self.instance.pk else None, parent__isnull=True
            )

    def clean(self) -> None:
        """Catch two new or moved bullets taking the same place in one save.

        Each form is checked against the database alone, so without this the clash would
        only surface as a database error.
        """
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            if data.get("parent"):
                place = ("sub-point", data["parent"].pk, data.get("position"))
                message = "Two sub-points of the same bullet have the same position."
            else:
                recommendation = data.get("recommendation")
                place = ("bullet", recommendation and recommendation.pk, data.get("position"))
                message = "Two bullets in the same section have the same position."
            if place in seen:
                raise ValidationError(message)
            seen.add(place)


class ProgressUpdateInline(admin.TabularInline):
    model = ProgressUpdate
    formset = BulletFormSet
    fields = ("recommendation", "parent", "position", "source", "text")
    autocomplete_fields = ("recommendation",)
    extra = 0


@admin.register(QuarterlyUpdate)
class QuarterlyUpdateAdmin(admin.ModelAdmin):
    list_display = ("__str__", "slug", "status", "published_at", "publisher", "bullet_count")
    list_select_related = ("publisher",)
    list_filter = ("status",)
    search_fields = ("title", "slug")
    autocomplete_fields = ("publisher",)
    # Publishing sets the status, time and person together (a later publish workflow);
    # editing any one of them here would break the update's consistency.
    readonly_fields = ("status", "published_at", "published_by")
    fieldsets = (
        (None, {"fields": ("series", "title", "period", "slug", "publisher")}),
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
    )
    inlines = (ProgressUpdateInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[QuarterlyUpdate]:
        return super().get_queryset(request).annotate(bullet_count=Count("bullets"))

    @admin.display(description="bullets", ordering="bullet_count")
    def bullet_count(self, update: QuarterlyUpdate) -> int:
        return update.bullet_count


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    list_display = ("__str__", "edition", "recommendation", "parent", "position", "source")
    list_select_related = ("edition", "recommendation", "parent")
    list_filter = ("edition", "recommendation", "source")
    search_fields = ("text",)
    autocomplete_fields = ("recommendation", "parent")
    fields = ("edition", "recommendation", "parent", "position", "source", "text")
