from django.views.generic import DetailView, ListView

from recommendations.models import Recommendation


class RecommendationListView(ListView):
    """HMIC's eleven recommendations with their status. Public. (Being written.)"""

    model = Recommendation
    template_name = "recommendations/recommendation_list.html"


class RecommendationDetailView(DetailView):
    """One recommendation. Public. (Being written.)"""

    model = Recommendation
    slug_field = "number"
    slug_url_kwarg = "number"
    template_name = "recommendations/recommendation_detail.html"
