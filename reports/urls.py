from django.urls import path, register_converter
from django.views.decorators.http import require_safe

from reports import data_views, views
from reports.feeds import PublishedEditionsFeed
from reports.published_responses import made_from_publications


class RevisionConverter:
    """A revision number as it is written, `1` or `12`: never `01` or `0`, so each revision
    has one address (and one entry in the published-page cache)."""

    regex = "[1-9][0-9]{0,5}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RevisionConverter, "revision")

app_name = "reports"

urlpatterns = [
    path("", made_from_publications(views.EditionListView.as_view()), name="edition-list"),
    path(
        "feed/",
        require_safe(made_from_publications(PublishedEditionsFeed())),
        name="edition-feed",
    ),
    path("<slug:slug>.pdf", views.edition_pdf, name="edition-pdf"),
    path("<slug:slug>.json", data_views.edition_json, name="edition-json"),
    path("<slug:slug>/", views.edition_detail, name="edition-detail"),
    path("<slug:slug>/changes/", views.edition_changes, name="edition-changes"),
    path("<slug:slug>/preview/", views.edition_preview, name="edition-preview"),
    path("<slug:slug>/preview/comments/", views.edition_comment, name="edition-comment"),
    path(
        "<slug:slug>/revisions/<revision:revision>/",
        views.edition_revision,
        name="edition-revision",
    ),
]
