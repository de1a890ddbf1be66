"""The public quarterly update: true to the report, frozen once published, drafts kept private."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from forces.models import ActionPlan, Force
from oversight.models import Member
from recommendations.models import Area, Recommendation
from reports.models import ProgressUpdate, QuarterlyUpdate
from tests.oversight.factories import OrganisationFactory
from tests.recommendations.factories import RecommendationFactory
from tests.reports.factories import ProgressUpdateFactory, QuarterlyUpdateFactory
from tests.reports.page_text import missing_in_order, page_blocks, seed_blocks
from tests.reports.publishing import publish_for_test

SEED = Path(__file__).with_name("data") / "update-report-2014-12.txt"
EDITION_URL = "/updates/2014-12/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded_2014(db):
    call_command("load_hmic_2014", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_every_paragraph_and_bullet_of_the_report_is_on_the_page_in_order(
    loaded_2014, anonymous_client
):
    response = anonymous_client.get(EDITION_URL)

    assert response.status_code == 200
    expected = seed_blocks(SEED.read_text(encoding="utf-8"))
    assert len(expected) == 76  # every non-blank line, section lines split in two
    assert missing_in_order(expected, page_blocks(response.content.decode())) == []


def test_the_comparison_would_notice_a_missing_or_reordered_bullet(loaded_2014, anonymous_client):
    blocks = page_blocks(anonymous_client.get(EDITION_URL).content.decode())
    expected = seed_blocks(SEED.read_text(encoding="utf-8"))
    bullet = (
        "The review will report in the autumn with recommendations for any further development."
    )

    without = [block for block in blocks if block != bullet]
    swapped = list(blocks)
    first = swapped.index("Marai Larasi – Imkaan")
    last = swapped.index("Carolyn Hodrien – Victim Support")
    swapped[first], swapped[last] = swapped[last], swapped[first]

    assert missing_in_order(expected, without) == [bullet]
    assert missing_in_order(expected, swapped) != []


def test_key_phrases_are_bold_and_sections_2_and_3_are_one(loaded_2014, anonymous_client):
    html = anonymous_client.get(EDITION_URL).content.decode()

    assert "<strong>national data standards</strong>" in html
    assert "<strong>views of victims</strong>" in html
    assert (
        '<h3 class="govuk-heading-m" id="recommendation-2-3">Recommendations 2 and 3</h3>' in html
    )
    assert html.count('class="app-recommendation"') == 10
    assert '<a class="govuk-link" href="#recommendation-11">Recommendation 11</a>' in html


def test_the_member_list_is_rendered_from_the_member_records(anonymous_client, db):
    call_command("load_hmic_2014", stdout=open("/dev/null", "w"))  # noqa: SIM115
    edition = QuarterlyUpdate.objects.get(slug="2014-12")
    draft = QuarterlyUpdateFactory(slug="2015-03", publisher=edition.publisher)
    for bullet in ProgressUpdate.objects.filter(edition=edition, parent__isnull=True):
        copy = ProgressUpdate.objects.create(
            edition=draft,
            recommendation=bullet.recommendation,
            position=bullet.position,
            source=bullet.source,
            text=bullet.text,
        )
        for sub_point in bullet.sub_points.all():
            ProgressUpdate.objects.create(
                edition=draft,
                recommendation=bullet.recommendation,
                parent=copy,
                position=sub_point.position,
                source=sub_point.source,
            )
    Member.objects.filter(name="Jo Todd").update(name="Joanna Todd")

    publish_for_test(draft, by=None)
    html = anonymous_client.get("/updates/2015-03/").content.decode()

    assert "<li>Joanna Todd – Respect</li>" in html
    assert "Jo Todd" not in html


def test_published_page_never_changes_when_the_records_do(loaded_2014, anonymous_client):
    before = anonymous_client.get(EDITION_URL).content

    Recommendation.objects.filter(number=11).update(text="Edited **text**", status="complete")
    Member.objects.filter(name="Polly Neate").update(name="Someone Else")
    Member.objects.filter(name="Carolyn Hodrien").delete()
    ProgressUpdate.objects.filter(text__startswith="Ministers will provide").update(text="Edited")
    ProgressUpdate.objects.filter(text__startswith="Collaboration has begun").delete()
    Area.objects.filter(name="Performance").update(name="Renamed area")
    gwent = Force.objects.get(slug="gwent-police")
    ActionPlan.objects.filter(force=gwent).delete()
    gwent.delete()
    QuarterlyUpdate.objects.filter(slug="2014-12").update(title="Edited title", foreword="Edited")

    assert anonymous_client.get(EDITION_URL).content == before


@pytest.mark.parametrize(
    ("persona", "expected_status"),
    [("anonymous_client", 404), ("member_client", 200), ("secretariat_client", 200)],
)
def test_a_shared_draft_is_seen_only_by_signed_in_members_and_the_secretariat(
    persona, expected_status, request
):
    draft = ProgressUpdateFactory(
        text="Draft progress bullet.", edition__shared_at=timezone.now()
    ).edition
    client = request.getfixturevalue(persona)

    response = client.get(reverse("reports:edition-detail", kwargs={"slug": draft.slug}))

    assert response.status_code == expected_status
    if expected_status == 200:
        assert b"Draft - not published" in response.content
        assert b"Draft progress bullet." in response.content
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("persona", "expected_status"),
    [("anonymous_client", 404), ("member_client", 404), ("secretariat_client", 200)],
)
def test_a_draft_not_shared_is_the_secretariats_alone(persona, expected_status, request):
    draft = ProgressUpdateFactory(text="Draft progress bullet.").edition

    response = request.getfixturevalue(persona).get(f"/updates/{draft.slug}/preview/")

    assert response.status_code == expected_status
    assert (b"Draft progress bullet." in response.content) == (expected_status == 200)


@pytest.mark.parametrize(
    ("persona", "expected_status"),
    [("anonymous_client", 404), ("member_client", 404), ("secretariat_client", 200)],
)
def test_the_preview_of_a_correction_is_for_the_secretariat_until_shared(
    persona, expected_status, request, loaded_2014
):
    response = request.getfixturevalue(persona).get("/updates/2014-12/preview/")

    assert response.status_code == expected_status


@pytest.mark.parametrize("persona", ["anonymous_client", "member_client", "secretariat_client"])
def test_a_published_edition_is_public_and_cacheable(persona, request, loaded_2014):
    response = request.getfixturevalue(persona).get(EDITION_URL)

    assert response.status_code == 200
    assert b"Draft - not published" not in response.content
    assert response["ETag"]
    assert response["Last-Modified"] == "Mon, 01 Dec 2014 00:00:00 GMT"
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]


def test_a_cache_revalidating_gets_not_modified(loaded_2014, anonymous_client):
    etag = anonymous_client.get(EDITION_URL)["ETag"]

    response = anonymous_client.get(EDITION_URL, headers={"if-none-match": etag})

    assert response.status_code == 304
    assert response.content == b""


def test_unknown_editions_are_not_found(anonymous_client, secretariat_client, db):
    assert anonymous_client.get("/updates/1999-01/").status_code == 404
    assert secretariat_client.get("/updates/1999-01/").status_code == 404


def test_writes_are_refused_on_the_public_page(loaded_2014, anonymous_client):
    assert anonymous_client.post(EDITION_URL).status_code == 405


@pytest.mark.parametrize("section_count", [11, 110])
def test_the_published_page_takes_one_query_however_long(
    section_count, anonymous_client, django_assert_num_queries, db
):
    edition = QuarterlyUpdateFactory(publisher=OrganisationFactory(name="Home Office"))
    for number in range(1, section_count + 1):
        ProgressUpdateFactory(edition=edition, recommendation=RecommendationFactory(number=number))
    publish_for_test(edition, by=None)

    # 1. The edition's publications, newest first (the stored render and the change history).
    with django_assert_num_queries(1):
        response = anonymous_client.get(f"/updates/{edition.slug}/")

    assert response.status_code == 200
    assert response.content.decode().count('class="app-recommendation"') == section_count


def test_editions_list_newest_first(anonymous_client, db, django_assert_num_queries):
    home_office = OrganisationFactory(name="Home Office")
    for slug in ["2015-03", "2014-12", "2015-06"]:
        edition = QuarterlyUpdateFactory(slug=slug, period=f"{slug}-01", publisher=home_office)
        RecommendationFactory(number=1)
        ProgressUpdateFactory(edition=edition, recommendation=Recommendation.objects.get(number=1))
        publish_for_test(edition, by=None)
    QuarterlyUpdateFactory(slug="2015-09", period="2015-09-01", publisher=home_office)

    # 1. The publications' version (the ETag; reports.published_responses).
    # 2. The latest publication of each edition, with its edition.
    with django_assert_num_queries(2):
        response = anonymous_client.get("/updates/")

    blocks = page_blocks(response.content.decode())
    listed = [block for block in blocks if block.startswith("National Oversight Group Update")]
    assert listed == [
        "National Oversight Group Update Report: June 2015",
        "National Oversight Group Update Report: March 2015",
        "National Oversight Group Update Report: December 2014",
    ]


def test_an_edition_links_to_what_changed_once_an_earlier_one_is_published(anonymous_client, db):
    home_office = OrganisationFactory(name="Home Office")
    recommendation = RecommendationFactory(number=1)
    editions = {}
    for slug in ["2014-12", "2015-03"]:
        editions[slug] = QuarterlyUpdateFactory(
            slug=slug, period=f"{slug}-01", publisher=home_office
        )
        ProgressUpdateFactory(edition=editions[slug], recommendation=recommendation)
    publish_for_test(editions["2015-03"], by=None)
    alone = anonymous_client.get("/updates/2015-03/")

    publish_for_test(editions["2014-12"], by=None)
    after = anonymous_client.get("/updates/2015-03/")
    first = anonymous_client.get("/updates/2014-12/")

    assert b"/updates/2015-03/changes/" not in alone.content
    assert b"/updates/2015-03/changes/" in after.content
    assert after["ETag"] != alone["ETag"]
    assert b"/changes/" not in first.content
