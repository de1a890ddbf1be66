"""The public search, `/search/?q=` (issue 11): passages of the current publications only,
grouped by edition, ranked full-text search on PostgreSQL, words matched on SQLite, matches
highlighted without ever trusting stored or typed text as HTML."""

import io
import time

import pytest
from django.core.management import call_command
from django.db import connection

from reports import middleware
from reports.middleware import published_page_cache_clear
from reports.models import SearchPassage
from reports.published_responses import KEPT_SEARCHES, made_from_publications_clear
from reports.search import (
    RESULTS_PER_PAGE,
    highlight_words,
    search,
    search_passages_rebuild_all,
)
from reports.services import edition_correction_start
from tests.oversight.factories import StaffUserFactory
from tests.recommendations.factories import RecommendationFactory
from tests.reports.factories import (
    ProgressUpdateFactory,
    PublicationFactory,
    QuarterlyUpdateFactory,
    ReadyToPublishQuarterlyUpdateFactory,
)
from tests.reports.publishing import publish_for_test

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
)


@pytest.fixture
def recommendation():
    return RecommendationFactory(
        number=1, text="Forces should improve **risk assessment** of domestic abuse."
    )


def _published(recommendation, *bullets: str, **edition_fields):
    """An edition whose section 1 has `bullets`, published through the service."""
    edition = QuarterlyUpdateFactory(**edition_fields)
    for position, text in enumerate(bullets):
        ProgressUpdateFactory(
            edition=edition, recommendation=recommendation, position=position, text=text
        )
    publish_for_test(edition, warnings_accepted=True)
    return edition


def _texts(results) -> list[str]:
    return [str(result.highlighted) for group in results.editions for result in group.results]


def test_publishing_indexes_the_foreword_recommendation_text_and_bullets(recommendation):
    edition = _published(recommendation, "Call handlers have been trained.")

    passages = list(SearchPassage.objects.filter(edition_slug=edition.slug))

    assert [(p.section_anchor, p.text) for p in passages] == [
        ("foreword", "Domestic abuse destroys lives."),
        ("foreword", "This update captures the progress made."),
        ("recommendation-1", "Forces should improve risk assessment of domestic abuse."),
        ("recommendation-1", "Call handlers have been trained."),
    ]
    assert passages[2].get_absolute_url() == f"/updates/{edition.slug}/#recommendation-1"


def test_sub_points_are_passages_too(recommendation):
    edition = QuarterlyUpdateFactory()
    bullet = ProgressUpdateFactory(edition=edition, recommendation=recommendation, text="Training:")
    ProgressUpdateFactory(
        edition=edition, recommendation=recommendation, parent=bullet, position=0,
        text="Forty forces trained their call handlers.",
    )  # fmt: skip
    publish_for_test(edition)

    assert _texts(search("handlers")) == ["Forty forces trained their call <mark>handlers</mark>."]


@postgresql_only
def test_english_stemming_finds_other_forms_of_a_word(recommendation):
    _published(recommendation, "Officers completed assessments of every case.")

    results = search("assessment")

    assert results.count == 2
    assert _texts(results) == [
        "Forces should improve risk <mark>assessment</mark> of domestic abuse.",
        "Officers completed <mark>assessments</mark> of every case.",
    ]
    assert search("assessments").count == 2


@postgresql_only
def test_passages_are_ranked_within_their_edition(recommendation):
    _published(
        recommendation,
        "Risk assessment was mentioned once.",
        "Risk assessment: each risk assessment is checked, and risk assessment is taught.",
    )

    texts = _texts(search("risk assessment"))

    assert texts[0].startswith("<mark>Risk</mark> <mark>assessment</mark>: each")
    assert len(texts) == 3


def test_every_word_must_match(recommendation):
    _published(recommendation, "Call handlers have been trained.", "Risk of harm is recorded.")

    assert _texts(search("risk handlers")) == []
    assert len(_texts(search("risk"))) == 2


def test_results_are_grouped_by_edition_newest_first(recommendation):
    older = _published(recommendation, "Training began.", period="2015-03-01", slug="2015-03")
    newer = _published(recommendation, "Training continued.", period="2015-06-01", slug="2015-06")

    results = search("training")

    assert [group.slug for group in results.editions] == [newer.slug, older.slug]
    assert [len(group.results) for group in results.editions] == [1, 1]
    assert results.editions[0].label.endswith(": June 2015")


def test_highlighting_escapes_stored_html(recommendation):
    _published(recommendation, "Training <script>alert('x')</script> & more.")

    (text,) = _texts(search("training"))

    assert "<script>" not in text
    assert text == (
        "<mark>Training</mark> &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more."
    )


def test_the_page_escapes_stored_and_typed_html(recommendation, anonymous_client):
    _published(recommendation, "Training <script>alert('x')</script> began.")

    response = anonymous_client.get("/search/", {"q": 'training "><'})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in page
    assert 'value="training &quot;&gt;&lt;"' in page
    assert "<mark>Training</mark> &lt;script&gt;" in page


def test_highlighting_words_in_python_escapes_and_marks_each_occurrence():
    assert str(highlight_words("Risk & risky <i>", ["risk"])) == (
        "<mark>Risk</mark> &amp; <mark>risk</mark>y &lt;i&gt;"
    )


def test_a_correction_replaces_the_old_passages(recommendation):
    edition = _published(recommendation, "The first meeting was held in Swansea.")
    assert search("Swansea").count == 1
    publisher = StaffUserFactory(username="corrector")

    edition_correction_start(edition=edition, started_by=publisher)
    edition.bullets.update(text="The first meeting was held in Cardiff.")
    publish_for_test(edition, change_note="Corrected the place of the first meeting.")

    assert search("Swansea").count == 0
    assert _texts(search("Cardiff")) == ["The first meeting was held in <mark>Cardiff</mark>."]
    assert (
        SearchPassage.objects.filter(edition_slug=edition.slug)
        .values("publication__revision")
        .distinct()
        .count()
        == 1
    )


def test_drafts_are_never_searched(recommendation):
    edition = QuarterlyUpdateFactory()
    ProgressUpdateFactory(edition=edition, recommendation=recommendation, text="Secret draft.")

    assert search("secret").count == 0


def test_rebuilding_makes_passages_for_publications_written_directly(recommendation):
    PublicationFactory()  # made without the publishing service, so not indexed yet
    assert search("lives").count == 0

    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)

    # Two foreword paragraphs and the recommendation's text (the section has no bullets).
    assert out.getvalue() == "3 passages indexed.\n"
    assert search("lives").count == 1
    assert search_passages_rebuild_all() == SearchPassage.objects.count() == 3


def test_more_than_a_page_of_results_is_paginated(recommendation, anonymous_client):
    _published(recommendation, *(f"Training session {n}." for n in range(RESULTS_PER_PAGE + 5)))

    first = anonymous_client.get("/search/", {"q": "training session"})
    second = anonymous_client.get("/search/", {"q": "training session", "page": "2"})

    assert first.context["results"].count == RESULTS_PER_PAGE + 5
    assert 'class="govuk-pagination"' in first.content.decode()
    assert "?q=training+session&amp;page=2" in first.content.decode()
    assert len(_texts(second.context["results"])) == 5


# ---- The page --------------------------------------------------------------------------------


def test_an_empty_query_says_what_can_be_searched(anonymous_client):
    response = anonymous_client.get("/search/")

    page = response.content.decode()
    assert response.status_code == 200
    assert '<label class="govuk-label govuk-label--s" for="id_q">' in page
    assert "the Home Secretary's foreword, HMIC's recommendations" in page
    assert "govuk-error-summary" not in page
    assert anonymous_client.get("/search/", {"q": "   "}).context["results"] is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("a" * 1000, "Search terms must be 200 characters or fewer"),
        ("?!  ... ---", "Search terms must include letters or numbers"),
    ],
    ids=["1,000 characters", "punctuation only"],
)
def test_a_query_that_cannot_be_searched_is_an_error_on_the_field(query, message, anonymous_client):
    response = anonymous_client.get("/search/", {"q": query})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert 'class="govuk-error-summary"' in page
    assert f'<a href="#id_q">{message}</a>' in page
    assert 'id="id_q-error"' in page
    assert 'aria-describedby="id_q-hint id_q-error"' in page


def test_a_query_with_no_results_says_so(recommendation, anonymous_client):
    _published(recommendation, "Training began.")

    response = anonymous_client.get("/search/", {"q": "zebra"})

    assert response.status_code == 200
    assert "Nothing in the published updates matches <strong>zebra</strong>" in (
        response.content.decode()
    )


def test_a_query_of_common_words_only_finds_nothing_and_says_why(recommendation, anonymous_client):
    _published(recommendation, "The training of the call handlers began.")

    response = anonymous_client.get("/search/", {"q": "the of"})

    page = response.content.decode()
    assert response.status_code == 200
    if connection.vendor == "postgresql":  # the English configuration leaves stop words out
        assert "Nothing in the published updates matches" in page
        assert "common words such as “the” and “of” are not searched for" in page
    else:  # SQLite matches the words as they are
        assert "1 result for" in page


def test_a_result_links_to_its_section(recommendation, anonymous_client):
    edition = _published(recommendation, "Training began.")

    page = anonymous_client.get("/search/", {"q": "training"}).content.decode()

    assert "1 result for <strong>training</strong>" in page
    assert f'href="/updates/{edition.slug}/#recommendation-1"' in page
    assert f'href="/updates/{edition.slug}/"' in page


# ---- Query counts ----------------------------------------------------------------------------


@pytest.fixture(params=[1, 40], ids=lambda count: f"{count} editions")
def published_editions(request) -> None:
    for _ in range(request.param):
        publish_for_test(ReadyToPublishQuarterlyUpdateFactory(), by=None)


def test_the_search_takes_three_queries_however_many_editions(
    published_editions, anonymous_client, django_assert_num_queries
):
    # 1. The publications' version (the page's ETag, and what a kept page is checked against).
    # 2. The number of matching passages, for the count and the pagination.
    # 3. The page of matching passages (ranked and highlighted on PostgreSQL).
    with django_assert_num_queries(3):
        response = anonymous_client.get("/search/", {"q": "destroys lives"})

    assert response.status_code == 200
    assert (
        response.context["results"].count
        == SearchPassage.objects.filter(
            section_anchor="foreword", text__startswith="Domestic abuse"
        ).count()
    )


# ---- Kept results pages ----------------------------------------------------------------------


@pytest.fixture
def kept(settings):
    settings.PUBLICATION_PAGES_KEPT = 200
    settings.SEARCH_PAGES_KEPT = 200
    made_from_publications_clear()
    yield
    made_from_publications_clear()


def test_a_search_asked_again_is_the_kept_page_for_one_query(
    published_editions, kept, anonymous_client, django_assert_num_queries
):
    first = anonymous_client.get("/search/", {"q": "destroys lives", "page": "1"})

    # 1. The publications' version: unchanged, so the page kept from the first search.
    with django_assert_num_queries(1):
        second = anonymous_client.get("/search/", {"q": "destroys lives", "page": "1"})

    assert second.status_code == 200
    assert second.content == first.content
    assert "<mark>destroys</mark>" in second.content.decode()
    assert second["ETag"] == first["ETag"]


def test_a_new_publication_is_found_at_once_by_a_kept_search(
    recommendation, kept, anonymous_client
):
    _published(recommendation, "Forces trained call handlers in risk assessment.")
    before = anonymous_client.get("/search/", {"q": "safeguarding"}).content.decode()
    _published(recommendation, "Safeguarding leads appointed in every force.")

    after = anonymous_client.get("/search/", {"q": "safeguarding"}).content.decode()

    assert "<mark>Safeguarding</mark> leads" not in before
    assert "<mark>Safeguarding</mark> leads" in after


def test_searches_are_kept_apart_and_at_most_the_set_number(
    recommendation, kept, settings, anonymous_client, django_assert_num_queries
):
    settings.SEARCH_PAGES_KEPT = 2
    _published(recommendation, "Forces trained call handlers in risk assessment.")
    anonymous_client.get("/updates/")
    for query in ("risk", "call", "forces"):
        anonymous_client.get("/search/", {"q": query})

    assert list(KEPT_SEARCHES.pages) == ["testserver/search/?q=call", "testserver/search/?q=forces"]
    # The editions list was not pushed out by the searches.
    with django_assert_num_queries(1):
        anonymous_client.get("/updates/")


def test_under_load_a_kept_search_costs_no_query_and_a_new_publication_shows_within_seconds(
    recommendation, kept, settings, anonymous_client, django_assert_num_queries, monkeypatch
):
    settings.PUBLISHED_PAGE_CACHE_SECONDS = 10
    published_page_cache_clear()
    _published(recommendation, "Forces trained call handlers in risk assessment.")
    anonymous_client.get("/search/", {"q": "safeguarding"})

    # The publications' version as read a moment ago, and the page kept at that version.
    with django_assert_num_queries(0):
        anonymous_client.get("/search/", {"q": "safeguarding"})

    _published(recommendation, "Safeguarding leads appointed in every force.")
    later = time.monotonic() + settings.PUBLISHED_PAGE_CACHE_SECONDS + 1
    monkeypatch.setattr(middleware.time, "monotonic", lambda: later)
    found = anonymous_client.get("/search/", {"q": "safeguarding"}).content.decode()

    published_page_cache_clear()
    assert "<mark>Safeguarding</mark> leads" in found
