"""Two staff editing one record: the second, stale save is refused and the first survives."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from oversight.admin_base import FINGERPRINT_FIELD
from recommendations.models import Recommendation
from tests.oversight.factories import MeetingActionFactory, MeetingFactory, StaffUserFactory
from tests.recommendations.factories import RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(role_groups):
    def make(username: str, first_name: str) -> Client:
        user = StaffUserFactory(username=username, first_name=first_name, last_name="Staff")
        user.groups.add(role_groups["Secretariat"])
        client = Client()
        client.force_login(user)
        return client

    return make


def _opened(client: Client, url: str) -> dict[str, str]:
    """The change form as its user opened it: the values shown and its hidden fingerprint."""
    response = client.get(url)
    assert response.status_code == 200
    token = re.search(rf'name="{FINGERPRINT_FIELD}" value="([^"]+)"', response.content.decode())
    assert token, "the change form carries no fingerprint"
    return {FINGERPRINT_FIELD: token.group(1)}


def _recommendation_data(recommendation: Recommendation, **changes: str) -> dict[str, str]:
    data = {
        "number": str(recommendation.number),
        "title": recommendation.title,
        "text": recommendation.text,
        "status": recommendation.status,
        "due_by": "",
        "reported_with": "",
    }
    return {**data, **changes}


def test_a_stale_form_does_not_put_back_the_old_title(staff_client) -> None:
    """The reproduction in issue 10: A changes Recommendation 5's title; a form B had opened
    earlier saves its text (the status is read-only now: it comes from publishing). B's save is refused and the title stays A's."""
    recommendation = RecommendationFactory(number=5, title="Old title")
    url = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    alice, bob = staff_client("alice", "Alice"), staff_client("bob", "Bob")
    bob_opened = _opened(bob, url)
    alice_opened = _opened(alice, url)

    response = alice.post(
        url, {**alice_opened, **_recommendation_data(recommendation, title="Alice's title")}
    )
    assert response.status_code == 302

    response = bob.post(
        url, {**bob_opened, **_recommendation_data(recommendation, text="Bobs clearer text")}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Alice Staff changed this recommendation after you opened it" in page
    assert "changed: title" in page
    # What Bob typed is still in the form.
    assert "Bobs clearer text</textarea>" in page
    recommendation.refresh_from_db()
    assert recommendation.title == "Alice's title"
    assert recommendation.text != "Bobs clearer text"


def test_saving_again_after_the_refusal_is_a_deliberate_replace(staff_client) -> None:
    recommendation = RecommendationFactory(number=5, title="Old title")
    url = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    alice, bob = staff_client("alice", "Alice"), staff_client("bob", "Bob")
    bob_opened = _opened(bob, url)
    alice.post(url, {**_opened(alice, url), **_recommendation_data(recommendation, title="A")})
    refused = bob.post(url, {**bob_opened, **_recommendation_data(recommendation, title="B")})
    token = re.search(rf'name="{FINGERPRINT_FIELD}" value="([^"]+)"', refused.content.decode())

    response = bob.post(
        url, {FINGERPRINT_FIELD: token.group(1), **_recommendation_data(recommendation, title="B")}
    )

    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.title == "B"


def test_a_fresh_form_saves(staff_client) -> None:
    recommendation = RecommendationFactory(number=5)
    url = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    alice = staff_client("alice", "Alice")

    response = alice.post(
        url, {**_opened(alice, url), **_recommendation_data(recommendation, title="New")}
    )

    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.title == "New"


def test_a_tampered_fingerprint_is_refused(staff_client) -> None:
    recommendation = RecommendationFactory(number=5, title="Old title")
    url = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    alice = staff_client("alice", "Alice")

    response = alice.post(
        url, {FINGERPRINT_FIELD: "forged", **_recommendation_data(recommendation, title="New")}
    )

    assert response.status_code == 200
    assert "could not be checked against the saved recommendation" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.title == "Old title"


def _meeting_data(meeting, action, **changes: str) -> dict[str, str]:
    data = {
        "date": meeting.date.isoformat(),
        "date_precision": meeting.date_precision,
        "status": meeting.status,
        "focus": meeting.focus,
        "agenda": "",
        "decisions": "",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "1",
        "actions-0-id": str(action.pk),
        "actions-0-meeting": str(meeting.pk),
        "actions-0-what": action.what,
        "actions-0-owner_member": str(action.owner_member_id),
        "actions-0-owner_organisation": "",
        "actions-0-due_on": action.due_on.isoformat(),
        "papers-TOTAL_FORMS": "0",
        "papers-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


def test_a_change_to_an_inline_row_makes_the_form_stale(staff_client) -> None:
    meeting = MeetingFactory()
    action = MeetingActionFactory(meeting=meeting, what="Circulate the plan")
    url = reverse("admin:oversight_meeting_change", args=[meeting.pk])
    alice, bob = staff_client("alice", "Alice"), staff_client("bob", "Bob")
    bob_opened = _opened(bob, url)
    response = alice.post(
        url, {**_opened(alice, url), **_meeting_data(meeting, action, **{"actions-0-done": "on"})}
    )
    assert response.status_code == 302

    response = bob.post(url, {**bob_opened, **_meeting_data(meeting, action, focus="Bob's focus")})

    assert response.status_code == 200
    assert "its meeting actions" in response.content.decode()
    meeting.refresh_from_db()
    action.refresh_from_db()
    assert action.done
    assert meeting.focus != "Bob's focus"
