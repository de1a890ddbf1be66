"""/recommendations/: HMIC's recommendations, as the published updates had them.

Under the `recommendations` namespace (included from `oversight.urls`); here because the pages
read publications, which `recommendations` may not import. Made from publications only.
"""

from django.urls import path

from reports.public_views import RecommendationDetailView, RecommendationListView
from reports.published_responses import made_from_publications

app_name = "recommendations"

urlpatterns = [
    path(
        "",
        made_from_publications(RecommendationListView.as_view()),
        name="recommendation-list",
    ),
    path(
        "<int:number>/",
        made_from_publications(RecommendationDetailView.as_view()),
        name="recommendation-detail",
    ),
]
