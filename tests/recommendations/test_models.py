"""HMIC's recommendations and the working-group areas."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from recommendations.models import Recommendation
from tests.recommendations.factories import AreaFactory, RecommendationFactory
from tests.reports.factories import ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def test_recommendation_str() -> None:
    recommendation = RecommendationFactory(number=4, title="Force action plans")

    assert str(recommendation) == "Recommendation 4: Force action plans"


def test_recommendation_numbers_are_unique() -> None:
    RecommendationFactory(number=4)

    with pytest.raises(IntegrityError), transaction.atomic():
        # create(), not the factory: the factory would fetch the existing one.
        Recommendation.objects.create(number=4, title="Again", text="Again.")


def test_recommendation_numbers_start_at_one() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        RecommendationFactory(number=0)


def test_a_recommendation_is_not_reported_with_itself_in_the_database() -> None:
    recommendation = RecommendationFactory()
    recommendation.reported_with = recommendation

    with pytest.raises(IntegrityError), transaction.atomic():
        recommendation.save()


def test_a_recommendation_is_not_reported_with_itself() -> None:
    recommendation = RecommendationFactory()
    recommendation.reported_with = recommendation

    with pytest.raises(ValidationError, match="cannot be reported with itself"):
        recommendation.full_clean()


def test_a_recommendation_is_not_reported_with_one_reported_with_another() -> None:
    two = RecommendationFactory(number=2)
    three = RecommendationFactory(number=3, reported_with=two)
    four = RecommendationFactory.build(number=4, reported_with=three)

    with pytest.raises(ValidationError, match="Recommendation 3 is itself reported with another"):
        four.full_clean()


def test_a_recommendation_may_be_reported_with_a_leading_one() -> None:
    two = RecommendationFactory(number=2)

    RecommendationFactory.build(number=3, reported_with=two).full_clean()
    RecommendationFactory(number=3, reported_with=two).full_clean()


def test_leading_sections_leave_out_those_reported_with_another() -> None:
    one = RecommendationFactory(number=1)
    two = RecommendationFactory(number=2)
    RecommendationFactory(number=3, reported_with=two)

    assert list(Recommendation.objects.leading_sections()) == [one, two]


def test_a_recommendation_with_progress_bullets_cannot_be_deleted() -> None:
    bullet = ProgressUpdateFactory()

    with pytest.raises(ProtectedError):
        bullet.recommendation.delete()


def test_a_recommendation_reported_with_by_another_cannot_be_deleted() -> None:
    two = RecommendationFactory(number=2)
    RecommendationFactory(number=3, reported_with=two)

    with pytest.raises(ProtectedError):
        two.delete()


def test_area_str() -> None:
    assert str(AreaFactory(name="Risk Assessment")) == "Risk Assessment"
