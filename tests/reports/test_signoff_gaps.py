"""The last gaps of the sign-off cycle: what may be marked ready, what the approver reads, and
what the PDF says about each recommendation's status."""

import datetime
import io
import itertools
import re

import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from reports.models import QuarterlyUpdate
from reports.pdf import publication_pdf_render
from reports.services import SignOffRefused, edition_mark_ready
from tests.oversight.factories import HeldMeetingFactory
from tests.recommendations.factories import RecommendationFactory
from tests.reports.factories import (
    ProgressUpdateFactory,
    QuarterlyUpdateFactory,
    ReadyToPublishQuarterlyUpdateFactory,
    SectionStatusFactory,
)
from tests.reports.publishing import publish_for_test

pytestmark = pytest.mark.django_db


def test_an_edition_with_problems_cannot_be_marked_ready(secretariat_user) -> None:
    draft = ReadyToPublishQuarterlyUpdateFactory(foreword="")

    with pytest.raises(SignOffRefused, match="Write the foreword"):
        edition_mark_ready(edition=draft, marked_by=secretariat_user)

    draft.refresh_from_db()
    assert draft.signoff_status == QuarterlyUpdate.SignOff.DRAFT
    assert not draft.signoff_steps.exists()


def test_marking_ready_through_the_admin_says_what_to_fix(secretariat_client) -> None:
    draft = ReadyToPublishQuarterlyUpdateFactory(signatory_name="")

    response = secretariat_client.post(
        reverse("admin:reports_quarterlyupdate_ready", args=[draft.pk]), follow=True
    )

    assert "cannot be marked ready for sign-off yet" in response.content.decode()
    assert "Enter who signs the foreword" in response.content.decode()
    draft.refresh_from_db()
    assert draft.signoff_status == QuarterlyUpdate.SignOff.DRAFT


@pytest.fixture
def ready(secretariat_user) -> QuarterlyUpdate:
    return edition_mark_ready(
        edition=ReadyToPublishQuarterlyUpdateFactory(), marked_by=secretariat_user
    )


def test_the_signoff_page_has_one_h1_and_an_unbroken_outline(
    ready, chairs_office_client: Client
) -> None:
    response = chairs_office_client.get(
        reverse("admin:reports_quarterlyupdate_signoff", args=[ready.pk])
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert html.count("<h1") == 1
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", html)]
    assert all(later - earlier <= 1 for earlier, later in itertools.pairwise(levels))
    assert ready.title in html  # the edition's own title, now a lower heading


def test_the_chairs_office_previews_the_edition_it_approves(
    ready, chairs_office_client: Client
) -> None:
    signoff = chairs_office_client.get(
        reverse("admin:reports_quarterlyupdate_signoff", args=[ready.pk])
    )
    preview_url = reverse("reports:edition-preview", kwargs={"slug": ready.slug})

    preview = chairs_office_client.get(preview_url)

    assert f'href="{preview_url}"' in signoff.content.decode()
    assert preview.status_code == 200
    assert ready.title in preview.content.decode()
    assert "Comment on this draft" not in preview.content.decode()  # comments are the members'


def test_the_pdf_shows_confidence_reason_and_the_meeting() -> None:
    recommendation = RecommendationFactory(number=1)
    meeting = HeldMeetingFactory(date=datetime.date(2015, 2, 24))
    edition = QuarterlyUpdateFactory(period=datetime.date(2015, 3, 1), reports_on_meeting=meeting)
    ProgressUpdateFactory(edition=edition, recommendation=recommendation)
    SectionStatusFactory(
        edition=edition,
        recommendation=recommendation,
        status="in_progress",
        confidence="at_risk",
        reason="Two forces have not yet sent their plans.",
    )
    publication = publish_for_test(edition)

    reader = pypdf.PdfReader(io.BytesIO(publication_pdf_render(publication)))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)

    assert "Status: In progress, at risk" in text
    assert "Two forces have not yet sent their plans." in text
    assert "Reports on: the group's meeting of 24 February 2015" in text
