import datetime

import factory
from django.utils.text import slugify

from forces import models
from oversight.seed import hmic_2014
from recommendations.models import Area
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


def working_group_areas() -> list[Area]:
    """The five seeded working-group areas (made if this test has none)."""
    for position, name in enumerate(hmic_2014.AREAS, start=1):
        AreaFactory(name=name, slug=slugify(name), position=position)
    return list(Area.objects.all())


class PlanReviewFactory(factory.django.DjangoModelFactory):
    """A draft, half done: an overall judgement and some strengths, no area rated yet."""

    class Meta:
        model = models.PlanReview

    plan = factory.SubFactory(ActionPlanFactory)
    reviewer = factory.SubFactory("tests.oversight.factories.UserFactory")
    status = models.PlanReview.Status.DRAFT
    overall_judgement = models.PlanReview.Judgement.REQUIRES_IMPROVEMENT
    strengths = "Every call handler trained in DASH by March."
    gaps = "No date for training call handlers in risk assessment."


class AreaRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AreaRating

    review = factory.SubFactory(PlanReviewFactory)
    area = factory.SubFactory(AreaFactory)
    rating = models.PlanReview.Rating.PARTLY
    comment = "DASH training planned, no date for refreshers."


class SubmittedPlanReviewFactory(PlanReviewFactory):
    """A complete, submitted review: every working-group area rated (the five seeded ones are
    made if the test has no areas), leadership, judgement, strengths, gaps and advice."""

    class Meta:
        # The ratings are rows of their own: the review needs no second save.
        skip_postgeneration_save = True

    status = models.PlanReview.Status.SUBMITTED
    overall_judgement = models.PlanReview.Judgement.GOOD
    leadership_rating = models.PlanReview.Rating.FULLY
    leadership_comment = "A chief officer leads, with a date for each action."
    advice = "Set a date for the risk assessment training."
    submitted_at = factory.Faker("date_time_this_year", tzinfo=datetime.UTC)

    @factory.post_generation
    def area_ratings(review, create: bool, ratings: dict | None, **kwargs) -> None:
        """`area_ratings={area: "fully"}` sets some ratings; the others are "partly"."""
        if not create:
            return
        ratings = ratings or {}
        for area in Area.objects.all() or working_group_areas():
            AreaRatingFactory(
                review=review, area=area, rating=ratings.get(area, models.PlanReview.Rating.PARTLY)
            )


class ReviewReopeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ReviewReopening

    review = factory.SubFactory(SubmittedPlanReviewFactory)
    reopened_by = factory.SubFactory("tests.oversight.factories.StaffUserFactory")
    reason = "Please rate Risk Assessment again."
