"""The Atom feed of published editions: valid Atom, newest first, drafts never in it."""

import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command

from recommendations.models import Recommendation
from reports.services import edition_correction_start
from tests.oversight.factories import StaffUserFactory
from tests.reports.factories import ProgressUpdateFactory, QuarterlyUpdateFactory
from tests.reports.publishing import publish_for_test

ATOM = "{http://www.w3.org/2005/Atom}"

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded_2014(db):
    call_command("load_hmic_2014", stdout=open("/dev/null", "w"))  # noqa: SIM115


def feed(client) -> ET.Element:
    response = client.get("/updates/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own feed


def test_the_feed_is_atom_with_every_required_element(loaded_2014, anonymous_client):
    root = feed(anonymous_client)

    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}").text
    [entry] = root.findall(f"{ATOM}entry")
    assert (
        entry.find(f"{ATOM}title").text == "National Oversight Group Update Report: December 2014"
    )
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver/updates/2014-12/"
    assert entry.find(f"{ATOM}id").text
    assert entry.find(f"{ATOM}updated").text == "2014-12-01T00:00:00+00:00"
    assert entry.find(f"{ATOM}published").text == "2014-12-01T00:00:00+00:00"


def test_drafts_stay_out_and_corrections_say_what_changed(loaded_2014, anonymous_client):
    draft = QuarterlyUpdateFactory(slug="2015-03", period="2015-03-01")
    ProgressUpdateFactory(
        edition=draft, recommendation=Recommendation.objects.get(number=4), text="Draft bullet."
    )
    edition = draft.__class__.objects.get(slug="2014-12")
    edition_correction_start(edition=edition, started_by=StaffUserFactory())
    publish_for_test(edition, by=None, change_note="Corrected a date.")

    entries = feed(anonymous_client).findall(f"{ATOM}entry")

    assert [entry.find(f"{ATOM}link").get("href") for entry in entries] == [
        "http://testserver/updates/2014-12/"
    ]
    assert entries[0].find(f"{ATOM}summary").text == "Updated: Corrected a date."
