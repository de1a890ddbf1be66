from django.urls import path

from recommendations import views

app_name = "recommendations"

urlpatterns = [
    path("", views.RecommendationListView.as_view(), name="recommendation-list"),
    path("<int:number>/", views.RecommendationDetailView.as_view(), name="recommendation-detail"),
]
