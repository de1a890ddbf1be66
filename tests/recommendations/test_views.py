"""The public recommendation pages: the eleven in order, and each with the progress published."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from recommendations.models import Recommendation
from reports.models import ProgressUpdate, QuarterlyUpdate
from reports.services import edition_correction_start
from tests.oversight.factories import OrganisationFactory
from tests.recommendations.factories import RecommendationFactory
from tests.reports.factories import ProgressUpdateFactory, QuarterlyUpdateFactory
from tests.reports.publishing import publish_for_test

pytestmark = pytest.mark.django_db

LIST_URL = "/recommendations/"
PERSONAS = ["anonymous_client", "member_client", "secretariat_client"]
# The December 2014 report's first bullet for Recommendation 4.
PUBLISHED_BULLET_4 = (
    "The Home Office has begun work to make collection of data against a national standard on "
    "domestic abuse mandatory for all forces from April 2015."
)


@pytest.fixture
def hmic_2014(db) -> None:
    """The eleven recommendations and the December 2014 edition, published."""
    call_command("load_hmic_2014", stdout=StringIO())


def later_edition_publish(bullet_text: str = "Progress in {slug}.") -> QuarterlyUpdate:
    """Publish the next quarter's edition, one bullet per section."""
    newest = QuarterlyUpdate.objects.order_by("-period").first()
    latest = newest.period if newest else datetime.date(2014, 9, 1)
    months = latest.year * 12 + latest.month - 1 + 3
    period = datetime.date(months // 12, months % 12 + 1, 1)
    edition = QuarterlyUpdateFactory(period=period, slug=period.strftime("%Y-%m"))
    for position, lead in enumerate(Recommendation.objects.leading_sections()):
        ProgressUpdateFactory(
            edition=edition,
            recommendation=lead,
            position=position,
            text=bullet_text.format(slug=edition.slug, number=lead.number),
        )
    publish_for_test(edition, by=None)
    return edition


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", [LIST_URL, "/recommendations/1/", "/recommendations/3/"])
def test_recommendation_pages_are_public(hmic_2014, persona, url, request):
    client = request.getfixturevalue(persona)

    assert client.get(url).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_unknown_number_is_not_found(hmic_2014, persona, request):
    client = request.getfixturevalue(persona)

    assert client.get("/recommendations/12/").status_code == 404


def test_the_list_shows_the_eleven_in_order_with_what_each_needs(hmic_2014, anonymous_client):
    # The stored 2014 publication (version 1) kept no addressees or due dates: a later one does.
    later_edition_publish()
    response = anonymous_client.get(LIST_URL)
    html = response.content.decode()

    titles = [
        f"{rec.number}. {rec.title}".replace("'", "&#x27;")
        for rec in Recommendation.objects.order_by("number")
    ]
    assert len(titles) == 11
    positions = [html.index(title) for title in titles]
    assert positions == sorted(positions)
    assert html.count('class="govuk-tag govuk-tag--blue">In progress</strong>') == 11
    assert "By September 2014" in html
    assert "Police forces in England and Wales" in html
    assert "Reported with Recommendation 2" in html
    assert html.count('<th scope="row"') == 11
    assert html.count("<h1") == 1
    assert 'href="/recommendations/2/"' in html


def test_the_detail_shows_the_text_with_key_phrases_and_the_facts(hmic_2014, anonymous_client):
    later_edition_publish()
    html = anonymous_client.get("/recommendations/2/").content.decode()

    assert "publish an <strong>action plan</strong> that" in html
    assert "**" not in html
    assert "By September 2014" in html
    assert "Police forces in England and Wales" in html
    assert "In progress</strong>" in html
    assert 'href="/recommendations/3/"' in html  # reported alongside it


def test_the_detail_shows_the_published_bullets_with_a_link_to_the_section(
    hmic_2014, anonymous_client
):
    html = anonymous_client.get("/recommendations/3/").content.decode()

    # Recommendation 3 is reported in the section it shares with 2, sub-points included.
    assert "All 43 forces have provided an action plan to HMIC." in html
    assert "Victim Safety Planning." in html
    assert 'href="/updates/2014-12/#recommendation-2-3"' in html
    assert "Read Recommendations 2 and 3 in the December 2014 update" in html
    assert "published 1 December 2014" in html


def test_each_published_edition_is_listed_newest_first(hmic_2014, anonymous_client):
    later_edition_publish()
    later_edition_publish()

    html = anonymous_client.get("/recommendations/5/").content.decode()

    march, june = "Progress in 2015-03.", "Progress in 2015-06."
    december = "The College of Policing is updating existing guidance on Domestic Abuse"
    assert html.index(june) < html.index(march) < html.index(december)
    assert 'href="/updates/2015-06/#recommendation-5"' in html


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_draft_edition_never_shows(hmic_2014, persona, request):
    draft = QuarterlyUpdateFactory()
    ProgressUpdateFactory(
        edition=draft,
        recommendation=Recommendation.objects.get(number=4),
        text="Secret draft bullet",
    )
    client = request.getfixturevalue(persona)

    html = client.get("/recommendations/4/").content.decode()

    assert "Secret draft bullet" not in html
    assert draft.period_label not in html
    assert PUBLISHED_BULLET_4 in html


def test_bullets_edited_after_publication_do_not_change_the_page(hmic_2014, anonymous_client):
    ProgressUpdate.objects.filter(text=PUBLISHED_BULLET_4).update(text="Edited after publishing.")

    html = anonymous_client.get("/recommendations/4/").content.decode()

    assert PUBLISHED_BULLET_4 in html
    assert "Edited after publishing." not in html


def test_a_correction_in_progress_does_not_show_until_published(
    hmic_2014, anonymous_client, secretariat_user
):
    edition = QuarterlyUpdate.objects.get(slug="2014-12")
    edition_correction_start(edition=edition, started_by=secretariat_user)
    ProgressUpdate.objects.filter(text=PUBLISHED_BULLET_4).update(text="Corrected bullet.")

    before = anonymous_client.get("/recommendations/4/").content.decode()
    publish_for_test(edition, by=secretariat_user, change_note="Fixed a bullet.")
    after = anonymous_client.get("/recommendations/4/").content.decode()

    assert PUBLISHED_BULLET_4 in before
    assert "Corrected bullet." not in before
    assert "Corrected bullet." in after
    assert PUBLISHED_BULLET_4 not in after
    assert after.count("<h3") == 1  # one edition, its latest revision only


def test_staff_text_is_escaped(anonymous_client):
    recommendation = RecommendationFactory(
        number=1, title="<script>alert(1)</script>", text="Do <b>this</b> and **that**."
    )
    recommendation.addressed_to.set([OrganisationFactory(name="<i>Body</i>")])
    later_edition_publish()

    listing = anonymous_client.get(LIST_URL).content.decode()
    detail = anonymous_client.get("/recommendations/1/").content.decode()

    for html in (listing, detail):
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;i&gt;Body&lt;/i&gt;" in html
    assert "Do &lt;b&gt;this&lt;/b&gt; and <strong>that</strong>." in detail


def test_before_anything_is_published_the_list_says_so_and_a_detail_is_not_found(
    anonymous_client,
):
    RecommendationFactory(number=1)

    html = anonymous_client.get(LIST_URL).content.decode()

    assert "No update has been published yet." in html
    assert anonymous_client.get("/recommendations/1/").status_code == 404


@pytest.mark.parametrize("count", [11, 30])
def test_the_list_takes_two_queries_however_many_there_are(
    count, anonymous_client, django_assert_num_queries
):
    bodies = [OrganisationFactory(), OrganisationFactory()]
    lead = RecommendationFactory(number=1)
    lead.addressed_to.set(bodies)
    for number in range(2, count + 1):
        RecommendationFactory(number=number, reported_with=lead).addressed_to.set(bodies)
    later_edition_publish()

    # 1. the publications' version (reports.published_responses)
    # 2. the latest publication of each published edition, with its edition
    with django_assert_num_queries(2):
        response = anonymous_client.get(LIST_URL)

    assert response.content.decode().count('<th scope="row"') == count


@pytest.mark.parametrize("later_editions", [0, 3])
def test_the_detail_takes_two_queries_however_many_editions(
    hmic_2014, later_editions, anonymous_client, django_assert_num_queries
):
    for _ in range(later_editions):
        later_edition_publish()

    # 1. the publications' version (reports.published_responses)
    # 2. the latest publication of each published edition, with its edition
    with django_assert_num_queries(2):
        response = anonymous_client.get("/recommendations/2/")

    assert response.content.decode().count("<h3") == 1 + later_editions
