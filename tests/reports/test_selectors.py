"""Reads of what is published: each edition's current revision, never a draft's records."""

import datetime

import pytest

from reports.selectors import (
    current_publication,
    latest_publication,
    previous_publication,
    publication_revisions,
    published_listing,
)
from tests.reports.factories import (
    PublicationFactory,
    PublishedQuarterlyUpdateFactory,
    QuarterlyUpdateFactory,
)

pytestmark = pytest.mark.django_db


def edition_published(period: datetime.date, revisions: int = 1):
    edition = PublishedQuarterlyUpdateFactory(period=period, slug=period.strftime("%Y-%m"))
    return [PublicationFactory(edition=edition, revision=n) for n in range(1, revisions + 1)]


def test_the_current_publication_is_the_latest_revision() -> None:
    _, corrected = edition_published(datetime.date(2015, 3, 1), revisions=2)

    assert current_publication("2015-03") == corrected
    assert [pub.revision for pub in publication_revisions("2015-03")] == [2, 1]


def test_a_draft_has_no_publication() -> None:
    QuarterlyUpdateFactory(period=datetime.date(2015, 3, 1), slug="2015-03")

    assert current_publication("2015-03") is None
    assert publication_revisions("2015-03") == []


def test_the_previous_publication_skips_drafts_and_earlier_revisions() -> None:
    _, december = edition_published(datetime.date(2014, 12, 1), revisions=2)
    QuarterlyUpdateFactory(period=datetime.date(2015, 1, 1), slug="2015-01")
    [march] = edition_published(datetime.date(2015, 3, 1))

    assert previous_publication(march.edition) == december
    assert previous_publication(december.edition) is None


def test_the_listing_is_each_editions_current_revision_newest_first() -> None:
    _, december = edition_published(datetime.date(2014, 12, 1), revisions=2)
    [march] = edition_published(datetime.date(2015, 3, 1))
    QuarterlyUpdateFactory(period=datetime.date(2015, 6, 1), slug="2015-06")

    listing = list(published_listing())

    assert listing == [march, december]
    assert listing[0].title == "National Oversight Group Update Report"
    assert listing[0].period_label == "March 2015"
    assert latest_publication() == march
