import datetime

import factory
from django.utils import timezone

from recommendations.models import Recommendation
from reports import models
from reports.services import edition_body_render
from reports.snapshot import edition_snapshot
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


class ReadyToPublishQuarterlyUpdateFactory(QuarterlyUpdateFactory):
    """A draft with progress for every section: nothing stops it being published.

    Makes one recommendation if there is none, so the edition has a section.
    """

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def progress(edition, create, extracted, **kwargs) -> None:
        if not create:
            return
        leads = list(Recommendation.objects.leading_sections()) or [RecommendationFactory()]
        for recommendation in leads:
            ProgressUpdateFactory(edition=edition, recommendation=recommendation)


class PublicationFactory(factory.django.DjangoModelFactory):
    """A publication of its edition's content now, as the publishing service would make it."""

    class Meta:
        model = models.Publication

    edition = factory.SubFactory(PublishedQuarterlyUpdateFactory)
    revision = 1
    published_at = factory.LazyAttribute(lambda publication: publication.edition.published_at)
    change_note = factory.LazyAttribute(
        lambda publication: "" if publication.revision == 1 else "Corrected a date."
    )
    content = factory.LazyAttribute(lambda publication: edition_snapshot(publication.edition))
    body_html = factory.LazyAttribute(lambda publication: edition_body_render(publication.content))


class PublicationPdfFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PublicationPdf

    publication = factory.SubFactory(PublicationFactory)
    content = b"%PDF-1.7 not a real PDF"


class SectionStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SectionStatus

    edition = factory.SubFactory(QuarterlyUpdateFactory)
    recommendation = factory.SubFactory(RecommendationFactory)
    status = Recommendation.Status.IN_PROGRESS


class SharedQuarterlyUpdateFactory(ReadyToPublishQuarterlyUpdateFactory):
    """A draft the secretariat has shared with the group for comment."""

    shared_at = factory.LazyFunction(timezone.now)


class SectionCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SectionComment

    edition = factory.SubFactory(SharedQuarterlyUpdateFactory)
    recommendation = factory.SubFactory(RecommendationFactory)
    author = factory.SubFactory("tests.oversight.factories.UserFactory")
    text = factory.Sequence(lambda n: f"Member's comment {n}: check the date of the meeting.")
