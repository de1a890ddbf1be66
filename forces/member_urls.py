"""`/members/`: the group members' dashboard (included by `oversight/urls.py` by name)."""

from django.urls import path

from forces import member_views

app_name = "members"

urlpatterns = [
    path("", member_views.dashboard, name="dashboard"),
]
