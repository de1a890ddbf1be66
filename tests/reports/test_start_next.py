"""Starting the next quarter's update from an edition: one draft, carried over as asked."""

import datetime
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse

from reports.models import ProgressUpdate, QuarterlyUpdate
from reports.services import SignOffRefused, edition_start_next
from reports.snapshot import edition_snapshot
from tests.oversight.factories import StaffUserFactory
from tests.recommendations.factories import RecommendationFactory
from tests.reports.factories import (
    ProgressUpdateFactory,
    PublishedQuarterlyUpdateFactory,
    QuarterlyUpdateFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def december(db) -> QuarterlyUpdate:
    """December 2014, published, with two sections: a bullet with two sub-points, a list."""
    edition = PublishedQuarterlyUpdateFactory(
        period=datetime.date(2014, 12, 1),
        slug="2014-12",
        foreword_heading="Home Secretary Foreword",
        signature_description="Signed by the Home Secretary.",
    )
    first, second = RecommendationFactory(number=1), RecommendationFactory(number=2)
    bullet = ProgressUpdateFactory(edition=edition, recommendation=first, position=1, text="Met.")
    ProgressUpdateFactory(
        edition=edition, recommendation=first, parent=bullet, position=1, text="A."
    )
    ProgressUpdateFactory(
        edition=edition, recommendation=first, parent=bullet, position=2, text="B."
    )
    ProgressUpdateFactory(
        edition=edition,
        recommendation=second,
        position=1,
        source=ProgressUpdate.Source.MEMBER_LIST,
        text="",
    )
    return edition


def url(view: str, edition: QuarterlyUpdate) -> str:
    return reverse(f"admin:reports_quarterlyupdate_{view}", args=[edition.pk])


def bullets_of(edition: QuarterlyUpdate) -> list[tuple]:
    return [
        (b.recommendation.number, b.parent.text if b.parent else None, b.position, b.source, b.text)
        for b in edition.bullets.select_related("recommendation", "parent").order_by(
            "recommendation__number", "parent_id", "position"
        )
    ]


def test_after_december_2014_comes_march_2015(december, secretariat_user) -> None:
    march = edition_start_next(
        edition=december, started_by=secretariat_user, carry_over_bullets=False
    )

    assert (march.period, march.slug) == (datetime.date(2015, 3, 1), "2015-03")
    assert march.status == QuarterlyUpdate.Status.DRAFT
    assert march.signoff_status == QuarterlyUpdate.SignOff.DRAFT
    carried = ("title", "series", "publisher_id", "foreword_heading", "signature_description",
               "signatory_name", "signatory_role")  # fmt: skip
    assert [getattr(march, name) for name in carried] == [
        getattr(december, name) for name in carried
    ]
    assert march.foreword == ""
    assert not march.bullets.exists()
    # Every section is there, because sections come from the recommendations.
    assert [s["heading"] for s in edition_snapshot(march)["sections"]] == [
        "Recommendation 1",
        "Recommendation 2",
    ]


def test_the_bullets_are_copied_when_asked(december, secretariat_user) -> None:
    march = edition_start_next(
        edition=december, started_by=secretariat_user, carry_over_bullets=True
    )

    assert bullets_of(march) == bullets_of(december)
    assert not set(march.bullets.values_list("pk", flat=True)) & set(
        december.bullets.values_list("pk", flat=True)
    )
    assert december.bullets.count() == 4  # the published edition is untouched


def test_the_year_turns_over(secretariat_user) -> None:
    october = QuarterlyUpdateFactory(period=datetime.date(2015, 10, 1), slug="2015-10")

    january = edition_start_next(
        edition=october, started_by=secretariat_user, carry_over_bullets=False
    )

    assert january.slug == "2016-01"


def test_running_it_twice_makes_one_draft(december, secretariat_user) -> None:
    first = edition_start_next(
        edition=december, started_by=secretariat_user, carry_over_bullets=True
    )
    ProgressUpdate.objects.filter(edition=first).update(text="Edited in March.")

    again = edition_start_next(
        edition=december, started_by=secretariat_user, carry_over_bullets=True
    )

    assert again == first
    assert QuarterlyUpdate.objects.filter(slug="2015-03").count() == 1
    assert first.bullets.count() == 4  # not copied twice, and the edits kept
    assert set(first.bullets.values_list("text", flat=True)) == {"Edited in March."}


def test_only_who_may_add_editions_can_start_one(december, chairs_office_user) -> None:
    with pytest.raises(SignOffRefused, match="permission"):
        edition_start_next(edition=december, started_by=chairs_office_user, carry_over_bullets=True)

    assert not QuarterlyUpdate.objects.filter(slug="2015-03").exists()


# SQLite's in-memory test database, shared by the threads, refuses a read of a table another
# connection is writing rather than waiting for it: only PostgreSQL's locks can be shown here.
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_two_starts_at_once_make_one_draft(december, secretariat_user) -> None:
    """Two requests in their own connections: the lock on the edition makes the second wait."""
    results, errors = [], []

    def start() -> None:
        try:
            results.append(
                edition_start_next(
                    edition=december, started_by=secretariat_user, carry_over_bullets=True
                ).pk
            )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(results)) == 1
    assert QuarterlyUpdate.objects.filter(slug="2015-03").count() == 1
    assert QuarterlyUpdate.objects.get(slug="2015-03").bullets.count() == 4


# ---- Through the admin: an action on the list, a question, then the draft ----


def test_the_action_asks_then_starts_the_draft(secretariat_client, december) -> None:
    response = secretariat_client.post(
        reverse("admin:reports_quarterlyupdate_changelist"),
        {"action": "start_next_update", "_selected_action": [december.pk]},
    )
    assert response["Location"] == url("start_next", december)

    page = secretariat_client.get(url("start_next", december))
    assert page.status_code == 200
    assert "Start the March 2015 update" in page.content.decode()

    response = secretariat_client.post(url("start_next", december), {"carry_over_bullets": "yes"})

    march = QuarterlyUpdate.objects.get(slug="2015-03")
    assert response["Location"] == url("change", march)
    assert march.bullets.count() == 4


def test_the_question_must_be_answered(secretariat_client, december) -> None:
    response = secretariat_client.post(url("start_next", december), {})

    assert response.status_code == 200
    assert response.context["errors"] == [
        (
            "Choose whether to copy this edition's bullets into the new draft.",
            "#id_carry_over_bullets_0",
        )
    ]
    assert "Error: " in response.content.decode()
    assert not QuarterlyUpdate.objects.filter(slug="2015-03").exists()


def test_starting_again_points_to_the_existing_draft(secretariat_client, december) -> None:
    secretariat_client.post(url("start_next", december), {"carry_over_bullets": "no"})
    march = QuarterlyUpdate.objects.get(slug="2015-03")

    response = secretariat_client.post(url("start_next", december), {"carry_over_bullets": "yes"})

    assert response["Location"] == url("change", march)
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == (
        f"{march} is already started: here it is. Nothing new was made."
    )
    assert not march.bullets.exists()


def test_the_action_needs_exactly_one_edition(secretariat_client, december) -> None:
    other = QuarterlyUpdateFactory()

    response = secretariat_client.post(
        reverse("admin:reports_quarterlyupdate_changelist"),
        {"action": "start_next_update", "_selected_action": [december.pk, other.pk]},
        follow=True,
    )

    assert "Choose one edition to start the next update from." in response.content.decode()
    assert QuarterlyUpdate.objects.count() == 2


def test_who_cannot_start_the_next_update(chairs_office_client, december) -> None:
    assert chairs_office_client.get(url("start_next", december)).status_code == 403
    assert (
        chairs_office_client.post(
            url("start_next", december), {"carry_over_bullets": "no"}
        ).status_code
        == 403
    )
    assert not QuarterlyUpdate.objects.filter(slug="2015-03").exists()


def test_staff_without_the_add_permission_cannot(client, december) -> None:
    client.force_login(StaffUserFactory(username="just-staff"))

    assert client.get(url("start_next", december)).status_code == 403
