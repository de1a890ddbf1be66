"""/recommendations/: HMIC's recommendations, each with the progress the updates published.

Under the `recommendations` namespace (included from `oversight.urls`); here because the
detail page reads publications, which `recommendations` may not import.
"""

from django.urls import path

from recommendations.views import RecommendationListView
from reports.public_views import RecommendationDetailView

app_name = "recommendations"

urlpatterns = [
    path("", RecommendationListView.as_view(), name="recommendation-list"),
    path("<int:number>/", RecommendationDetailView.as_view(), name="recommendation-detail"),
]
