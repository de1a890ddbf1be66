"""The public pages of other apps' records that show what the published editions say.

They live here, not in `oversight` or `recommendations`, because those apps sit below
`reports` and never import it (see docs/architecture.md).
"""

from typing import Any

from django.views.generic import DetailView, TemplateView

from recommendations.models import Recommendation
from reports.selectors import latest_publication, progress_reported


class HomeView(TemplateView):
    """What the group is, with the way to its recommendations and updates. Public."""

    template_name = "reports/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["recommendation_count"] = Recommendation.objects.count()
        context["latest_publication"] = latest_publication()
        return context


class RecommendationDetailView(DetailView):
    """One recommendation in full, with the progress each published update reported. Public.

    Progress comes from the frozen content of each edition's latest publication, never from the
    live bullets, which may be a draft or a correction in progress.
    """

    template_name = "reports/recommendation_detail.html"
    context_object_name = "recommendation"
    slug_field = "number"
    slug_url_kwarg = "number"

    def get_queryset(self):
        return Recommendation.objects.select_related("reported_with").prefetch_related(
            "addressed_to", "reported_alongside"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["progress"] = progress_reported(self.object)
        return context
