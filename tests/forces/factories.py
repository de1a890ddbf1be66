import datetime

import factory

from forces import models
from tests.recommendations.factories import AreaFactory


class ForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Force
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Shire {n} Constabulary")
    slug = factory.Sequence(lambda n: f"shire-{n}-constabulary")
    nation = models.Force.Nation.ENGLAND


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ActionPlan

    force = factory.SubFactory(ForceFactory)
    version = 1
    status = models.ActionPlan.Status.DRAFT


class ProvidedActionPlanFactory(ActionPlanFactory):
    status = models.ActionPlan.Status.PROVIDED
    provided_on = factory.Faker("date_between", start_date="-1y", end_date="today")


class PlanActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PlanAction

    plan = factory.SubFactory(ActionPlanFactory)
    area = factory.SubFactory(AreaFactory)
    description = factory.Sequence(lambda n: f"Action {n}: train call handlers in risk assessment")
    position = factory.Sequence(lambda n: n)


class PlanReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PlanReview

    plan = factory.SubFactory(ActionPlanFactory)
    reviewer = factory.SubFactory("tests.oversight.factories.UserFactory")
    status = models.PlanReview.Status.DRAFT
    assessment = models.PlanReview.Assessment.PARTLY_MEETS
    comments = "No date for training call handlers in risk assessment."


class SubmittedPlanReviewFactory(PlanReviewFactory):
    status = models.PlanReview.Status.SUBMITTED
    assessment = models.PlanReview.Assessment.MEETS
    submitted_at = factory.Faker("date_time_this_year", tzinfo=datetime.UTC)
