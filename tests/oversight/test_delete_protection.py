"""Deleting what a publication, a review or other records rely on is refused, with the reason."""

import pytest
from django.urls import reverse

from forces.models import Force
from oversight.models import Organisation
from recommendations.models import Recommendation
from tests.forces.factories import ActionPlanFactory, SubmittedPlanReviewFactory
from tests.oversight.factories import MemberFactory, OrganisationFactory
from tests.reports.factories import ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def _delete(client, obj) -> object:
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    return client.post(url, {"post": "yes"}, follow=True)


def test_a_recommendation_with_bullets_is_not_deleted(secretariat_client) -> None:
    bullet = ProgressUpdateFactory()

    response = _delete(secretariat_client, bullet.recommendation)

    assert response.status_code == 200
    assert "protected related objects" in response.content.decode()
    assert Recommendation.objects.filter(pk=bullet.recommendation_id).exists()


def test_a_force_with_plans_with_reviews_is_not_deleted(secretariat_client) -> None:
    review = SubmittedPlanReviewFactory(plan=ActionPlanFactory())
    force = review.plan.force

    response = _delete(secretariat_client, force)

    assert response.status_code == 200
    assert str(review.plan) in response.content.decode()
    assert Force.objects.filter(pk=force.pk).exists()


def test_an_organisation_with_members_is_not_deleted(secretariat_client) -> None:
    member = MemberFactory(name="Jo Bloggs", organisation=OrganisationFactory(name="Women's Aid"))

    response = _delete(secretariat_client, member.organisation)

    assert response.status_code == 200
    assert "Jo Bloggs" in response.content.decode()
    assert Organisation.objects.filter(pk=member.organisation_id).exists()


def test_delete_selected_with_a_protected_choice_deletes_nothing(secretariat_client) -> None:
    kept = MemberFactory(organisation=OrganisationFactory(name="Women's Aid")).organisation
    free = OrganisationFactory(name="Nobody's")
    url = reverse("admin:oversight_organisation_changelist")

    response = secretariat_client.post(
        url,
        {"action": "delete_selected", "_selected_action": [kept.pk, free.pk], "post": "yes"},
        follow=True,
    )

    assert response.status_code == 200
    assert Organisation.objects.filter(pk__in=[kept.pk, free.pk]).count() == 2


def test_a_refusal_raised_while_deleting_is_an_admin_message(
    secretariat_client, monkeypatch
) -> None:
    """What the collector cannot see (a database rule) still ends in a message, not a 500."""
    from django.db import IntegrityError

    organisation = OrganisationFactory(name="Refused")

    def refuse(*args, **kwargs):
        raise IntegrityError("refused by a trigger")

    monkeypatch.setattr(Organisation, "delete", refuse)
    response = _delete(secretariat_client, organisation)

    assert response.status_code == 200
    assert "It could not be deleted" in response.content.decode()
    assert Organisation.objects.filter(pk=organisation.pk).exists()
