"""The snapshot's schema: publications stored under any earlier version keep reading unchanged.

`data/publication-2014-12.json` and `.body.html` are the December 2014 publication exactly as
`load_hmic_2014` stored it before the snapshot had a type (version 1, its version under the key
`schema`); `data/edition-2014-12.main.html` is the `<main>` of its public page as it was served
then. A stored publication is never rewritten, so these files must never be regenerated.
"""

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.loader import render_to_string

from reports import snapshot as snapshot_module
from reports.models import Publication, QuarterlyUpdate
from reports.services import edition_body_render
from reports.snapshot import (
    SCHEMA_VERSION,
    UnknownSnapshotVersion,
    edition_snapshot,
    snapshot_read,
)
from tests.reports.factories import ReadyToPublishQuarterlyUpdateFactory

DATA = Path(__file__).with_name("data")
STORED_CONTENT = json.loads((DATA / "publication-2014-12.json").read_text(encoding="utf-8"))
STORED_BODY = (DATA / "publication-2014-12.body.html").read_text(encoding="utf-8")
STORED_PAGE_MAIN = (DATA / "edition-2014-12.main.html").read_text(encoding="utf-8")


@pytest.fixture
def stored_2014(db, monkeypatch) -> Publication:
    """The 2014 data loaded, its edition published as the stored version-1 publication."""

    def publish_as_stored(*, edition, published_by, published_at):
        edition.status = QuarterlyUpdate.Status.PUBLISHED
        edition.published_at = published_at
        edition.save(update_fields=["status", "published_at"])
        return Publication.objects.create(
            edition=edition,
            revision=1,
            published_at=published_at,
            content=STORED_CONTENT,
            body_html=STORED_BODY,
        )

    monkeypatch.setattr("oversight.seed.loader.edition_publish", publish_as_stored)
    call_command("load_hmic_2014", stdout=StringIO())
    return Publication.objects.get()


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>") + len("</main>")]


# Added to every edition page since the stored page was served (issue 11): the link to the
# edition's JSON, the "Request an accessible format" box and the e-mail alerts sign-up.
# Everything else must be as it was.
ADDED_SINCE = (
    '          <li><a class="govuk-link" href="/updates/2014-12.json">This update as data (JSON)</a></li>\n',
    "      " + render_to_string("reports/alerts/signup_prompt.html") + "\n",
    "      "
    + render_to_string(
        "reports/includes/accessible_format.html",
        {"accessible_format_email": settings.ACCESSIBLE_FORMAT_EMAIL},
    )
    + "\n",
)


# Changed since (issue 13): the PDF link lost its `download` attribute, so that a reader who
# follows it before the PDF is made sees the note saying so, not a failed download.
CHANGED_SINCE = (
    (
        '<a class="govuk-link" href="/updates/2014-12.pdf">',
        '<a class="govuk-link" href="/updates/2014-12.pdf" download>',
    ),
)


def without_additions(main: str) -> str:
    for added in ADDED_SINCE:
        assert added in main
        main = main.replace(added, "", 1)
    for now, before in CHANGED_SINCE:
        assert now in main
        main = main.replace(now, before, 1)
    return main


def test_the_stored_file_is_version_1() -> None:
    assert STORED_CONTENT["schema"] == 1
    assert "schema_version" not in STORED_CONTENT


def test_the_stored_december_2014_publication_renders_byte_for_byte_as_before(
    stored_2014, anonymous_client
) -> None:
    pages = [
        anonymous_client.get(url)
        for url in ("/updates/2014-12/", "/recommendations/4/", "/updates/", "/")
    ]

    assert [page.status_code for page in pages] == [200] * 4
    assert without_additions(main_of(pages[0].content.decode())) == STORED_PAGE_MAIN
    # Read, never rewritten: the row is as it was stored.
    stored = Publication.objects.get()
    assert stored.content == STORED_CONTENT
    assert stored.body_html == STORED_BODY


def test_the_stored_version_1_content_renders_the_stored_body_again(stored_2014) -> None:
    assert edition_body_render(snapshot_read(stored_2014.content)) == STORED_BODY


def test_the_stored_content_feeds_the_pages_built_from_publications(
    stored_2014, anonymous_client
) -> None:
    html = anonymous_client.get("/recommendations/4/").content.decode()

    assert "The Home Office has begun work to make collection of data" in html
    assert "From the National Oversight Group Update Report, published 1 December 2014" in html


def test_publishing_today_stores_the_current_version_with_the_same_content(db) -> None:
    """The same words and statuses; since version 3 it also names the meeting it reports on,
    which the stored publication (and its page) never did."""
    call_command("load_hmic_2014", stdout=StringIO())
    publication = Publication.objects.get()

    assert publication.content["schema_version"] == SCHEMA_VERSION
    assert "schema" not in publication.content
    assert snapshot_read(publication.content) == publication.content
    # Version 3 added the forces and the meetings held, which the stored version 1 lacks, and
    # the meeting the edition reports on, which the loader now sets.
    open_data = {"forces", "meetings_held"}
    meeting = {"date": "2014-09-04", "label": "4 September 2014"}
    # Version 4 added each recommendation's addressees and due date, which version 1 lacks.
    content = copy.deepcopy(publication.content)
    for section in content["sections"]:
        for rec in section["recommendations"]:
            assert isinstance(rec.pop("addressed_to"), list)
            rec.pop("due_by")
    assert {key: value for key, value in _without_v4(content).items() if key not in open_data} == {
        **{
            key: value
            for key, value in _without_v4(snapshot_read(STORED_CONTENT)).items()
            if key not in open_data
        },
        "reports_on_meeting": meeting,
    }
    assert len(publication.content["forces"]) == 43
    assert publication.content["meetings_held"]
    # The meeting is shown beside the body, in the page's metadata: the body is as stored.
    assert publication.body_html == STORED_BODY


def test_reading_version_2_fills_in_the_new_fields_and_keeps_the_status() -> None:
    stored = {
        "schema_version": 2,
        "title": "Update",
        "sections": [
            {
                "heading": "Recommendation 1",
                "recommendations": [
                    {"number": 1, "status": "complete", "status_label": "Complete"}
                ],
            }
        ],
    }
    before = copy.deepcopy(stored)

    read = snapshot_read(stored)

    assert read["schema_version"] == 4
    assert read["reports_on_meeting"] is None
    assert read["forces"] == read["meetings_held"] == []
    assert read["sections"][0]["recommendations"] == [
        {
            "number": 1,
            "status": "complete",
            "status_label": "Complete",
            "confidence": "",
            "confidence_label": "",
            "status_reason": "",
            "addressed_to": [],
            "due_by": None,
        }
    ]
    assert stored == before


def test_reading_version_3_fills_in_addressees_due_dates_and_plan_addresses() -> None:
    stored = {
        "schema_version": 3,
        "title": "Update",
        "sections": [{"heading": "Recommendation 1", "recommendations": [{"number": 1}]}],
        "forces": [{"slug": "gwent", "name": "Gwent Police"}],
    }
    before = copy.deepcopy(stored)

    read = snapshot_read(stored)

    assert read["schema_version"] == 4
    assert read["sections"][0]["recommendations"] == [
        {"number": 1, "addressed_to": [], "due_by": None}
    ]
    assert read["forces"] == [{"slug": "gwent", "name": "Gwent Police", "plan_url": ""}]
    assert stored == before


def _without_v4(content):
    """`content` without version 4's recommendation keys, to compare with older versions."""
    content = copy.deepcopy(content)
    for section in content.get("sections", []):
        for rec in section["recommendations"]:
            rec.pop("addressed_to", None)
            rec.pop("due_by", None)
    return content


def test_older_versions_read_with_no_forces_and_no_meetings() -> None:
    for stored in (STORED_CONTENT, {"schema_version": 2, "title": "Update", "sections": []}):
        read = snapshot_read(stored)

        assert (read["forces"], read["meetings_held"]) == ([], [])


def test_reading_version_1_upgrades_it_in_memory_only() -> None:
    stored = {"schema": 1, "title": "Update", "sections": []}
    before = copy.deepcopy(stored)

    read = snapshot_read(stored)

    assert read == {
        "schema_version": SCHEMA_VERSION,
        "title": "Update",
        "sections": [],
        "forces": [],
        "meetings_held": [],
        "reports_on_meeting": None,
    }
    assert stored == before


def test_a_snapshot_without_a_version_is_version_1() -> None:
    assert snapshot_read({"title": "Update"})["schema_version"] == SCHEMA_VERSION


def test_a_snapshot_from_a_newer_service_is_refused_not_misread() -> None:
    with pytest.raises(UnknownSnapshotVersion):
        snapshot_read({"schema_version": SCHEMA_VERSION + 1})


def test_a_later_version_fills_in_its_new_fields_for_every_older_one(monkeypatch) -> None:
    """How the next version will read old publications: upgrade steps in turn, with defaults."""

    def add_meeting(content: dict) -> dict:
        return {**content, "schema_version": SCHEMA_VERSION + 1, "meeting_reported_on": None}

    current_sections = snapshot_read(STORED_CONTENT)["sections"]
    monkeypatch.setattr(snapshot_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(snapshot_module._UPGRADES, SCHEMA_VERSION, add_meeting)

    read = snapshot_read(STORED_CONTENT)

    assert read["schema_version"] == SCHEMA_VERSION + 1
    assert read["meeting_reported_on"] is None
    assert read["sections"] == current_sections
    assert STORED_CONTENT["schema"] == 1


def test_edition_snapshot_is_the_current_version(db) -> None:
    content = edition_snapshot(ReadyToPublishQuarterlyUpdateFactory())

    assert content["schema_version"] == SCHEMA_VERSION
    assert set(content) == set(snapshot_module.Snapshot.__annotations__)
