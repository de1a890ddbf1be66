"""History: who changed what, the values before and after, and restoring a draft bullet."""

import pytest
from django.urls import reverse

from oversight.models import Member
from recommendations.models import Recommendation
from reports.models import ProgressUpdate
from tests.oversight.factories import MemberFactory
from tests.recommendations.factories import RecommendationFactory
from tests.reports.factories import ProgressUpdateFactory, PublishedQuarterlyUpdateFactory

pytestmark = pytest.mark.django_db


def _change_recommendation(client, recommendation: Recommendation, title: str) -> None:
    url = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    response = client.post(
        url,
        {
            "number": recommendation.number,
            "title": title,
            "text": recommendation.text,
            "status": recommendation.status,
        },
    )
    assert response.status_code == 302


def test_an_admin_change_is_recorded_with_who_and_the_values(
    secretariat_client, secretariat_user
) -> None:
    recommendation = RecommendationFactory(number=5, title="Before the change")

    _change_recommendation(secretariat_client, recommendation, "After the change")

    latest = recommendation.history.latest()
    assert latest.history_user == secretariat_user
    assert latest.title == "After the change"
    assert latest.prev_record.title == "Before the change"


def test_the_history_page_shows_values_before_and_after(secretariat_client) -> None:
    recommendation = RecommendationFactory(number=5, title="Before the change")
    _change_recommendation(secretariat_client, recommendation, "After the change")

    url = reverse("admin:recommendations_recommendation_history", args=[recommendation.pk])
    response = secretariat_client.get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Before the change" in page
    assert "After the change" in page
    assert "secretariat-staff" in page


@pytest.mark.parametrize(
    "model_label",
    [
        "recommendations.Recommendation",
        "reports.QuarterlyUpdate",
        "reports.ProgressUpdate",
        "oversight.Meeting",
        "oversight.MeetingAction",
        "oversight.Member",
        "forces.Force",
        "forces.ActionPlan",
    ],
)
def test_the_records_issue_10_names_have_history(model_label) -> None:
    from django.apps import apps

    from oversight.admin_base import has_history

    assert has_history(apps.get_model(model_label))


def _restore(client, bullet: ProgressUpdate, version) -> object:
    url = reverse("admin:reports_progressupdate_simple_history", args=[bullet.pk, version.pk])
    return client.post(
        url,
        {
            "edition": version.edition_id,
            "recommendation": version.recommendation_id,
            "parent": "",
            "position": version.position,
            "source": version.source,
            "text": version.text,
        },
    )


def test_a_draft_bullet_is_restored_to_an_earlier_version(secretariat_client) -> None:
    bullet = ProgressUpdateFactory(text="The first wording.")
    first = bullet.history.latest()
    bullet.text = "A worse wording."
    bullet.save()

    response = _restore(secretariat_client, bullet, first)

    assert response.status_code == 302
    bullet.refresh_from_db()
    assert bullet.text == "The first wording."
    assert bullet.history.latest().history_type == "~"


def test_a_published_editions_bullet_cannot_be_restored(secretariat_client) -> None:
    bullet = ProgressUpdateFactory(
        text="The first wording.", edition=PublishedQuarterlyUpdateFactory()
    )
    first = bullet.history.latest()
    ProgressUpdate.objects.filter(pk=bullet.pk).update(text="As published.")

    response = _restore(secretariat_client, bullet, first)

    assert response.status_code == 302
    bullet.refresh_from_db()
    assert bullet.text == "As published."


def test_a_member_cannot_open_or_post_a_revert(member_client) -> None:
    member = MemberFactory(name="Jo Bloggs")
    version = member.history.latest()
    url = reverse("admin:oversight_member_simple_history", args=[member.pk, version.pk])

    assert member_client.get(url).status_code == 302
    assert member_client.post(url, {"name": "Changed"}).status_code == 302
    assert Member.objects.get(pk=member.pk).name == "Jo Bloggs"
