"""/data/: the open data (included from `oversight.urls`)."""

from django.urls import path, register_converter

from reports import data_views
from reports.published_responses import made_from_publications


class FormatConverter:
    """The formats each dataset comes in; any other ending is the site's 404."""

    regex = "csv|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "data_format")

app_name = "data"

urlpatterns = [
    # What the datasets hold, and the latest edition in them: a function of the publications.
    path("", made_from_publications(data_views.data_index), name="data-index"),
    path("<slug:name>.<data_format:fmt>", data_views.dataset_file, name="dataset"),
]
