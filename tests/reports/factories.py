import datetime

import factory
from django.utils import timezone

from reports import models
from tests.oversight.factories import OrganisationFactory
from tests.recommendations.factories import RecommendationFactory


class QuarterlyUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.QuarterlyUpdate

    period = factory.Sequence(lambda n: datetime.date(2015 + n // 4, 3 * (n % 4) + 3, 1))
    slug = factory.LazyAttribute(lambda update: update.period.strftime("%Y-%m"))
    publisher = factory.SubFactory(OrganisationFactory, name="Home Office")
    foreword = "Domestic abuse destroys lives.\n\nThis update captures the progress made."
    signatory_name = "The Rt Hon Theresa May MP"
    signatory_role = "Home Secretary"


class PublishedQuarterlyUpdateFactory(QuarterlyUpdateFactory):
    status = models.QuarterlyUpdate.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProgressUpdate

    edition = factory.SubFactory(QuarterlyUpdateFactory)
    recommendation = factory.SubFactory(RecommendationFactory)
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Progress bullet {n}.")
