"""The public search page, `/search/?q=` (issue 11). Thin: the search is reports/search.py."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from oversight.permissions import allow_public
from reports.search import MAX_QUERY_LENGTH, query_words, search


class SearchForm(forms.Form):
    """The search box. A query too long, or with no letters or digits, is an error on the page."""

    q = forms.CharField(
        label="Search the quarterly updates",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": f"Search terms must be {MAX_QUERY_LENGTH} characters or fewer",
        },
    )

    def clean_q(self) -> str:
        query = self.cleaned_data["q"]
        if query and not query_words(query):
            raise forms.ValidationError("Search terms must include letters or numbers")
        return query


@allow_public
@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    """Passages of the published editions matching the words, grouped by edition. Public."""
    form = SearchForm(request.GET)
    context = {"form": form, "query": "", "results": None}
    if form.is_valid() and form.cleaned_data["q"]:
        context["query"] = form.cleaned_data["q"]
        context["results"] = search(context["query"], request.GET.get("page"))
    return render(request, "reports/search.html", context)
