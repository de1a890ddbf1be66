"""The secretariat's page for one section of an edition: statuses, bullets, members' comments."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import ProgressUpdate, SectionStatus
from tests.oversight.factories import StaffUserFactory
from tests.recommendations.factories import RecommendationFactory
from tests.reports.factories import (
    ProgressUpdateFactory,
    QuarterlyUpdateFactory,
    SectionCommentFactory,
    SectionStatusFactory,
)
from tests.reports.publishing import publish_for_test

pytestmark = pytest.mark.django_db


def section_url(edition, number: int) -> str:
    return reverse("admin:reports_quarterlyupdate_section", args=[edition.pk, number])


@pytest.fixture
def section(db):
    """Recommendations 2 and 3, reported together, in a draft with two bullets and a sub-point."""
    lead = RecommendationFactory(number=2, title="Force action plans")
    RecommendationFactory(number=3, title="Leadership priority", reported_with=lead)
    edition = QuarterlyUpdateFactory()
    first = ProgressUpdateFactory(edition=edition, recommendation=lead, position=1, text="First.")
    second = ProgressUpdateFactory(edition=edition, recommendation=lead, position=2, text="Second.")
    sub = ProgressUpdateFactory(
        edition=edition, recommendation=lead, parent=second, position=1, text="Under second."
    )
    return edition, lead, first, second, sub


def form_data(page) -> dict[str, str]:
    """What the browser would send from the page as it is: every field's current value."""

    class Fields(HTMLParser):
        def __init__(self):
            super().__init__()
            self.data: dict[str, str] = {}
            self._select = self._textarea = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "input" and attrs.get("name"):
                if attrs.get("type") in ("radio", "checkbox"):
                    if "checked" in attrs:
                        self.data[attrs["name"]] = attrs.get("value", "on")
                elif attrs.get("type") != "submit":
                    self.data[attrs["name"]] = attrs.get("value", "")
            elif tag == "select":
                self._select = attrs["name"]
                self.data.setdefault(self._select, "")
            elif tag == "option" and self._select and "selected" in attrs:
                self.data[self._select] = attrs["value"]
            elif tag == "textarea":
                self._textarea = attrs["name"]
                self.data[self._textarea] = ""

        def handle_endtag(self, tag):
            if tag == "select":
                self._select = None
            elif tag == "textarea":
                self._textarea = None

        def handle_data(self, data):
            if self._textarea:
                self.data[self._textarea] += data.removeprefix("\n")

    parser = Fields()
    form = page[page.index('<form method="post" id="section-form"') :]
    parser.feed(form[: form.index("</form>")])
    return parser.data


def test_every_field_is_labelled_with_its_section_and_position(secretariat_client, section):
    edition, _lead, _first, _second, _sub = section

    page = secretariat_client.get(section_url(edition, 2)).content.decode()

    labels = re.findall(r'<label class="govuk-label" for="([^"]+)">(.*?)</label>', page)
    by_id = {field_id: re.sub(r"<[^>]+>", "", text) for field_id, text in labels}
    assert by_id["id_bullets-0-position"] == "Recommendation 2, bullet 1: Position"
    assert by_id["id_bullets-1-text"] == "Recommendation 2, bullet 2: Text"
    assert by_id["id_bullets-2-parent"] == "Recommendation 2, bullet 2, sub-point 1: Sub-point of"
    assert by_id["id_bullets-3-source"] == "Recommendation 2, new bullet 1: Source"
    assert by_id["id_status-3-reason"] == "Recommendation 3: Reason (one line)"
    # Every field the page names in aria-describedby is on the page.
    for described_by in re.findall(r'aria-describedby="([^"]+)"', page):
        for hint_id in described_by.split():
            assert f'id="{hint_id}"' in page
    # Every input, select and textarea of the form has a label (radios and checkboxes too).
    form = page[page.index('id="section-form"') : page.index("</form>")]
    for field_id in re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', form):
        assert f'for="{field_id}"' in page, field_id


def test_saving_the_section_sets_statuses_and_reorders_bullets(secretariat_client, section):
    edition, lead, first, second, _sub = section
    data = form_data(secretariat_client.get(section_url(edition, 2)).content.decode())
    data.update(
        {
            "status-2-status": "in_progress",
            "status-2-confidence": "at_risk",
            "status-2-reason": "  Two forces have not   sent plans. ",
            "status-3-status": "complete",
            # The two bullets swap places; a new one is added under the first.
            "bullets-0-position": "2",
            "bullets-1-position": "1",
            "bullets-3-position": "1",
            "bullets-3-parent": str(first.pk),
            "bullets-3-text": "New sub-point.",
        }
    )

    response = secretariat_client.post(section_url(edition, 2), data)

    assert response.status_code == 302, response.context["problems"]
    assert response["Location"] == section_url(edition, 2)
    statuses = {
        row.recommendation.number: (row.status, row.confidence, row.reason)
        for row in SectionStatus.objects.filter(edition=edition)
    }
    assert statuses == {
        2: ("in_progress", "at_risk", "Two forces have not sent plans."),
        3: ("complete", "", ""),
    }
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.position, second.position) == (2, 1)
    new = ProgressUpdate.objects.get(text="New sub-point.")
    assert (new.parent, new.recommendation, new.edition) == (first, lead, edition)


def test_deleting_a_bullet_takes_its_sub_points(secretariat_client, section):
    edition, _lead, _first, _second, _sub = section
    data = form_data(secretariat_client.get(section_url(edition, 2)).content.decode())
    data["bullets-1-DELETE"] = "on"

    assert secretariat_client.post(section_url(edition, 2), data).status_code == 302

    assert list(edition.bullets.values_list("text", flat=True)) == ["First."]


def test_a_sub_point_can_hang_only_off_a_top_level_bullet_of_the_same_section(
    secretariat_client, section
):
    edition, _lead, first, second, _sub = section
    ProgressUpdateFactory(text="Another edition's bullet.")

    response = secretariat_client.get(section_url(edition, 2))

    page = response.content.decode()
    choices = re.findall(r'<option value="(\d+)"', page[page.index('id="id_bullets-0-parent"') :])
    assert set(choices) <= {str(first.pk), str(second.pk)}
    assert {str(first.pk), str(second.pk)} <= set(choices)


def test_a_wrong_save_keeps_what_was_typed_and_lists_each_error(secretariat_client, section):
    edition, _lead, first, _second, _sub = section
    data = form_data(secretariat_client.get(section_url(edition, 2)).content.decode())
    data.update(
        {
            "status-2-confidence": "off_track",
            "status-2-reason": "",
            "bullets-0-text": "Rewritten first bullet, not to be lost.",
            "bullets-1-position": "1",  # the same as the first
        }
    )

    response = secretariat_client.post(section_url(edition, 2), data)

    assert response.status_code == 200
    assert response.context["problems"] == [
        (
            "Recommendation 2: Say in one line why it is at risk or off track: the public reads it.",
            "#id_status-2-reason",
        ),
        (
            "Recommendation 2, bullet 2: Another bullet in this section has this position.",
            "#id_bullets-1-position",
        ),
    ]
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Rewritten first bullet, not to be lost.</textarea>" in page
    assert not SectionStatus.objects.exists()
    first.refresh_from_db()
    assert first.text == "First."


def test_a_save_from_a_page_opened_before_someone_elses_is_refused(section):
    edition, _lead, first, _second, _sub = section
    alice, bob = Client(), Client()
    for client, name in ((alice, "alice"), (bob, "bob")):
        user = StaffUserFactory(username=name, first_name=name.title(), is_superuser=True)
        client.force_login(user)
    alice_page = form_data(alice.get(section_url(edition, 2)).content.decode())
    bob_page = form_data(bob.get(section_url(edition, 2)).content.decode())
    response = alice.post(
        section_url(edition, 2), {**alice_page, "bullets-0-text": "Alice wrote this."}
    )
    assert response.status_code == 302

    response = bob.post(section_url(edition, 2), {**bob_page, "bullets-0-text": "Bob wrote this."})

    assert response.status_code == 200
    [(message, _)] = response.context["problems"]
    assert message.startswith(
        "Alice changed this section after you opened it (changed: its bullets, its statuses)"
    )
    assert "Bob wrote this.</textarea>" in response.content.decode()
    first.refresh_from_db()
    assert first.text == "Alice wrote this."
    # Saving again from the page shown, deliberately, replaces Alice's words.
    again = form_data(response.content.decode())
    assert bob.post(section_url(edition, 2), again).status_code == 302
    first.refresh_from_db()
    assert first.text == "Bob wrote this."


def test_the_members_comments_are_beside_the_section(secretariat_client, section, member_user):
    edition, lead, *_ = section
    SectionCommentFactory(
        edition=edition, recommendation=lead, author=member_user, text="Check the plan count."
    )
    other_section = RecommendationFactory(number=4)
    SectionCommentFactory(edition=edition, recommendation=other_section, text="Not this one.")

    page = secretariat_client.get(section_url(edition, 2)).content.decode()

    assert "Check the plan count." in page
    assert "Not this one." not in page


def test_a_recommendation_reported_with_another_goes_to_that_section(secretariat_client, section):
    edition, *_ = section

    response = secretariat_client.get(section_url(edition, 3))

    assert response["Location"] == section_url(edition, 2)
    assert secretariat_client.get(section_url(edition, 99)).status_code == 404


def test_a_published_editions_sections_are_frozen(secretariat_client, section):
    edition, _lead, first, *_ = section
    publish_for_test(edition, warnings_accepted=True)
    change_url = reverse("admin:reports_quarterlyupdate_change", args=[edition.pk])

    assert secretariat_client.get(section_url(edition, 2))["Location"] == change_url
    response = secretariat_client.post(section_url(edition, 2), {"bullets-0-text": "Changed"})
    assert response["Location"] == change_url
    first.refresh_from_db()
    assert first.text == "First."


def test_staff_who_may_not_change_editions_are_refused(section):
    edition, *_ = section
    client = Client()
    client.force_login(StaffUserFactory(username="staff-without-permissions"))

    assert client.get(section_url(edition, 2)).status_code == 403


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("bullets", "more_sections"), [(3, 0), (30, 60)])
def test_the_section_page_and_the_change_page_make_the_same_queries_at_any_size(
    secretariat_client, section, bullets, more_sections
):
    edition, lead, _first, *_ = section
    for position in range(3, bullets + 1):
        ProgressUpdateFactory(edition=edition, recommendation=lead, position=position)
        SectionCommentFactory(edition=edition, recommendation=lead)
    SectionStatusFactory(edition=edition, recommendation=lead)
    for number in range(4, 4 + more_sections):
        recommendation = RecommendationFactory(number=number)
        SectionStatusFactory(edition=edition, recommendation=recommendation)
        ProgressUpdateFactory(edition=edition, recommendation=recommendation)

    # The session, the user, the permission check (user and group permissions), the edition;
    # the recommendation asked for; the section's recommendations, statuses, bullets, comments
    # with their authors; the sections before and after it; the previous published edition's
    # statuses.
    assert _queries(secretariat_client, section_url(edition, 2)) == 12
    change_url = reverse("admin:reports_quarterlyupdate_change", args=[edition.pk])
    # The same five to the edition, then a page of sections: how many there are, the page's
    # leads, their recommendations, statuses, bullets and comment counts; the change form's
    # own: the edition again, whether it is published, its publisher, the meetings to choose
    # from, the sign-off steps.
    assert _queries(secretariat_client, change_url) == 16


def test_the_change_page_lists_the_sections_a_page_at_a_time(secretariat_client, section):
    edition, *_ = section
    for number in range(4, 34):  # with 2 (and 3), 31 sections
        RecommendationFactory(number=number, title=f"Recommendation number {number}")
    change_url = reverse("admin:reports_quarterlyupdate_change", args=[edition.pk])

    first = secretariat_client.get(change_url).content.decode()
    assert "Sections 1 to 25 of 31 (page 1 of 2)." in first
    assert "Edit Recommendations 2 and 3" in first and "Edit Recommendation 27<" in first
    assert "Edit Recommendation 28<" not in first
    assert 'href="?sections=2#sections" rel="next"' in first and 'rel="prev"' not in first

    second = secretariat_client.get(f"{change_url}?sections=2").content.decode()
    assert "Sections 26 to 31 of 31 (page 2 of 2)." in second
    assert "Edit Recommendation 28<" in second and "Edit Recommendation 33<" in second
    assert "Edit Recommendation 27<" not in second
    assert 'href="?sections=1#sections" rel="prev"' in second
    # A page past the end, or not a number, shows the nearest one: never an error.
    assert "page 2 of 2" in secretariat_client.get(f"{change_url}?sections=99").content.decode()
    assert "page 1 of 2" in secretariat_client.get(f"{change_url}?sections=x").content.decode()


def test_each_section_page_links_to_the_sections_either_side(secretariat_client, section):
    edition, *_ = section
    RecommendationFactory(number=1)
    four = RecommendationFactory(number=4)
    RecommendationFactory(number=5, reported_with=four)

    page = secretariat_client.get(section_url(edition, 2)).content.decode()

    assert f'href="{section_url(edition, 1)}">Previous: Recommendation 1<' in page
    assert f'href="{section_url(edition, 4)}">Next: Recommendations 4 and 5<' in page
    last = secretariat_client.get(section_url(edition, 4)).content.decode()
    assert "Previous: Recommendations 2 and 3<" in last and "Next:" not in last
