"""/recommendations/ and /recommendations/<n>/ are made from publications only (issue 11)."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Value
from django.db.models.functions import Concat

from forces.models import ActionPlan, Force
from oversight.models import Organisation
from recommendations.models import Recommendation
from reports.models import ProgressUpdate
from tests.recommendations.test_views import later_edition_publish
from tests.reports.factories import ReadyToPublishQuarterlyUpdateFactory
from tests.reports.publishing import publish_for_test

pytestmark = pytest.mark.django_db

PAGES = ["/recommendations/", "/recommendations/4/", "/recommendations/?as_of=2014-12"]


@pytest.fixture
def hmic_2014(db) -> None:
    call_command("load_hmic_2014", stdout=StringIO())


def test_the_list_has_a_summary_and_each_recommendation_as_published(hmic_2014, anonymous_client):
    later_edition_publish()
    html = anonymous_client.get("/recommendations/").content.decode()

    assert "Recommendations by status" in html
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">11</td>' in html
    assert html.count('<th scope="row"') == 11
    assert "Last updated" in html
    assert 'href="/updates/2015-03/#recommendation-1"' in html
    assert '<label class="govuk-label" for="as-of">View as of</label>' in html
    assert '<option value="2014-12">' in html


def test_as_of_shows_the_list_as_it_stood_in_that_edition(hmic_2014, anonymous_client):
    later_edition_publish()
    Recommendation.objects.filter(number=1).update(title="A title changed since")

    html = anonymous_client.get("/recommendations/?as_of=2014-12").content.decode()

    assert "As published in the" in html and 'href="/updates/2014-12/"' in html
    assert '<option value="2014-12" selected>' in html
    assert 'href="/updates/2015-03/' not in html
    assert "A title changed since" not in html


def test_an_unknown_as_of_is_a_govuk_404(hmic_2014, anonymous_client):
    response = anonymous_client.get("/recommendations/?as_of=1999-01")

    assert response.status_code == 404
    assert "govuk-template" in response.content.decode()


def test_before_anything_is_published_the_pages_say_so(anonymous_client):
    assert (
        "No update has been published yet."
        in anonymous_client.get("/recommendations/").content.decode()
    )
    assert anonymous_client.get("/recommendations/4/").status_code == 404
    assert "No update listing the forces" in anonymous_client.get("/forces/").content.decode()


def test_the_detail_has_every_update_a_chart_and_a_table(hmic_2014, anonymous_client):
    later_edition_publish()
    html = anonymous_client.get("/recommendations/4/").content.decode()

    assert 'role="img" aria-labelledby="status-chart-title status-chart-desc"' in html
    assert '<title id="status-chart-title">Status of recommendation 4' in html
    chart = html.split('class="app-status-chart"')[1].split("</svg>")[0]
    assert chart.count("<circle ") == 2
    assert '<th scope="col" class="govuk-table__header">Update</th>' in html
    assert 'href="/updates/2014-12/#recommendation-4"' in html
    assert 'href="/updates/2015-03/#recommendation-4"' in html
    assert html.index("2015-03/#recommendation-4") < html.index("2014-12/#recommendation-4")


def test_overdue_where_the_due_date_passed_and_not_complete(hmic_2014, anonymous_client):
    Recommendation.objects.filter(number=4).update(due_by=datetime.date(2014, 9, 30))
    Recommendation.objects.filter(number=5).update(due_by=datetime.date(2999, 1, 31))
    later_edition_publish()

    assert 'govuk-tag--red">Overdue' in anonymous_client.get("/recommendations/4/").content.decode()
    assert "Overdue" not in anonymous_client.get("/recommendations/5/").content.decode()


def test_an_unknown_number_is_a_govuk_404(hmic_2014, anonymous_client):
    response = anonymous_client.get("/recommendations/99/")

    assert response.status_code == 404
    assert "govuk-template" in response.content.decode()


def test_editing_every_source_record_changes_no_page_until_the_next_publication(
    hmic_2014, anonymous_client
):
    later_edition_publish()
    force = Force.objects.order_by("name").first()
    pages = [*PAGES, "/forces/", f"/forces/{force.slug}/"]
    before = {url: anonymous_client.get(url).content for url in pages}

    Recommendation.objects.update(
        title="Edited title",
        text="Edited text",
        status=Recommendation.Status.COMPLETE,
        due_by=datetime.date(2001, 1, 1),
    )
    Organisation.objects.update(name=Concat("name", Value(" (edited)")))
    ProgressUpdate.objects.update(text="Edited bullet")
    Force.objects.update(name=Concat("name", Value(" (edited)")))
    ActionPlan.objects.update(
        status=ActionPlan.Status.PROVIDED,
        provided_on=datetime.date(2001, 1, 1),
        published_url="https://www.example.police.uk/edited",
    )

    assert {url: anonymous_client.get(url).content for url in pages} == before

    later_edition_publish()
    after = anonymous_client.get("/recommendations/").content.decode()
    assert "Edited title" in after


@pytest.mark.parametrize("count", [1, 40])
@pytest.mark.parametrize(
    "url",
    [
        "/recommendations/",
        "/recommendations/{number}/",
        "/recommendations/?as_of={first}",
        "/forces/",
    ],
)
def test_the_pages_take_two_queries_however_many_editions(
    count, url, anonymous_client, django_assert_num_queries
):
    slugs = []
    for _ in range(count):
        edition = ReadyToPublishQuarterlyUpdateFactory()
        publish_for_test(edition, by=None)
        slugs.append(edition.slug)

    # 1. The publications' version (reports.published_responses).
    # 2. The latest publication of each edition (or of the newest one, for the forces).
    url = url.format(first=slugs[0], number=Recommendation.objects.first().number)
    with django_assert_num_queries(2):
        response = anonymous_client.get(url)

    assert response.status_code == 200
