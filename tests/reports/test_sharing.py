"""Sharing a draft with the group for comment, members' comments per section, and that the
comments never reach the public."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from reports.models import SectionComment
from tests.reports.factories import (
    ReadyToPublishQuarterlyUpdateFactory,
    SectionCommentFactory,
    SharedQuarterlyUpdateFactory,
)
from tests.reports.publishing import publish_for_test

pytestmark = pytest.mark.django_db


def admin_url(view: str, edition) -> str:
    return reverse(f"admin:reports_quarterlyupdate_{view}", args=[edition.pk])


def preview_url(edition) -> str:
    return reverse("reports:edition-preview", kwargs={"slug": edition.slug})


def comment_url(edition) -> str:
    return reverse("reports:edition-comment", kwargs={"slug": edition.slug})


def test_members_read_a_draft_only_while_it_is_shared(
    secretariat_client, secretariat_user, member_client
) -> None:
    draft = ReadyToPublishQuarterlyUpdateFactory()
    assert member_client.get(preview_url(draft)).status_code == 404

    response = secretariat_client.post(admin_url("share", draft))

    assert response["Location"] == admin_url("change", draft)
    draft.refresh_from_db()
    assert draft.shared_by == secretariat_user and draft.shared_at is not None
    assert draft.history.first().shared_by == secretariat_user  # recorded, who and when
    assert member_client.get(preview_url(draft)).status_code == 200
    assert (
        "Stop sharing with the group"
        in secretariat_client.get(admin_url("change", draft)).content.decode()
    )

    secretariat_client.post(admin_url("unshare", draft))

    draft.refresh_from_db()
    assert draft.shared_at is None and draft.shared_by is None
    assert member_client.get(preview_url(draft)).status_code == 404
    assert secretariat_client.get(preview_url(draft)).status_code == 200


def test_a_published_edition_cannot_be_shared(secretariat_client) -> None:
    edition = ReadyToPublishQuarterlyUpdateFactory()
    publish_for_test(edition)

    assert secretariat_client.post(admin_url("share", edition)).status_code == 403
    edition.refresh_from_db()
    assert edition.shared_at is None


def test_publishing_ends_the_sharing() -> None:
    edition = SharedQuarterlyUpdateFactory()

    publish_for_test(edition)

    edition.refresh_from_db()
    assert edition.shared_at is None


def test_a_member_comments_on_a_section(member_client, member_user) -> None:
    draft = SharedQuarterlyUpdateFactory()
    section = draft.bullets.get().recommendation
    page = member_client.get(preview_url(draft)).content.decode()
    assert "Comment on this draft" in page
    assert f'<option value="{section.number}">Recommendation {section.number}</option>' in page

    response = member_client.post(
        comment_url(draft), {"section": section.number, "text": "  Check the date.  "}
    )

    assert response["Location"] == preview_url(draft) + "#comments"
    [comment] = SectionComment.objects.all()
    assert (comment.author, comment.recommendation, comment.text) == (
        member_user,
        section,
        "Check the date.",
    )
    [message] = get_messages(response.wsgi_request)
    assert "sent to the secretariat" in str(message)
    assert "Check the date." in member_client.get(preview_url(draft)).content.decode()


def test_a_wrong_comment_shows_the_error_summary_and_keeps_the_text(member_client) -> None:
    draft = SharedQuarterlyUpdateFactory()

    response = member_client.post(comment_url(draft), {"section": "", "text": "Kept text."})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_section">Choose the section your comment is about.</a>' in page
    assert "Kept text.</textarea>" in page
    assert page.count("<title>Error: ") == 1
    assert not SectionComment.objects.exists()


def test_comments_are_the_members_not_the_secretariats(secretariat_client) -> None:
    draft = SharedQuarterlyUpdateFactory()
    number = draft.bullets.get().recommendation.number

    response = secretariat_client.post(comment_url(draft), {"section": number, "text": "Hi"})

    assert response.status_code == 403
    assert (
        "Comment on this draft" not in secretariat_client.get(preview_url(draft)).content.decode()
    )


def test_comments_are_never_published(anonymous_client, member_user) -> None:
    draft = SharedQuarterlyUpdateFactory()
    SectionCommentFactory(
        edition=draft,
        recommendation=draft.bullets.get().recommendation,
        author=member_user,
        text="A private comment for the secretariat.",
    )

    publication = publish_for_test(draft)

    assert "A private comment" not in str(publication.content)
    assert "A private comment" not in publication.body_html
    page = anonymous_client.get(draft.get_absolute_url()).content.decode()
    assert "A private comment" not in page


def test_the_members_dashboard_links_to_the_shared_draft(member_client, secretariat_client):
    draft = ReadyToPublishQuarterlyUpdateFactory()
    assert "Draft update" not in member_client.get("/members/").content.decode()

    secretariat_client.post(admin_url("share", draft))

    page = member_client.get("/members/").content.decode()
    assert f'href="{preview_url(draft)}"' in page
