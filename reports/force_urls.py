"""/forces/ and /forces/<slug>/: the forces and their action plans, as the latest published
update had them (issue 11). Included after `forces.urls`, so `/forces/plans/...` is theirs."""

from django.urls import path

from reports.public_views import ForceDetailView, ForceListView
from reports.published_responses import made_from_publications

app_name = "public-forces"

urlpatterns = [
    path("", made_from_publications(ForceListView.as_view()), name="force-list"),
    path("<slug:slug>/", made_from_publications(ForceDetailView.as_view()), name="force-detail"),
]
