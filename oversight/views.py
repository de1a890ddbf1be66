from django.views.generic import TemplateView

from recommendations.models import Recommendation


class HomeView(TemplateView):
    """What the group is, with the way to its recommendations and updates. Public."""

    template_name = "oversight/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recommendation_count"] = Recommendation.objects.count()
        return context
