from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from oversight.admin_base import ModelAdmin
from recommendations.models import Area, Recommendation


@admin.register(Recommendation)
class RecommendationAdmin(ModelAdmin):
    """HMIC's recommendations. Their status is not edited here: it is the status in the latest
    published edition (set on each edition's section pages)."""

    list_display = ("number", "title", "status", "due_by", "reported_with", "addressed_to_list")
    list_display_links = ("number", "title")
    list_select_related = ("reported_with",)
    list_filter = ("status",)
    # number__exact compares the number as text, so a search for words does not fail.
    search_fields = ("number__exact", "title", "text")
    autocomplete_fields = ("reported_with", "addressed_to")
    fields = ("number", "title", "text", "addressed_to", "due_by", "status", "reported_with")
    # The status is the one in the latest published edition of the update: it is set on the
    # edition's section page and changes here when that edition is published.
    readonly_fields = ("status",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Recommendation]:
        return super().get_queryset(request).prefetch_related("addressed_to")

    @admin.display(description="addressed to")
    def addressed_to_list(self, recommendation: Recommendation) -> str:
        # Read the prefetched rows; .order_by() or .filter() here would query once per row.
        names = sorted(org.abbreviation or org.name for org in recommendation.addressed_to.all())
        return ", ".join(names)


@admin.register(Area)
class AreaAdmin(ModelAdmin):
    list_display = ("name", "position", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "position", "description")
