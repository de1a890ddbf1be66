import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from recommendations.models import Recommendation
from reports.models import QuarterlyUpdate
from reports.services import edition_correction_start
from tests.reports.factories import ProgressUpdateFactory, QuarterlyUpdateFactory
from tests.reports.publishing import publish_for_test

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["anonymous_client", "member_client", "secretariat_client"])
def test_home_page_is_public_and_points_to_the_sign_in(persona, request):
    client = request.getfixturevalue(persona)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert b"National Oversight Group on the police response to domestic abuse" in response.content
    assert reverse("admin:login").encode() in response.content


def test_favicon_requests_go_to_the_govuk_icon(anonymous_client):
    response = anonymous_client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("govuk/assets/images/favicon.ico")


@pytest.fixture
def hmic_2014(db) -> None:
    """The eleven recommendations and the December 2014 edition, published."""
    call_command("load_hmic_2014", stdout=StringIO())


@pytest.mark.parametrize("persona", ["anonymous_client", "member_client", "secretariat_client"])
def test_home_page_leads_to_the_latest_update_the_updates_and_the_recommendations(
    hmic_2014, persona, request
):
    client = request.getfixturevalue(persona)

    html = client.get(reverse("home")).content.decode()

    assert (
        '<a class="govuk-link govuk-!-font-weight-bold" href="/updates/2014-12/">'
        "National Oversight Group Update Report: December 2014</a>"
    ) in html
    assert "Published 1 December 2014" in html
    assert f'href="{reverse("reports:edition-list")}"' in html
    assert f'href="{reverse("reports:edition-feed")}"' in html
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert f'href="{reverse("recommendations:recommendation-list")}"' in html
    assert re.search(r"against the\s+11 national recommendations", html)
    assert html.count("<h1") == 1


def test_home_page_says_when_nothing_is_published_yet(anonymous_client):
    html = anonymous_client.get(reverse("home")).content.decode()

    assert "No update has been published yet." in html
    assert f'href="{reverse("reports:edition-list")}"' in html


def test_home_page_never_points_to_a_draft(hmic_2014, anonymous_client):
    QuarterlyUpdateFactory(period=datetime.date(2015, 3, 1), title="Draft edition title")

    html = anonymous_client.get(reverse("home")).content.decode()

    assert "Draft edition title" not in html
    assert "/updates/2015-03/" not in html
    assert 'href="/updates/2014-12/"' in html


def test_home_page_shows_when_the_latest_update_was_corrected(
    hmic_2014, anonymous_client, secretariat_user
):
    edition = QuarterlyUpdate.objects.get(slug="2014-12")
    edition_correction_start(edition=edition, started_by=secretariat_user)
    publish_for_test(
        edition,
        by=secretariat_user,
        change_note="Corrected a date.",
        published_at=datetime.datetime(2015, 1, 5, 12, tzinfo=datetime.UTC),
    )

    html = anonymous_client.get(reverse("home")).content.decode()

    assert "Published 1 December 2014, last updated 5 January 2015" in html


@pytest.mark.parametrize("editions", [1, 4])
def test_home_page_takes_three_queries_however_many_updates(
    hmic_2014, editions, anonymous_client, django_assert_num_queries
):
    for _ in range(editions - 1):
        edition = QuarterlyUpdateFactory()
        for position, lead in enumerate(Recommendation.objects.leading_sections()):
            ProgressUpdateFactory(edition=edition, recommendation=lead, position=position)
        publish_for_test(edition, by=None)

    # 1. the publications' version (the ETag; reports.published_responses)
    # 2. the number of recommendations, for the introduction
    # 3. the latest publication of the newest published edition, with its edition
    with django_assert_num_queries(3):
        response = anonymous_client.get(reverse("home"))

    assert response.status_code == 200
