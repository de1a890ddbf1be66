from django.db.models.fields.json import KT
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from recommendations.models import Recommendation
from reports.models import Publication, QuarterlyUpdate


class HomeView(TemplateView):
    """What the group is, with the way to its recommendations and updates. Public."""

    template_name = "oversight/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recommendation_count"] = Recommendation.objects.count()
        context["latest_publication"] = (
            Publication.objects.latest_per_edition()
            .exclude(edition__status=QuarterlyUpdate.Status.DRAFT)
            .annotate(title=KT("content__title"), period_label=KT("content__period_label"))
            .select_related("edition")
            .only("revision", "published_at", "edition__slug", "edition__published_at")
            .order_by("-edition__period")
            .first()
        )
        return context


@require_safe
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico on pages that name no icon, such as the admin's. Public."""
    return HttpResponsePermanentRedirect(static("govuk/assets/images/favicon.ico"))
