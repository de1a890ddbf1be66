"""The recommendations' admin: the status follows the published editions, never a hand edit."""

import pytest
from django.urls import reverse

from tests.recommendations.factories import RecommendationFactory

pytestmark = pytest.mark.django_db


def test_the_status_cannot_be_edited_by_hand(secretariat_client) -> None:
    recommendation = RecommendationFactory(number=5, status="in_progress")
    url = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    page = secretariat_client.get(url)
    assert "status" not in page.context["adminform"].form.fields

    response = secretariat_client.post(
        url,
        {
            "_record_fingerprint": page.context["record_fingerprint"],
            "number": 5,
            "title": "Changed title",
            "text": recommendation.text,
            "status": "complete",
        },
    )

    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.title, recommendation.status) == ("Changed title", "in_progress")
