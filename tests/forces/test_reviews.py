"""Group members' reviews of force action plans: the model, the services and the pages.

A member only ever sees and changes their own review; a submitted review is frozen.
"""

import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forces.models import ActionPlan, PlanReview
from forces.services import action_plan_add_version, plan_review_save
from forces.templatetags.forces import REVIEW_STATUS_COLOURS
from tests.forces.factories import (
    ActionPlanFactory,
    ForceFactory,
    PlanActionFactory,
    PlanReviewFactory,
    SubmittedPlanReviewFactory,
)
from tests.oversight.factories import UserFactory

pytestmark = pytest.mark.django_db

MEETS = PlanReview.Assessment.MEETS
PARTLY = PlanReview.Assessment.PARTLY_MEETS


@pytest.fixture
def plan() -> ActionPlan:
    plan = ActionPlanFactory(
        force=ForceFactory(name="Gwent Police", slug="gwent-police"),
        summary="Training for every call handler.",
    )
    PlanActionFactory(plan=plan, description="Train all call handlers in DASH")
    return plan


def review_url(plan: ActionPlan) -> str:
    return reverse("forces:plan-review", kwargs={"pk": plan.pk})


LIST_URL = "/forces/plans/"


# ---- Model ----


def test_one_review_per_plan_and_reviewer(plan, member_user):
    PlanReviewFactory(plan=plan, reviewer=member_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanReviewFactory(plan=plan, reviewer=member_user)


def test_submitted_review_needs_a_date(plan, member_user):
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanReviewFactory(
            plan=plan, reviewer=member_user, status=PlanReview.Status.SUBMITTED, submitted_at=None
        )


def test_submitted_review_needs_an_assessment(plan, member_user):
    review = PlanReviewFactory.build(
        plan=plan,
        reviewer=member_user,
        status=PlanReview.Status.SUBMITTED,
        submitted_at=timezone.now(),
        assessment="",
    )
    with pytest.raises(ValidationError, match="needs an assessment"):
        review.full_clean()


def test_str(plan, member_user):
    review = PlanReviewFactory(plan=plan, reviewer=member_user)
    assert str(review) == "Review of Gwent Police action plan, version 1 by group-member"


# ---- The service: `plan_review_save` holds every rule ----


def save(plan, reviewer, assessment="", comments="", submit=False) -> PlanReview:
    return plan_review_save(
        plan=plan, reviewer=reviewer, assessment=assessment, comments=comments, submit=submit
    )


def test_save_creates_a_draft(plan, member_user):
    review = save(plan, member_user, PARTLY, "Thin")
    assert (review.status, review.assessment, review.comments) == ("draft", PARTLY, "Thin")
    assert review.submitted_at is None


def test_save_updates_the_same_draft(plan, member_user):
    first = save(plan, member_user, "", "Thin")
    second = save(plan, member_user, MEETS, "Good")
    assert first.pk == second.pk
    assert PlanReview.objects.get().assessment == MEETS


def test_save_refuses_a_submitted_review(plan, member_user):
    SubmittedPlanReviewFactory(plan=plan, reviewer=member_user, comments="Final")
    with pytest.raises(ValidationError, match="already submitted"):
        save(plan, member_user, PARTLY, "Changed")
    assert PlanReview.objects.get().comments == "Final"


def test_save_refuses_comments_over_10000_characters(plan, member_user):
    with pytest.raises(ValidationError):
        save(plan, member_user, "", "x" * 10_001)
    assert not PlanReview.objects.exists()


def test_submit_saves_and_submits_at_once(plan, member_user, caplog):
    with caplog.at_level(logging.INFO, logger="forces.services"):
        review = save(plan, member_user, MEETS, "Good", submit=True)
    review.refresh_from_db()
    assert (review.status, review.assessment, review.comments) == ("submitted", MEETS, "Good")
    assert review.submitted_at is not None
    assert f"event=plan_review_submitted review={review.pk}" in caplog.text


def test_submit_a_saved_draft(plan, member_user):
    draft = PlanReviewFactory(plan=plan, reviewer=member_user, assessment="", comments="Thin")
    review = save(plan, member_user, PARTLY, "Thin", submit=True)
    assert review.pk == draft.pk
    assert PlanReview.objects.get().status == PlanReview.Status.SUBMITTED


def test_submit_refuses_a_second_submit(plan, member_user):
    review = SubmittedPlanReviewFactory(plan=plan, reviewer=member_user)
    submitted_at = review.submitted_at
    with pytest.raises(ValidationError, match="already submitted"):
        save(plan, member_user, MEETS, "Again", submit=True)
    review.refresh_from_db()
    assert review.submitted_at == submitted_at


def test_submit_needs_an_assessment_and_saves_nothing(plan, member_user):
    with pytest.raises(ValidationError, match="Select whether") as refused:
        save(plan, member_user, "", "Kept words", submit=True)
    assert list(refused.value.message_dict) == ["assessment"]
    assert not PlanReview.objects.exists()


def test_a_failed_submit_leaves_the_draft_as_it_was(plan, member_user):
    PlanReviewFactory(plan=plan, reviewer=member_user, assessment=PARTLY, comments="Draft")
    with pytest.raises(ValidationError):
        save(plan, member_user, MEETS, "x" * 10_001, submit=True)
    review = PlanReview.objects.get()
    assert (review.status, review.assessment, review.comments) == ("draft", PARTLY, "Draft")


def test_saving_never_touches_another_members_review(plan, member_user, other_member):
    theirs = SubmittedPlanReviewFactory(plan=plan, reviewer=member_user, comments="Theirs")
    mine = save(plan, other_member, PARTLY, "Mine")
    assert mine.pk != theirs.pk
    theirs.refresh_from_db()
    assert theirs.comments == "Theirs"


def test_someone_who_may_not_review_is_refused(plan):
    outsider = UserFactory(username="outsider")
    with pytest.raises(PermissionDenied):
        save(plan, outsider, MEETS, "Sneaky")
    assert not PlanReview.objects.exists()


def test_a_deactivated_reviewer_cannot_change_their_draft(plan, member_user):
    PlanReviewFactory(plan=plan, reviewer=member_user, comments="Draft")
    member_user.is_active = False
    member_user.save()
    with pytest.raises(PermissionDenied):
        save(plan, member_user, MEETS, "Late", submit=True)
    assert PlanReview.objects.get().comments == "Draft"


# ---- Who may use the pages ----


@pytest.mark.parametrize("url", [LIST_URL, "review"])
def test_anonymous_is_sent_to_sign_in(anonymous_client, plan, url):
    url = review_url(plan) if url == "review" else url
    response = anonymous_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=")


@pytest.mark.parametrize("persona", ["member_client", "secretariat_client"])
def test_members_and_secretariat_may_review(request, plan, persona):
    client = request.getfixturevalue(persona)
    assert client.get(LIST_URL).status_code == 200
    response = client.get(review_url(plan))
    assert response.status_code == 200
    assert b"Train all call handlers in DASH" in response.content


def test_signed_in_outsider_is_refused(plan):
    client = Client()
    client.force_login(UserFactory(username="outsider"))
    assert client.get(LIST_URL).status_code == 403
    assert client.get(review_url(plan)).status_code == 403
    assert client.post(review_url(plan), {"action": "save"}).status_code == 403
    assert not PlanReview.objects.exists()


def test_deactivated_member_is_sent_away(member_client, member_user, plan):
    member_user.is_active = False
    member_user.save()
    for response in (
        member_client.get(LIST_URL),
        member_client.get(review_url(plan)),
        member_client.post(review_url(plan), {"action": "save", "comments": "Late"}),
    ):
        assert response.status_code in (302, 403)
    assert not PlanReview.objects.exists()


def test_unknown_plan_is_404(member_client):
    assert member_client.get("/forces/plans/999999/review/").status_code == 404


# ---- Reviewing ----


def test_member_saves_a_draft_then_submits(member_client, member_user, plan):
    response = member_client.post(
        review_url(plan), {"assessment": PARTLY, "comments": "Thin", "action": "save"}
    )
    assert response.status_code == 302
    assert response["Location"] == review_url(plan)
    page = member_client.get(review_url(plan)).content.decode()
    assert "Your draft has been saved" in page
    assert 'value="partly_meets" checked' in page
    assert "Thin</textarea>" in page

    response = member_client.post(
        review_url(plan), {"assessment": MEETS, "comments": "Good", "action": "submit"}
    )
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    review = PlanReview.objects.get()
    assert (review.reviewer, review.status, review.assessment) == (member_user, "submitted", MEETS)
    assert "Submitted" in member_client.get(LIST_URL).content.decode()


def test_submitted_review_is_read_only(member_client, member_user, plan):
    SubmittedPlanReviewFactory(plan=plan, reviewer=member_user, comments="Final words")
    page = member_client.get(review_url(plan)).content.decode()
    assert "It can no longer be changed" in page
    assert "<textarea" not in page
    response = member_client.post(
        review_url(plan), {"assessment": PARTLY, "comments": "Changed", "action": "save"}
    )
    assert response.status_code == 200
    assert "You have already submitted your review of this plan" in response.content.decode()
    assert PlanReview.objects.get().comments == "Final words"


def test_another_member_never_sees_or_changes_the_first_members_draft(
    member_user, other_member, other_member_client, plan
):
    draft = PlanReviewFactory(
        plan=plan, reviewer=member_user, assessment=PARTLY, comments="Secret first thoughts"
    )
    page = other_member_client.get(review_url(plan)).content.decode()
    assert "Secret first thoughts" not in page
    assert " checked" not in page
    assert "Not started" in page
    assert "Not started" in other_member_client.get(LIST_URL).content.decode()

    response = other_member_client.post(
        review_url(plan), {"assessment": MEETS, "comments": "Mine", "action": "submit"}
    )
    assert response.status_code == 302
    theirs = PlanReview.objects.get(reviewer=other_member)
    assert (theirs.status, theirs.comments) == ("submitted", "Mine")
    draft.refresh_from_db()
    assert (draft.status, draft.assessment, draft.comments) == (
        "draft",
        PARTLY,
        "Secret first thoughts",
    )


def test_submit_without_assessment_shows_error_and_keeps_comments(member_client, plan):
    response = member_client.post(review_url(plan), {"comments": "Kept words", "action": "submit"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert '<a href="#id_assessment">Select whether the plan meets the expectation</a>' in page
    assert "<title>Error: " in page
    assert "Kept words</textarea>" in page
    assert not PlanReview.objects.exists()


def test_invalid_assessment_is_an_error_not_a_500(member_client, plan):
    response = member_client.post(
        review_url(plan), {"assessment": "brilliant", "comments": "Kept", "action": "save"}
    )
    assert response.status_code == 200
    assert "Select whether the plan meets the expectation" in response.content.decode()
    assert not PlanReview.objects.exists()


def test_missing_action_is_an_error(member_client, plan):
    response = member_client.post(review_url(plan), {"comments": "Kept"})
    assert response.status_code == 200
    assert "Save draft” or “Submit review”" in response.content.decode()
    assert not PlanReview.objects.exists()


def test_10000_character_comments_are_accepted(member_client, plan):
    response = member_client.post(review_url(plan), {"comments": "x" * 10_000, "action": "save"})
    assert response.status_code == 302
    assert len(PlanReview.objects.get().comments) == 10_000


def test_longer_comments_get_a_clear_error_and_are_kept(member_client, plan):
    response = member_client.post(review_url(plan), {"comments": "x" * 10_001, "action": "save"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Comments must be 10,000 characters or fewer (you have 10,001)" in page
    assert "x" * 10_001 + "</textarea>" in page
    assert not PlanReview.objects.exists()


def test_script_in_comments_is_escaped(member_client, member_user, plan):
    attack = "<script>alert('x')</script>"
    member_client.post(review_url(plan), {"comments": attack, "action": "save"})
    page = member_client.get(review_url(plan)).content.decode()
    assert attack not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


# ---- Query counts: the same however many plans there are ----


@pytest.mark.parametrize("plan_count", [3, 12])
def test_plan_list_query_count(member_client, member_user, django_assert_num_queries, plan_count):
    plans = ActionPlanFactory.create_batch(plan_count)
    # A newer version supersedes the first force's plan.
    action_plan_add_version(plan=ActionPlanFactory.build(force=plans[0].force, version=2))
    PlanReviewFactory(plan=plans[1], reviewer=member_user)
    # 1. the session, 2. the signed-in user with their member record, 3. and 4. the user's
    # permissions (their own, their groups'), 5. each force's current plan, with its force and
    # the member's own review status.
    with django_assert_num_queries(5):
        response = member_client.get(LIST_URL)
    assert len(response.context["plans"]) == plan_count


# ---- The secretariat's admin: submitted reviews only, read-only ----


def test_secretariat_reads_submitted_reviews_but_never_a_members_draft(
    secretariat_client, plan, member_user
):
    draft = PlanReviewFactory(plan=plan, reviewer=member_user, comments="Draft words")
    SubmittedPlanReviewFactory(plan=plan, reviewer=UserFactory(username="second-member"))

    response = secretariat_client.get("/admin/forces/planreview/")

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert b"Draft words" not in response.content
    assert secretariat_client.get("/admin/forces/planreview/add/").status_code == 403
    draft_page = secretariat_client.get(f"/admin/forces/planreview/{draft.pk}/change/")
    assert draft_page.status_code == 302
    secretariat_client.post(f"/admin/forces/planreview/{draft.pk}/delete/", {"post": "yes"})
    assert PlanReview.objects.filter(pk=draft.pk).exists()


def test_submitted_review_is_read_only_in_the_admin(secretariat_client, plan, member_user):
    review = SubmittedPlanReviewFactory(plan=plan, reviewer=member_user, comments="Final")
    url = f"/admin/forces/planreview/{review.pk}/change/"
    assert secretariat_client.get(url).status_code == 200
    assert secretariat_client.post(url, {"comments": "Edited"}).status_code == 403
    assert (
        secretariat_client.post(f"/admin/forces/planreview/{review.pk}/delete/").status_code == 403
    )
    review.refresh_from_db()
    assert review.comments == "Final"


# ---- The status tag: words from `PlanReview.Status`, one colour each ----


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (PlanReview.Status.DRAFT, '<strong class="govuk-tag govuk-tag--yellow">Draft</strong>'),
        (
            PlanReview.Status.SUBMITTED,
            '<strong class="govuk-tag govuk-tag--green">Submitted</strong>',
        ),
        (None, '<strong class="govuk-tag govuk-tag--grey">Not started</strong>'),
    ],
)
def test_review_status_tag(status, expected):
    rendered = Template("{% load forces %}{% review_status_tag status %}").render(
        Context({"status": status})
    )
    assert rendered == expected
    if status:
        assert PlanReview.Status(status).label in rendered


def test_every_review_status_has_a_tag_colour():
    assert set(REVIEW_STATUS_COLOURS) == set(PlanReview.Status)
