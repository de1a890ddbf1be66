from django.urls import path

from forces import views

app_name = "forces"

urlpatterns = [
    path("plans/<int:pk>/document/", views.plan_document, name="plan-document"),
]
