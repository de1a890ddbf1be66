from typing import Any

from django.views.generic import DetailView, ListView

from recommendations.models import Recommendation
from reports.models import Publication


class RecommendationListView(ListView):
    """HMIC's eleven recommendations with their status, in number order. Public."""

    template_name = "recommendations/recommendation_list.html"
    context_object_name = "recommendations"

    def get_queryset(self):
        return (
            Recommendation.objects.select_related("reported_with")
            .prefetch_related("addressed_to")
            .order_by("number")
        )


class RecommendationDetailView(DetailView):
    """One recommendation in full, with the progress each published update reported. Public.

    Progress comes from the frozen content of each edition's latest publication, never from the
    live bullets, which may be a draft or a correction in progress.
    """

    template_name = "recommendations/recommendation_detail.html"
    context_object_name = "recommendation"
    slug_field = "number"
    slug_url_kwarg = "number"

    def get_queryset(self):
        return Recommendation.objects.select_related("reported_with").prefetch_related(
            "addressed_to", "reported_alongside"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["progress"] = progress_reported(self.object.number)
        return context


def progress_reported(number: int) -> list[dict[str, Any]]:
    """For each published edition, newest first: the section reporting recommendation `number`.

    One query. Editions whose snapshot has no such recommendation (added since) are left out.
    """
    publications = (
        Publication.objects.latest_per_edition()
        .select_related("edition")
        .only("revision", "published_at", "content", "edition__slug", "edition__published_at")
        .order_by("-edition__period")
    )
    progress = []
    for publication in publications:
        content = publication.content
        section = next(
            (section for section in content["sections"] if number in section["numbers"]), None
        )
        if section is None:
            continue
        progress.append(
            {
                "slug": publication.edition.slug,
                "title": content["title"],
                "period_label": content["period_label"],
                "published_at": publication.edition.published_at,
                "updated_at": publication.published_at if publication.revision > 1 else None,
                "section": section,
            }
        )
    return progress
