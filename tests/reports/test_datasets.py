"""The open data: every dataset as CSV and JSON, and each edition as JSON, from publications only."""

import csv
import datetime
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from forces.models import ActionPlan, Force
from oversight.models import Meeting, Member
from recommendations.models import Recommendation
from reports.datasets import DATASETS, EDITION_FIELDS
from reports.models import ProgressUpdate, QuarterlyUpdate, SectionStatus
from reports.services import edition_correction_start
from reports.snapshot import edition_snapshot
from tests.forces.factories import ActionPlanFactory
from tests.oversight.factories import HeldMeetingFactory, StaffUserFactory
from tests.recommendations.factories import RecommendationFactory
from tests.reports.factories import (
    ProgressUpdateFactory,
    PublicationFactory,
    ReadyToPublishQuarterlyUpdateFactory,
)
from tests.reports.publishing import publish_for_test

pytestmark = pytest.mark.django_db

FILES = [(name, fmt) for name in DATASETS for fmt in ("csv", "json")]


@pytest.fixture
def loaded_2014(db) -> None:
    """The December 2014 report, published by the loader (snapshot version 3)."""
    call_command("load_hmic_2014", stdout=StringIO())


def read_csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def header(response) -> list[str]:
    return next(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def every_file(client) -> dict[str, bytes]:
    urls = [f"/data/{name}.{fmt}" for name, fmt in FILES] + ["/updates/2014-12.json"]
    responses = {url: client.get(url) for url in urls}
    assert {url: response.status_code for url, response in responses.items()} == dict.fromkeys(
        urls, 200
    )
    return {url: response.content for url, response in responses.items()}


# ---- Shape --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DATASETS)
def test_each_csv_is_utf8_with_a_header_row_of_its_documented_fields(
    loaded_2014, anonymous_client, name
) -> None:
    response = anonymous_client.get(f"/data/{name}.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="national-oversight-group-{name}.csv"'
    )
    assert header(response) == [field.name for field in DATASETS[name].fields]


@pytest.mark.parametrize("name", DATASETS)
def test_each_json_has_the_same_records_as_the_csv(loaded_2014, anonymous_client, name) -> None:
    as_csv = read_csv(anonymous_client.get(f"/data/{name}.csv"))
    response = anonymous_client.get(f"/data/{name}.json")
    document = json.loads(response.content)

    assert response["Content-Type"] == "application/json"
    assert f'filename="national-oversight-group-{name}.json"' in response["Content-Disposition"]
    assert document["dataset"] == name
    assert document["licence"].endswith("/open-government-licence/version/3/")
    assert document["fields"] == [field.name for field in DATASETS[name].fields]
    assert len(document["rows"]) == len(as_csv) > 0
    assert all(list(row) == document["fields"] for row in document["rows"])


def test_recommendations_are_as_the_latest_edition_published_them(
    loaded_2014, anonymous_client
) -> None:
    rows = read_csv(anonymous_client.get("/data/recommendations.csv"))

    assert [row["number"] for row in rows] == [str(number) for number in range(1, 12)]
    fourth = rows[3]
    assert fourth["title"] == Recommendation.objects.get(number=4).title
    assert (fourth["status"], fourth["status_label"], fourth["edition"]) == (
        "in_progress",
        "In progress",
        "2014-12",
    )
    assert fourth["section_url"] == "http://testserver/updates/2014-12/#recommendation-4"
    assert rows[2]["section_url"].endswith("#recommendation-2-3")  # 3 is reported with 2


def test_every_published_bullet_is_a_row_with_its_place(loaded_2014, anonymous_client) -> None:
    rows = read_csv(anonymous_client.get("/data/progress-updates.csv"))

    data_bullet = next(row for row in rows if row["text"].startswith("The Home Office has begun"))
    assert (data_bullet["edition"], data_bullet["section_anchor"]) == (
        "2014-12",
        "recommendation-4",
    )
    assert data_bullet["recommendation_numbers"] == "4"
    two_and_three = [row for row in rows if row["section_anchor"] == "recommendation-2-3"]
    assert {row["recommendation_numbers"] for row in two_and_three} == {"2;3"}
    # The member list is one bullet per member, in the section of recommendation 1.
    assert any(row["text"].startswith("Marai Larasi") for row in rows)
    # Paths number bullets from 1 within each section; a sub-point names its parent.
    for row in rows:
        assert row["path"].rsplit(".", 1)[-1] == row["position"]
        assert row["parent_path"] == (row["path"].rsplit(".", 1)[0] if "." in row["path"] else "")
    paths = {(row["section_anchor"], row["path"]) for row in rows}
    assert all(
        (row["section_anchor"], row["parent_path"]) in paths for row in rows if row["parent_path"]
    )
    assert len(rows) >= 24


def test_sub_points_are_numbered_under_their_bullet(db, anonymous_client) -> None:
    recommendation = RecommendationFactory(number=1)
    edition = ReadyToPublishQuarterlyUpdateFactory()
    first = edition.bullets.get()
    ProgressUpdateFactory(edition=edition, recommendation=recommendation, parent=first, text="A.")
    ProgressUpdateFactory(edition=edition, recommendation=recommendation, parent=first, text="B.")
    publish_for_test(edition)

    rows = read_csv(anonymous_client.get("/data/progress-updates.csv"))

    assert [(row["path"], row["position"], row["parent_path"], row["text"]) for row in rows] == [
        ("1", "1", "", first.text),
        ("1.1", "1", "1", "A."),
        ("1.2", "2", "1", "B."),
    ]


def test_editions_list_each_with_its_dates_revisions_and_addresses(
    loaded_2014, anonymous_client
) -> None:
    edition = QuarterlyUpdate.objects.get(slug="2014-12")
    edition.status = QuarterlyUpdate.Status.CORRECTING
    edition.save()
    corrected_at = timezone.make_aware(datetime.datetime(2015, 1, 5, 10, 30))
    publish_for_test(edition, change_note="Corrected a date.", published_at=corrected_at)

    [row] = read_csv(anonymous_client.get("/data/editions.csv"))

    assert row == {
        "slug": "2014-12",
        "title": "National Oversight Group Update Report",
        "period": "2014-12",
        "period_label": "December 2014",
        "first_published_at": "2014-12-01T00:00:00+00:00",
        "last_updated_at": "2015-01-05T10:30:00+00:00",
        "revision_count": "2",
        "url": "http://testserver/updates/2014-12/",
        "pdf_url": "http://testserver/updates/2014-12.pdf",
        "json_url": "http://testserver/updates/2014-12.json",
    }


def test_statuses_follow_each_recommendation_across_editions(loaded_2014, anonymous_client) -> None:
    later = ReadyToPublishQuarterlyUpdateFactory(period=datetime.date(2015, 3, 1))
    SectionStatus.objects.create(
        edition=later,
        recommendation=Recommendation.objects.get(number=1),
        status=Recommendation.Status.COMPLETE,
    )
    publish_for_test(later, warnings_accepted=True)

    rows = read_csv(anonymous_client.get("/data/recommendation-statuses.csv"))

    assert len(rows) == 22
    first = [(row["edition"], row["period"], row["status"]) for row in rows if row["number"] == "1"]
    assert first == [("2014-12", "2014-12", "in_progress"), ("2015-03", "2015-03", "complete")]


def test_the_confidence_and_reason_of_newer_snapshots_are_read_when_there(
    db, anonymous_client
) -> None:
    """Another snapshot version adds these three keys to each recommendation of a section."""
    RecommendationFactory(number=1)
    edition = ReadyToPublishQuarterlyUpdateFactory(
        status=QuarterlyUpdate.Status.PUBLISHED, published_at=timezone.now()
    )
    content = edition_snapshot(edition)
    content["sections"][0]["recommendations"][0].update(
        confidence="high", confidence_label="High", status_reason="All 43 plans received."
    )
    PublicationFactory(edition=edition, content=content)

    [row] = read_csv(anonymous_client.get("/data/recommendation-statuses.csv"))

    assert (row["confidence"], row["confidence_label"], row["status_reason"]) == (
        "high",
        "High",
        "All 43 plans received.",
    )


def test_forces_and_meetings_are_as_the_latest_edition_kept_them(
    loaded_2014, anonymous_client
) -> None:
    forces = read_csv(anonymous_client.get("/data/forces.csv"))
    meetings = json.loads(anonymous_client.get("/data/meetings.json").content)["rows"]

    assert len(forces) == 43
    gwent = next(row for row in forces if row["slug"] == "gwent-police")
    # “All 43 forces have provided an action plan”; the report does not say when.
    assert gwent == {
        "slug": "gwent-police",
        "name": "Gwent Police",
        "nation": "wales",
        "nation_label": "Wales",
        "plan_provided": "true",
        "plan_provided_on": "",
        "edition": "2014-12",
    }
    assert meetings == [
        {"date": "2014-06-10", "label": "10 June 2014", "edition": "2014-12"},
        {"date": "2014-09-04", "label": "4 September 2014", "edition": "2014-12"},
    ]


def test_a_draft_plan_is_not_provided_and_a_dated_one_has_its_date(db, anonymous_client) -> None:
    RecommendationFactory(number=1)
    ActionPlanFactory(force__name="Alpha Police", force__slug="alpha-police")
    ActionPlanFactory(
        force__name="Beta Police",
        force__slug="beta-police",
        status=ActionPlan.Status.REVIEWED,
        provided_on=datetime.date(2014, 11, 20),
    )
    publish_for_test(ReadyToPublishQuarterlyUpdateFactory())

    rows = read_csv(anonymous_client.get("/data/forces.csv"))

    assert [(row["slug"], row["plan_provided"], row["plan_provided_on"]) for row in rows] == [
        ("alpha-police", "false", ""),
        ("beta-police", "true", "2014-11-20"),
    ]


def test_publications_from_before_forces_were_kept_give_header_only_files(
    db, anonymous_client
) -> None:
    RecommendationFactory(number=1)
    edition = ReadyToPublishQuarterlyUpdateFactory(
        status=QuarterlyUpdate.Status.PUBLISHED, published_at=timezone.now()
    )
    content = edition_snapshot(edition)
    del content["forces"], content["meetings_held"]
    PublicationFactory(edition=edition, content={**content, "schema_version": 2})

    for name in ("forces", "meetings"):
        response = anonymous_client.get(f"/data/{name}.csv")
        assert response.content.decode().splitlines() == [",".join(header(response))]


def test_before_anything_is_published_each_file_is_its_header(db, anonymous_client) -> None:
    response = anonymous_client.get("/data/recommendations.csv")

    assert response.status_code == 200
    assert read_csv(response) == []
    assert "Last-Modified" not in response
    assert json.loads(anonymous_client.get("/data/editions.json").content)["rows"] == []


# ---- Only what was published --------------------------------------------------------------


def test_editing_any_record_changes_no_file_until_the_next_publication(
    loaded_2014, anonymous_client
) -> None:
    before = every_file(anonymous_client)

    recommendation = Recommendation.objects.get(number=4)
    recommendation.title = "Edited title"
    recommendation.status = Recommendation.Status.COMPLETE
    recommendation.save()
    bullet = ProgressUpdate.objects.filter(source=ProgressUpdate.Source.WRITTEN).first()
    bullet.text = "An edited bullet."
    bullet.save()
    member = Member.objects.first()
    member.name = "Edited Name"
    member.save()
    force = Force.objects.get(slug="gwent-police")
    force.name = "Edited Police"
    force.save()
    ActionPlan.objects.filter(force=force).update(provided_on=datetime.date(2014, 11, 1))
    HeldMeetingFactory(date=datetime.date(2014, 11, 11))
    Meeting.objects.filter(date=datetime.date(2014, 6, 10)).update(date=datetime.date(2014, 6, 11))

    assert every_file(anonymous_client) == before

    publish_for_test(ReadyToPublishQuarterlyUpdateFactory(), warnings_accepted=True)
    after = every_file(anonymous_client)
    assert after["/updates/2014-12.json"] == before["/updates/2014-12.json"]
    assert b"Edited title" in after["/data/recommendations.csv"]
    assert b"Edited Police" in after["/data/forces.csv"]
    assert b"2014-11-11" in after["/data/meetings.csv"]


# ---- Polling cheaply ----------------------------------------------------------------------


def test_a_client_with_the_current_copy_gets_304_until_something_is_published(
    loaded_2014, anonymous_client
) -> None:
    first = anonymous_client.get("/data/recommendations.csv")
    etag, last_modified = first["ETag"], first["Last-Modified"]

    by_etag = anonymous_client.get("/data/recommendations.csv", headers={"If-None-Match": etag})
    by_date = anonymous_client.get(
        "/data/recommendations.csv", headers={"If-Modified-Since": last_modified}
    )
    assert (by_etag.status_code, by_date.status_code) == (304, 304)
    assert by_etag.content == b""
    assert by_etag["ETag"] == etag
    assert last_modified == "Mon, 01 Dec 2014 00:00:00 GMT"
    assert "public" in first["Cache-Control"]
    # Each file has its own tag.
    assert anonymous_client.get("/data/recommendations.json")["ETag"] != etag

    publish_for_test(ReadyToPublishQuarterlyUpdateFactory(), warnings_accepted=True)

    again = anonymous_client.get("/data/recommendations.csv", headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again["ETag"] != etag


def test_an_edition_json_answers_304_to_its_etag(loaded_2014, anonymous_client) -> None:
    first = anonymous_client.get("/updates/2014-12.json")

    again = anonymous_client.get("/updates/2014-12.json", headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 304
    assert first["Last-Modified"] == "Mon, 01 Dec 2014 00:00:00 GMT"


# ---- One edition as JSON ------------------------------------------------------------------


def test_an_edition_json_has_the_documented_fields_and_its_revision(
    loaded_2014, anonymous_client
) -> None:
    response = anonymous_client.get("/updates/2014-12.json")
    document = json.loads(response.content)

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        'inline; filename="national-oversight-group-update-2014-12.json"'
    )
    assert list(document) == [field.name for field in EDITION_FIELDS]
    assert (document["revision"], document["published_at"], document["change_note"]) == (
        1,
        "2014-12-01T00:00:00+00:00",
        "",
    )
    assert document["period"] == "2014-12"
    section = next(s for s in document["sections"] if s["anchor"] == "recommendation-4")
    assert section["recommendations"][0]["status_reason"] == ""
    assert section["bullets"][0]["text"].startswith("The Home Office has begun")
    assert len(document["forces"]) == 43
    assert "schema_version" not in document


def test_an_edition_json_is_its_current_revision(loaded_2014, anonymous_client) -> None:
    edition = QuarterlyUpdate.objects.get(slug="2014-12")
    edition_correction_start(edition=edition, started_by=StaffUserFactory())
    bullet = ProgressUpdate.objects.filter(source=ProgressUpdate.Source.WRITTEN).first()
    bullet.text = "A corrected bullet."
    bullet.save()
    publish_for_test(edition, change_note="Corrected the second bullet.")

    document = json.loads(anonymous_client.get("/updates/2014-12.json").content)

    assert (document["revision"], document["change_note"]) == (2, "Corrected the second bullet.")
    assert document["first_published_at"] == "2014-12-01T00:00:00+00:00"
    assert "A corrected bullet." in json.dumps(document)


# ---- Not found ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/data/no-such-dataset.csv",
        "/data/recommendations.xml",
        "/data/recommendations",
        "/updates/2099-12.json",
    ],
)
def test_an_unknown_dataset_format_or_edition_is_the_sites_404(
    loaded_2014, anonymous_client, url
) -> None:
    response = anonymous_client.get(url)

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'class="govuk-template' in response.content.decode()


def test_a_draft_has_no_json(db, anonymous_client, secretariat_client) -> None:
    edition = ReadyToPublishQuarterlyUpdateFactory()

    assert anonymous_client.get(f"/updates/{edition.slug}.json").status_code == 404
    assert secretariat_client.get(f"/updates/{edition.slug}.json").status_code == 404


# ---- /data/ -------------------------------------------------------------------------------


def test_the_data_page_documents_every_dataset_and_links_each_file(
    loaded_2014, anonymous_client
) -> None:
    html = anonymous_client.get("/data/").content.decode()

    assert "Open Government Licence v3.0" in html
    for name, dataset in DATASETS.items():
        assert f'href="/data/{name}.csv"' in html
        assert f'href="/data/{name}.json"' in html
        assert dataset.changes in html
        for field in dataset.fields:
            assert f"<code>{field.name}</code>" in html
    for field in EDITION_FIELDS:
        assert f"<code>{field.name}</code>" in html
    assert 'href="/updates/2014-12.json"' in html
    assert "from the first edition" in html  # when forces and meetings start


def test_the_footer_links_the_open_data_and_the_privacy_notice(db, anonymous_client) -> None:
    html = anonymous_client.get("/").content.decode()

    assert 'href="/data/"' in html
    assert 'href="/privacy/"' in html


def test_every_edition_links_its_json(loaded_2014, anonymous_client) -> None:
    html = anonymous_client.get("/updates/2014-12/").content.decode()

    assert 'href="/updates/2014-12.json"' in html


# ---- Queries: the same however many editions ------------------------------------------------


@pytest.fixture(params=[1, 40], ids=["1 edition", "40 editions"])
def editions_published(request, db) -> int:
    RecommendationFactory(number=1)
    RecommendationFactory(number=2)
    for _ in range(request.param):
        edition = ReadyToPublishQuarterlyUpdateFactory(
            status=QuarterlyUpdate.Status.PUBLISHED, published_at=timezone.now()
        )
        PublicationFactory(edition=edition)
    return request.param


@pytest.mark.parametrize("name", DATASETS)
def test_a_dataset_takes_two_queries_however_many_editions(
    editions_published, anonymous_client, django_assert_num_queries, name
) -> None:
    # 1. The newest publication's id and time (the ETag and Last-Modified).
    # 2. Each edition's current publication, with its edition.
    with django_assert_num_queries(2):
        response = anonymous_client.get(f"/data/{name}.json")
    assert response.status_code == 200
    if name == "editions":
        assert len(json.loads(response.content)["rows"]) == editions_published

    # A client with the current copy: the first query only.
    etag = anonymous_client.get(f"/data/{name}.csv")["ETag"]
    with django_assert_num_queries(1):
        response = anonymous_client.get(f"/data/{name}.csv", headers={"If-None-Match": etag})
    assert response.status_code == 304


def test_the_data_page_takes_two_queries_however_many_editions(
    editions_published, anonymous_client, django_assert_num_queries
) -> None:
    # 1. The publications' version (its ETag; a worker keeps the page made at that version).
    # 2. The latest edition's current publication, for its link.
    with django_assert_num_queries(2):
        response = anonymous_client.get("/data/")
    assert response.status_code == 200


def test_an_edition_json_takes_one_query_however_many_editions(
    editions_published, anonymous_client, django_assert_num_queries
) -> None:
    slug = QuarterlyUpdate.objects.order_by("period").first().slug
    # 1. The edition's latest publication, with its edition.
    with django_assert_num_queries(1):
        response = anonymous_client.get(f"/updates/{slug}.json")
    assert response.status_code == 200
