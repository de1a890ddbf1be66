"""Group members' reviews of force action plans: the model, the services and the pages.

A review rates each working-group area and leadership, then judges the plan overall. It is a
draft until its author submits it, blind to the others' until then, locked once submitted
(the secretariat may reopen it), and a save from a stale page is refused.
"""

import logging
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from forces.assignments import plan_moderation_record
from forces.models import ActionPlan, AreaRating, PlanReview, ReviewReopening
from forces.services import (
    STALE_MESSAGE,
    AreaAnswer,
    ReviewAnswers,
    action_plan_add_version,
    area_rating_key,
    plan_review_reopen,
    plan_review_save,
)
from forces.templatetags.forces import REVIEW_STATUS_COLOURS
from recommendations.models import Area
from tests.forces.factories import (
    ActionPlanFactory,
    AreaRatingFactory,
    ForceFactory,
    PlanActionFactory,
    PlanReviewFactory,
    SubmittedPlanReviewFactory,
    working_group_areas,
)
from tests.oversight.factories import UserFactory

pytestmark = pytest.mark.django_db

Rating, Judgement = PlanReview.Rating, PlanReview.Judgement
LIST_URL = "/forces/plans/"
SECRET = "Only my eyes should see this before I submit"


@pytest.fixture
def areas() -> list[Area]:
    return working_group_areas()


@pytest.fixture
def plan(areas) -> ActionPlan:
    plan = ActionPlanFactory(
        force=ForceFactory(name="Gwent Police", slug="gwent-police"),
        summary="Training for every call handler.",
    )
    PlanActionFactory(plan=plan, area=areas[2], description="Train all call handlers in DASH")
    return plan


def review_url(plan: ActionPlan) -> str:
    return reverse("forces:plan-review", kwargs={"pk": plan.pk})


def complete(areas, rating=Rating.PARTLY, **fields) -> ReviewAnswers:
    """Answers a submit accepts: every area rated, leadership, a judgement."""
    return ReviewAnswers(
        overall_judgement=fields.pop("overall_judgement", Judgement.GOOD),
        leadership_rating=fields.pop("leadership_rating", Rating.FULLY),
        areas={area.pk: AreaAnswer(rating, f"{area.name} notes") for area in areas},
        **fields,
    )


def save(plan, reviewer, answers=None, version=None, submit=False) -> PlanReview:
    if version is None:
        existing = PlanReview.objects.by(reviewer).filter(plan=plan).first()
        version = existing.version if existing else 0
    return plan_review_save(
        plan=plan,
        reviewer=reviewer,
        answers=answers or ReviewAnswers(),
        version=version,
        submit=submit,
    )


def form_data(areas, action="save", version=0, rating="partly", **fields) -> dict:
    """What the review form posts: every area rated `rating` (blank for none)."""
    data = {"action": action, "version": version}
    for area in areas:
        data[f"area-{area.slug}-rating"] = rating
        data[f"area-{area.slug}-comment"] = f"{area.name}: dates missing"
    data.update(
        {
            "leadership_rating": "fully",
            "leadership_comment": "A chief officer leads.",
            "overall_judgement": "good",
            "strengths": "Clear training plan.",
            "gaps": "No dates for refreshers.",
            "advice": "Set the dates.",
        }
    )
    data.update(fields)
    return data


# ---- Model: what the database refuses ----


def test_one_review_per_plan_and_reviewer(plan, member_user):
    PlanReviewFactory(plan=plan, reviewer=member_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanReviewFactory(plan=plan, reviewer=member_user)


@pytest.mark.parametrize(
    "missing", [{"submitted_at": None}, {"overall_judgement": ""}, {"leadership_rating": ""}]
)
def test_a_submitted_review_needs_a_date_judgement_and_leadership_rating(
    plan, member_user, missing
):
    with pytest.raises(IntegrityError), transaction.atomic():
        SubmittedPlanReviewFactory(plan=plan, reviewer=member_user, **missing)


def test_unknown_ratings_are_refused_by_the_database(plan, member_user, areas):
    review = PlanReviewFactory(plan=plan, reviewer=member_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaRating.objects.create(review=review, area=areas[0], rating="brilliant")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanReview.objects.filter(pk=review.pk).update(overall_judgement="superb")


def test_one_rating_per_review_and_area(plan, member_user, areas):
    review = PlanReviewFactory(plan=plan, reviewer=member_user)
    AreaRatingFactory(review=review, area=areas[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaRatingFactory(review=review, area=areas[0])


def test_a_reopening_needs_a_reason(plan, member_user, secretariat_user):
    review = SubmittedPlanReviewFactory(plan=plan, reviewer=member_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewReopening.objects.create(review=review, reopened_by=secretariat_user, reason="")


def test_the_submitted_factory_rates_every_area(plan, member_user, areas):
    review = SubmittedPlanReviewFactory(plan=plan, reviewer=member_user)
    assert {rating.area for rating in review.area_ratings.all()} == set(areas)
    assert all(rating.rating for rating in review.area_ratings.all())


def test_str(plan, member_user):
    review = PlanReviewFactory(plan=plan, reviewer=member_user)
    assert str(review) == "Review of Gwent Police action plan, version 1 by group-member"


# ---- The service: `plan_review_save` holds every rule ----


def test_save_creates_a_draft_with_its_area_ratings(plan, member_user, areas):
    answers = ReviewAnswers(
        strengths="Clear", areas={areas[0].pk: AreaAnswer(Rating.FULLY, "Good DASH")}
    )
    review = save(plan, member_user, answers)
    assert (review.status, review.version, review.strengths) == ("draft", 1, "Clear")
    assert review.submitted_at is None
    ratings = {r.area: (r.rating, r.comment) for r in review.area_ratings.all()}
    assert ratings[areas[0]] == (Rating.FULLY, "Good DASH")
    assert ratings[areas[1]] == ("", "")


def test_each_save_updates_the_same_draft_and_its_version(plan, member_user, areas):
    first = save(plan, member_user, ReviewAnswers(gaps="Thin"))
    second = save(plan, member_user, ReviewAnswers(gaps="Thinner"), version=1)
    assert first.pk == second.pk
    assert second.version == 2
    assert PlanReview.objects.get().gaps == "Thinner"
    assert AreaRating.objects.count() == len(areas)


def test_a_save_from_a_stale_page_is_refused_and_changes_nothing(plan, member_user):
    save(plan, member_user, ReviewAnswers(gaps="First tab"), version=0)
    save(plan, member_user, ReviewAnswers(gaps="Second tab"), version=1)
    with pytest.raises(ValidationError, match="changed since you opened it") as refused:
        save(plan, member_user, ReviewAnswers(gaps="First tab again"), version=1)
    assert refused.value.code == "stale_version"
    review = PlanReview.objects.get()
    assert (review.gaps, review.version) == ("Second tab", 2)


def test_two_tabs_starting_a_review_cannot_both_create_it(plan, member_user):
    save(plan, member_user, ReviewAnswers(gaps="Tab one"), version=0)
    with pytest.raises(ValidationError, match="changed since you opened it"):
        save(plan, member_user, ReviewAnswers(gaps="Tab two"), version=0)
    assert PlanReview.objects.get().gaps == "Tab one"


def test_submit_needs_every_area_leadership_and_judgement_and_saves_nothing(
    plan, member_user, areas
):
    answers = ReviewAnswers(
        strengths="Kept words", areas={areas[0].pk: AreaAnswer(Rating.FULLY, "")}
    )
    with pytest.raises(ValidationError) as refused:
        save(plan, member_user, answers, submit=True)
    assert set(refused.value.message_dict) == {
        *(area_rating_key(area) for area in areas[1:]),
        "leadership_rating",
        "overall_judgement",
    }
    assert refused.value.message_dict["area-risk-assessment-rating"] == [
        "Select how far the plan addresses Risk Assessment"
    ]
    assert not PlanReview.objects.exists()


def test_submit_a_complete_review(plan, member_user, areas, caplog):
    with caplog.at_level(logging.INFO, logger="forces.services"):
        review = save(plan, member_user, complete(areas, strengths="Good"), submit=True)
    review.refresh_from_db()
    assert (review.status, review.overall_judgement, review.strengths) == (
        "submitted",
        Judgement.GOOD,
        "Good",
    )
    assert review.submitted_at is not None
    assert set(review.area_ratings.values_list("rating", flat=True)) == {Rating.PARTLY}
    assert f"event=plan_review_submitted review={review.pk}" in caplog.text


def test_a_submitted_review_is_locked(plan, member_user, areas):
    SubmittedPlanReviewFactory(plan=plan, reviewer=member_user, gaps="Final")
    with pytest.raises(ValidationError, match="already submitted"):
        save(plan, member_user, complete(areas, gaps="Changed"))
    with pytest.raises(ValidationError, match="already submitted"):
        save(plan, member_user, complete(areas, gaps="Changed"), submit=True)
    assert PlanReview.objects.get().gaps == "Final"


def test_save_refuses_text_over_10000_characters(plan, member_user):
    with pytest.raises(ValidationError):
        save(plan, member_user, ReviewAnswers(advice="x" * 10_001))
    assert not PlanReview.objects.exists()


def test_saving_never_touches_another_members_review(plan, member_user, other_member, areas):
    theirs = SubmittedPlanReviewFactory(plan=plan, reviewer=member_user, gaps="Theirs")
    mine = save(plan, other_member, ReviewAnswers(gaps="Mine"))
    assert mine.pk != theirs.pk
    theirs.refresh_from_db()
    assert theirs.gaps == "Theirs"


def test_someone_who_may_not_review_is_refused(plan, areas):
    with pytest.raises(PermissionDenied):
        save(plan, UserFactory(username="outsider"), complete(areas))
    assert not PlanReview.objects.exists()


def test_a_deactivated_reviewer_cannot_change_their_draft(plan, member_user, areas):
    PlanReviewFactory(plan=plan, reviewer=member_user, gaps="Draft")
    member_user.is_active = False
    member_user.save()
    with pytest.raises(PermissionDenied):
        save(plan, member_user, complete(areas), submit=True)
    assert PlanReview.objects.get().gaps == "Draft"


# ---- Reopening: the secretariat sends a submitted review back, with a reason ----


def test_secretariat_reopens_a_submitted_review(plan, member_user, secretariat_user, areas):
    review = SubmittedPlanReviewFactory(plan=plan, reviewer=member_user)
    version = review.version
    reopening = plan_review_reopen(
        review=review, by=secretariat_user, reason="  Please rate Risk Assessment again "
    )
    review.refresh_from_db()
    assert (review.status, review.submitted_at, review.version) == ("draft", None, version + 1)
    assert (reopening.reopened_by, reopening.reason) == (
        secretariat_user,
        "Please rate Risk Assessment again",
    )
    # Its author may change it and submit it again.
    save(plan, member_user, complete(areas, rating=Rating.FULLY), submit=True)
    review.refresh_from_db()
    assert review.is_submitted
    assert set(review.area_ratings.values_list("rating", flat=True)) == {Rating.FULLY}


def test_a_member_cannot_reopen(plan, member_user, other_member):
    review = SubmittedPlanReviewFactory(plan=plan, reviewer=other_member)
    for user in (member_user, other_member):
        with pytest.raises(PermissionDenied):
            plan_review_reopen(review=review, by=user, reason="Let me change it")
    review.refresh_from_db()
    assert review.is_submitted and not ReviewReopening.objects.exists()


@pytest.mark.parametrize(("draft", "reason"), [(True, "Why not"), (False, "   ")])
def test_reopen_needs_a_submitted_review_and_a_reason(
    plan, member_user, secretariat_user, draft, reason
):
    factory = PlanReviewFactory if draft else SubmittedPlanReviewFactory
    review = factory(plan=plan, reviewer=member_user)
    with pytest.raises(ValidationError):
        plan_review_reopen(review=review, by=secretariat_user, reason=reason)
    assert not ReviewReopening.objects.exists()


def test_a_page_opened_before_the_reopening_cannot_overwrite_the_review(
    plan, member_user, secretariat_user, areas
):
    review = SubmittedPlanReviewFactory(plan=plan, reviewer=member_user)
    stale = review.version
    plan_review_reopen(review=review, by=secretariat_user, reason="Again")
    with pytest.raises(ValidationError, match="changed since"):
        save(plan, member_user, complete(areas), version=stale)


# ---- Review text never goes into a log line ----


def test_review_text_never_goes_into_a_log_line(
    plan, member_user, secretariat_user, areas, member_client, caplog
):
    words = {
        "leadership_comment": "LEADERSHIP-SECRET",
        "strengths": "STRENGTHS-SECRET",
        "gaps": "GAPS-SECRET",
        "advice": "ADVICE-SECRET",
    }
    with caplog.at_level(logging.DEBUG):
        member_client.post(review_url(plan), form_data(areas, action="save", **words))
        member_client.post(review_url(plan), form_data(areas, action="submit", version=1, **words))
        plan_review_reopen(
            review=PlanReview.objects.get(), by=secretariat_user, reason="REASON-SECRET"
        )
    assert PlanReview.objects.get().strengths == "STRENGTHS-SECRET"
    logged = caplog.text + "".join(str(record.args) for record in caplog.records)
    assert "event=plan_review_submitted" in logged
    for secret in [*words.values(), "REASON-SECRET", "dates missing"]:
        assert secret not in logged


def test_review_text_stays_out_of_the_logs_on_refusals_moderation_and_downloads(
    plan, member_user, secretariat_user, areas, member_client, secretariat_client, caplog
):
    """The paths around the happy one: a refused submit, a stale second tab, a moderated
    outcome's note, and the secretariat's downloads of every review."""
    with caplog.at_level(logging.DEBUG):
        member_client.post(
            review_url(plan), form_data(areas, action="submit", rating="", gaps="GAPS-SECRET")
        )
        member_client.post(review_url(plan), form_data(areas, gaps="GAPS-SECRET"))
        stale = member_client.post(
            review_url(plan), form_data(areas, version=0, gaps="STALE-SECRET")
        )
        assert "changed since you opened it" in stale.content.decode()
        member_client.post(
            review_url(plan), form_data(areas, action="submit", version=1, gaps="GAPS-SECRET")
        )
        plan_moderation_record(
            plan=plan,
            overall_judgement=PlanReview.Judgement.GOOD,
            leadership_rating=PlanReview.Rating.FULLY,
            area_ratings=dict.fromkeys(areas, PlanReview.Rating.PARTLY),
            note="NOTE-SECRET",
            by=secretariat_user,
        )
        for url in ("/forces/plans/summary/reviews.csv", "/forces/plans/summary/reviews.xlsx"):
            assert secretariat_client.get(url).status_code == 200
    assert PlanReview.objects.get().gaps == "GAPS-SECRET"
    logged = caplog.text + "".join(str(record.args) for record in caplog.records)
    assert "event=plan_review_submitted" in logged
    for secret in ("GAPS-SECRET", "STALE-SECRET", "NOTE-SECRET", "dates missing"):
        assert secret not in logged


# ---- Who may use the pages ----


@pytest.mark.parametrize("url", [LIST_URL, "review", "detail"])
def test_anonymous_is_sent_to_sign_in(anonymous_client, plan, url):
    url = {"review": review_url(plan), "detail": f"/forces/plans/{plan.pk}/"}.get(url, url)
    response = anonymous_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=")


def test_the_plan_address_leads_to_the_plan_page(member_client, plan):
    response = member_client.get(f"/forces/plans/{plan.pk}/", follow=True)
    assert response.redirect_chain == [(review_url(plan), 302)]
    assert b"Train all call handlers in DASH" in response.content


@pytest.mark.parametrize("persona", ["member_client", "secretariat_client"])
def test_members_and_secretariat_see_the_plan_page(request, plan, persona):
    client = request.getfixturevalue(persona)
    assert client.get(LIST_URL).status_code == 200
    response = client.get(review_url(plan))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Train all call handlers in DASH" in page
    assert '<h3 class="govuk-heading-s">Risk Assessment</h3>' in page


def test_signed_in_outsider_is_refused(plan):
    client = Client()
    client.force_login(UserFactory(username="outsider"))
    assert client.get(LIST_URL).status_code == 403
    assert client.get(review_url(plan)).status_code == 403
    assert client.get(f"/forces/plans/{plan.pk}/").status_code == 403
    assert client.post(review_url(plan), {"action": "save"}).status_code == 403
    assert not PlanReview.objects.exists()


def test_unknown_plan_is_404(member_client):
    assert member_client.get("/forces/plans/999999/review/").status_code == 404


# ---- Reviewing through the page ----


def test_member_saves_a_draft_comes_back_and_submits(member_client, member_user, plan, areas):
    response = member_client.post(
        review_url(plan), form_data(areas, rating="", strengths="Kept strengths")
    )
    assert response.status_code == 302
    assert response["Location"] == review_url(plan)
    page = member_client.get(review_url(plan)).content.decode()
    assert "Your draft has been saved" in page
    assert 'value="good" checked' in page
    assert "Kept strengths</textarea>" in page
    assert 'name="version" value="1"' in page

    response = member_client.post(review_url(plan), form_data(areas, action="submit", version=1))
    assert response.status_code == 302
    review = PlanReview.objects.get()
    assert (review.reviewer, review.status) == (member_user, "submitted")
    assert review.area_ratings.filter(rating=Rating.PARTLY).count() == len(areas)
    page = member_client.get(review_url(plan)).content.decode()
    assert "has been submitted" in page
    assert "It is locked" in page
    assert "<textarea" not in page
    assert "Submitted" in member_client.get(LIST_URL).content.decode()


def test_submit_with_gaps_shows_an_error_summary_linking_to_each_field(member_client, plan, areas):
    data = form_data(areas, action="submit", rating="", strengths=SECRET)
    data["area-performance-rating"] = "fully"
    del data["overall_judgement"]
    response = member_client.post(review_url(plan), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    summary = page[page.index("govuk-error-summary") : page.index("</ul>")]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert [text for _, text in links] == [
        "Select how far the plan addresses Initial Investigation",
        "Select how far the plan addresses Risk Assessment",
        "Select how far the plan addresses Victim Safety Planning",
        "Select how far the plan addresses Victim and Perpetrator Management",
        "Select an overall judgement of the plan",
    ]
    for anchor, _ in links:
        # Each link lands on a radio of its own field, which says what is wrong.
        assert f'id="{anchor}" name="{anchor.removeprefix("id_")}" type="radio"' in page
        assert f'id="{anchor}-error"' in page
    # Nothing typed is lost.
    assert f"{SECRET}</textarea>" in page
    assert 'name="area-performance-rating" type="radio" value="fully" checked' in page
    assert "Risk Assessment: dates missing</textarea>" in page
    assert not PlanReview.objects.exists()


def test_an_unknown_choice_is_an_error_not_a_500(member_client, plan, areas):
    response = member_client.post(review_url(plan), form_data(areas, overall_judgement="brilliant"))
    assert response.status_code == 200
    assert '<a href="#id_overall_judgement">Select one of the options</a>' in (
        response.content.decode()
    )
    assert not PlanReview.objects.exists()


def test_missing_action_is_an_error(member_client, plan, areas):
    data = form_data(areas)
    del data["action"]
    response = member_client.post(review_url(plan), data)
    assert response.status_code == 200
    assert "Save draft” or “Submit review”" in response.content.decode()
    assert not PlanReview.objects.exists()


def test_longer_text_gets_a_clear_error_and_is_kept(member_client, plan, areas):
    response = member_client.post(review_url(plan), form_data(areas, gaps="x" * 10_001))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Gaps must be 10,000 characters or fewer (you have 10,001)" in page
    assert "x" * 10_001 + "</textarea>" in page
    assert not PlanReview.objects.exists()


def test_script_in_review_text_is_escaped(member_client, plan, areas):
    attack = "<script>alert('x')</script>"
    member_client.post(review_url(plan), form_data(areas, advice=attack))
    page = member_client.get(review_url(plan)).content.decode()
    assert attack not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


# ---- Two tabs: a save from a stale page shows both versions and loses nothing ----


def test_two_tabs_the_second_save_is_refused_showing_both_versions(member_client, plan, areas):
    member_client.post(review_url(plan), form_data(areas, gaps="Saved first"))
    # Both tabs open the draft at version 1; the first saves, then the second.
    member_client.post(review_url(plan), form_data(areas, version=1, gaps="Saved in tab one"))
    response = member_client.post(
        review_url(plan), form_data(areas, version=1, gaps="Typed in tab two")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert STALE_MESSAGE.split(",")[0] in page
    assert "This review changed since you opened it" in page
    saved = page[page.index('id="saved-version"') :]
    saved = saved[: saved.index("<form")]
    assert "Saved in tab one" in saved
    assert "Typed in tab two</textarea>" in page
    assert PlanReview.objects.get().gaps == "Saved in tab one"
    # The form now carries the saved version: saving again keeps what tab two typed.
    assert 'name="version" value="2"' in page
    response = member_client.post(
        review_url(plan), form_data(areas, version=2, gaps="Typed in tab two")
    )
    assert response.status_code == 302
    assert PlanReview.objects.get().gaps == "Typed in tab two"


# ---- Blind until submitted ----


def test_another_members_review_is_hidden_until_i_submit_mine(
    member_client, other_member, plan, areas
):
    SubmittedPlanReviewFactory(plan=plan, reviewer=other_member, strengths=SECRET)
    page = member_client.get(review_url(plan)).content.decode()
    assert SECRET not in page
    assert "Reviews are blind" in page

    member_client.post(review_url(plan), form_data(areas, gaps="My draft"))
    assert SECRET not in member_client.get(review_url(plan)).content.decode()

    member_client.post(review_url(plan), form_data(areas, action="submit", version=1))
    page = member_client.get(review_url(plan)).content.decode()
    assert SECRET in page
    assert "Review by other-group-member" in page


def test_another_members_draft_is_never_shown(member_client, member_user, other_member, plan):
    SubmittedPlanReviewFactory(plan=plan, reviewer=member_user)
    PlanReviewFactory(plan=plan, reviewer=other_member, strengths=SECRET)
    page = member_client.get(review_url(plan)).content.decode()
    assert SECRET not in page
    assert "No other member has submitted a review of this version yet" in page


def test_a_reopened_review_is_blind_again_and_shows_why(
    member_client, member_user, other_member, secretariat_user, plan
):
    mine = SubmittedPlanReviewFactory(plan=plan, reviewer=member_user)
    SubmittedPlanReviewFactory(plan=plan, reviewer=other_member, strengths=SECRET)
    assert SECRET in member_client.get(review_url(plan)).content.decode()
    plan_review_reopen(review=mine, by=secretariat_user, reason="Please rate Performance again")
    page = member_client.get(review_url(plan)).content.decode()
    assert SECRET not in page
    assert "The secretariat reopened your review" in page
    assert "Please rate Performance again" in page
    assert "<textarea" in page


def test_the_secretariat_sees_every_submitted_review_but_no_draft(
    secretariat_client, member_user, other_member, plan
):
    SubmittedPlanReviewFactory(plan=plan, reviewer=member_user, strengths="Submitted words")
    PlanReviewFactory(plan=plan, reviewer=other_member, strengths=SECRET)
    page = secretariat_client.get(review_url(plan)).content.decode()
    assert "Submitted words" in page
    assert SECRET not in page


# ---- A new version supersedes the old one; its reviews stay with it ----


def test_the_old_versions_reviews_stay_on_its_page_and_in_the_history(
    member_client, member_user, other_member, plan, areas
):
    SubmittedPlanReviewFactory(plan=plan, reviewer=member_user, strengths="My verdict on v1")
    SubmittedPlanReviewFactory(plan=plan, reviewer=other_member, strengths="Their verdict on v1")
    new = action_plan_add_version(plan=ActionPlanFactory.build(force=plan.force, version=2))

    old_page = member_client.get(review_url(plan)).content.decode()
    assert "This version has been superseded" in old_page
    assert "My verdict on v1" in old_page and "Their verdict on v1" in old_page

    new_page = member_client.get(review_url(new)).content.decode()
    history = new_page[new_page.index('id="other-versions"') :]
    assert f'href="{review_url(plan)}">Version 1</a>' in history
    assert "Submitted" in history and "Good" in history
    # The new version is a fresh review, blind again.
    assert "Their verdict on v1" not in new_page
    assert "Reviews are blind" in new_page
    assert "<textarea" in new_page


def test_the_history_keeps_the_blind_rule_per_version(member_client, other_member, plan, areas):
    SubmittedPlanReviewFactory(
        plan=plan, reviewer=other_member, overall_judgement=Judgement.OUTSTANDING
    )
    new = action_plan_add_version(plan=ActionPlanFactory.build(force=plan.force, version=2))
    history = member_client.get(review_url(new)).content.decode()
    history = history[history.index('id="other-versions"') :]
    assert "Outstanding" not in history
    assert "Seen once you submit yours" in history


def test_a_new_version_calls_the_reassignment_hook(plan, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "forces.services.reassign_on_new_version", lambda old, new: calls.append((old, new))
    )
    new = action_plan_add_version(plan=ActionPlanFactory.build(force=plan.force, version=2))
    assert calls == [(plan, new)]


def test_a_superseded_versions_review_cannot_be_reopened(plan, member_user, secretariat_user):
    review = SubmittedPlanReviewFactory(plan=plan, reviewer=member_user)
    action_plan_add_version(plan=ActionPlanFactory.build(force=plan.force, version=2))
    with pytest.raises(ValidationError, match="superseded"):
        plan_review_reopen(review=review, by=secretariat_user, reason="Again")


# ---- Query counts ----
# The plans list's queries, at 43 and 430 forces, are counted in tests/forces/test_member_pages.py.


# ---- The secretariat's admin: submitted reviews only, read-only, reopened with a reason ----


def test_secretariat_reads_submitted_reviews_but_never_a_members_draft(
    secretariat_client, plan, member_user
):
    draft = PlanReviewFactory(plan=plan, reviewer=member_user, strengths="Draft words")
    SubmittedPlanReviewFactory(plan=plan, reviewer=UserFactory(username="second-member"))

    response = secretariat_client.get("/admin/forces/planreview/")

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert b"Draft words" not in response.content
    assert secretariat_client.get("/admin/forces/planreview/add/").status_code == 403
    draft_page = secretariat_client.get(f"/admin/forces/planreview/{draft.pk}/change/")
    assert draft_page.status_code == 302
    assert secretariat_client.get(f"/admin/forces/planreview/{draft.pk}/reopen/").status_code == 404
    secretariat_client.post(f"/admin/forces/planreview/{draft.pk}/delete/", {"post": "yes"})
    assert PlanReview.objects.filter(pk=draft.pk).exists()


def test_submitted_review_is_read_only_in_the_admin(secretariat_client, plan, member_user):
    review = SubmittedPlanReviewFactory(plan=plan, reviewer=member_user, gaps="Final")
    url = f"/admin/forces/planreview/{review.pk}/change/"
    page = secretariat_client.get(url)
    assert page.status_code == 200
    assert b"Risk Assessment" in page.content  # its area ratings
    assert b"Reopen for its author" in page.content
    assert secretariat_client.post(url, {"gaps": "Edited"}).status_code == 403
    assert (
        secretariat_client.post(f"/admin/forces/planreview/{review.pk}/delete/").status_code == 403
    )
    review.refresh_from_db()
    assert review.gaps == "Final"


def test_secretariat_reopens_a_review_in_the_admin_with_a_reason(
    secretariat_client, secretariat_user, plan, member_user
):
    review = SubmittedPlanReviewFactory(plan=plan, reviewer=member_user)
    url = f"/admin/forces/planreview/{review.pk}/reopen/"
    assert secretariat_client.get(url).status_code == 200

    response = secretariat_client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Enter why the review is reopened" in response.content.decode()
    review.refresh_from_db()
    assert review.is_submitted

    response = secretariat_client.post(url, {"reason": "Please rate Performance again"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert not review.is_submitted
    assert review.reopenings.get().reopened_by == secretariat_user
    # Now a draft again: not in the secretariat's list, and not reopened twice.
    assert secretariat_client.post(url, {"reason": "Again"}).status_code == 404


def test_a_member_cannot_reach_the_reopen_page(member_client, plan, other_member):
    review = SubmittedPlanReviewFactory(plan=plan, reviewer=other_member)
    response = member_client.post(
        f"/admin/forces/planreview/{review.pk}/reopen/", {"reason": "Let me"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    review.refresh_from_db()
    assert review.is_submitted


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
