import factory

from recommendations import models


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Recommendation
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda rec: f"Recommendation title {rec.number}")
    text = "The College of Policing should review **training** on domestic abuse."
    status = models.Recommendation.Status.IN_PROGRESS


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Area
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.Sequence(lambda n: f"area-{n}")
    position = factory.Sequence(lambda n: n)
