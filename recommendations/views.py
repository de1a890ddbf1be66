from django.views.generic import ListView

from recommendations.models import Recommendation


class RecommendationListView(ListView):
    """HMIC's eleven recommendations with their status, in number order. Public.

    Routed by `reports.recommendation_urls`, beside the detail page that reads publications.
    """

    template_name = "recommendations/recommendation_list.html"
    context_object_name = "recommendations"

    def get_queryset(self):
        return (
            Recommendation.objects.select_related("reported_with")
            .prefetch_related("addressed_to")
            .order_by("number")
        )
