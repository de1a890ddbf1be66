from django.urls import path
from django.views.decorators.http import require_safe

from reports import views
from reports.feeds import PublishedEditionsFeed

app_name = "reports"

urlpatterns = [
    path("", views.EditionListView.as_view(), name="edition-list"),
    path("feed/", require_safe(PublishedEditionsFeed()), name="edition-feed"),
    path("<slug:slug>.pdf", views.edition_pdf, name="edition-pdf"),
    path("<slug:slug>/", views.edition_detail, name="edition-detail"),
    path("<slug:slug>/changes/", views.edition_changes, name="edition-changes"),
    path("<slug:slug>/preview/", views.edition_preview, name="edition-preview"),
    path(
        "<slug:slug>/revisions/<int:revision>/",
        views.edition_revision,
        name="edition-revision",
    ),
]
