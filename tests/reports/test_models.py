"""Quarterly update editions and their progress bullets."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from reports.models import ProgressUpdate, QuarterlyUpdate
from tests.reports.factories import (
    ProgressUpdateFactory,
    PublishedQuarterlyUpdateFactory,
    QuarterlyUpdateFactory,
)

pytestmark = pytest.mark.django_db


def test_quarterly_update_str() -> None:
    update = QuarterlyUpdateFactory(period=datetime.date(2014, 12, 1))

    assert str(update) == "National Oversight Group Update Report, December 2014"
    assert update.period_label == "December 2014"


def test_foreword_paragraphs() -> None:
    update = QuarterlyUpdateFactory.build(foreword="First.\n\n  Second.\n\n\n\nThird.\n")

    assert update.foreword_paragraphs == ["First.", "Second.", "Third."]


def test_a_published_update_needs_its_publication_time() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        PublishedQuarterlyUpdateFactory(published_at=None)


def test_a_draft_has_no_publication_time() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterlyUpdateFactory(published_at=timezone.now())


def test_a_published_update_without_its_time_is_a_validation_error() -> None:
    update = PublishedQuarterlyUpdateFactory.build(published_at=None)

    with pytest.raises(ValidationError, match="A published update needs its publication time"):
        update.full_clean()


def test_published_leaves_out_drafts() -> None:
    published = PublishedQuarterlyUpdateFactory()
    QuarterlyUpdateFactory()

    assert list(QuarterlyUpdate.objects.published()) == [published]
    assert published.is_published


def test_a_correction_in_progress_is_editable_and_a_published_edition_frozen() -> None:
    published = PublishedQuarterlyUpdateFactory()
    correcting = PublishedQuarterlyUpdateFactory(status=QuarterlyUpdate.Status.CORRECTING)
    draft = QuarterlyUpdateFactory()

    assert set(QuarterlyUpdate.objects.editable()) == {correcting, draft}
    assert list(QuarterlyUpdate.objects.frozen()) == [published]
    assert [e.is_editable for e in (published, correcting, draft)] == [False, True, True]


def test_a_written_bullet_needs_text() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdateFactory(text="")


def test_a_generated_list_needs_no_text() -> None:
    bullet = ProgressUpdateFactory(text="", source=ProgressUpdate.Source.MEMBER_LIST)

    assert str(bullet) == "List of the group's members"


def test_written_bullet_str_is_its_text_cut_short() -> None:
    bullet = ProgressUpdateFactory(text="All 43 forces have provided action plans. " * 3)

    assert str(bullet) == bullet.text[:80]


def test_two_bullets_in_a_section_cannot_share_a_position() -> None:
    bullet = ProgressUpdateFactory(position=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdateFactory(
            edition=bullet.edition, recommendation=bullet.recommendation, position=1
        )


def test_bullets_in_different_sections_may_share_a_position() -> None:
    bullet = ProgressUpdateFactory(position=1)

    ProgressUpdateFactory(edition=bullet.edition, position=1).full_clean()


def test_two_sub_points_of_a_bullet_cannot_share_a_position() -> None:
    bullet = ProgressUpdateFactory(position=1)
    sub_point = {"edition": bullet.edition, "recommendation": bullet.recommendation}
    ProgressUpdateFactory(parent=bullet, position=1, **sub_point)

    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdateFactory(parent=bullet, position=1, **sub_point)


def test_a_sub_point_may_share_its_parents_position() -> None:
    bullet = ProgressUpdateFactory(position=1)

    ProgressUpdateFactory(
        parent=bullet, edition=bullet.edition, recommendation=bullet.recommendation, position=1
    ).full_clean()


def test_deleting_an_edition_deletes_its_bullets() -> None:
    bullet = ProgressUpdateFactory()
    ProgressUpdateFactory(parent=bullet, edition=bullet.edition)

    bullet.edition.delete()

    assert not ProgressUpdate.objects.exists()
