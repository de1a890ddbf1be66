from django.urls import path

from forces import member_views, views

app_name = "forces"

urlpatterns = [
    path("plans/", member_views.plan_list, name="plan-list"),
    path("plans/summary/", member_views.plan_summary, name="plan-summary"),
    path("plans/summary/reviews.csv", member_views.reviews_csv, name="reviews-csv"),
    path("plans/summary/reviews.xlsx", member_views.reviews_xlsx, name="reviews-xlsx"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/review/", views.PlanReviewView.as_view(), name="plan-review"),
    path("plans/<int:pk>/document/", views.plan_document, name="plan-document"),
]
