from django.urls import path

from forces import views

app_name = "forces"

urlpatterns = [
    path("plans/", views.PlanListView.as_view(), name="plan-list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/review/", views.PlanReviewView.as_view(), name="plan-review"),
    path("plans/<int:pk>/document/", views.plan_document, name="plan-document"),
]
