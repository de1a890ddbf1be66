"""/email-alerts/: signing up for e-mails about new updates (included from `oversight.urls`)."""

from django.urls import path

from reports import alert_views

app_name = "alerts"

urlpatterns = [
    path("", alert_views.signup, name="signup"),
    path("check-your-email/", alert_views.signup_sent, name="signup-sent"),
    path("confirm/<str:token>/", alert_views.confirm, name="confirm"),
    path("unsubscribe/<int:pk>/<str:token>/", alert_views.unsubscribe, name="unsubscribe"),
    path("unsubscribed/", alert_views.unsubscribed, name="unsubscribed"),
]
