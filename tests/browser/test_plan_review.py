"""A group member reviews a force action plan in the browser: draft, then submit."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from forces.models import PlanReview
from forces.services import action_plan_add_version
from oversight.permissions import GROUP_MEMBER, role_groups_sync
from tests.browser.axe import assert_accessible
from tests.forces.factories import (
    ForceFactory,
    PlanActionFactory,
    ProvidedActionPlanFactory,
    SubmittedPlanReviewFactory,
    working_group_areas,
)
from tests.oversight.factories import UserFactory

PASSWORD = "correct horse battery staple"
AREAS = (
    "Initial Investigation",
    "Performance",
    "Victim Safety Planning",
    "Victim and Perpetrator Management",
)  # Risk Assessment is rated first


@pytest.fixture
def member(transactional_db):
    _, members = role_groups_sync()
    user = UserFactory(username="gwen-member", password=PASSWORD)
    user.groups.add(members)
    assert user.groups.get().name == GROUP_MEMBER
    return user


@pytest.fixture
def plans(transactional_db) -> None:
    risk_assessment = working_group_areas()[2]
    for name in ("Avon and Somerset Constabulary", "Dyfed-Powys Police", "Gwent Police"):
        plan = ProvidedActionPlanFactory(
            force=ForceFactory(name=name, slug=name.lower().replace(" ", "-")),
            summary=f"How {name} will improve its response.",
        )
        PlanActionFactory(
            plan=plan,
            area=risk_assessment,
            description=f"{name}: train all call handlers in DASH",
        )


def sign_in(context: BrowserContext, user, base_url: str) -> None:
    """Put a signed-in session in the browser (members cannot use the admin's sign-in form)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": base_url, "httpOnly": True}]
    )


def assert_no_sideways_scroll(page: Page) -> None:
    """At a 320px wide viewport the page fits: nothing makes it scroll sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page is {width}px wide at a 320px viewport"


def test_member_saves_a_draft_and_submits_a_review(
    page: Page, context: BrowserContext, live_server, member, plans
) -> None:
    sign_in(context, member, live_server.url)
    page.goto("/")
    page.get_by_role("link", name="Review force action plans").click()
    expect(page).to_have_url(re.compile(r"^http://[^/?]+/forces/plans/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Review force action plans")
    expect(page.locator("tbody tr")).to_have_count(3)
    assert_accessible(page)

    page.get_by_role("link", name="Gwent Police").click()
    expect(page.get_by_text("Gwent Police: train all call handlers in DASH")).to_be_visible()
    assert_accessible(page)

    # Submitting with only some of it done: the error summary links to each field, and what
    # was typed is still there.
    risk = page.get_by_role("group", name="How far does the plan address Risk Assessment?")
    risk.get_by_label("Partly addressed").check()
    page.get_by_label("Risk Assessment: comment").fill("No date for DASH refreshers.")
    page.get_by_label("Strengths").fill("Every call handler trained in DASH.")
    page.get_by_role("button", name="Submit review").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select how far the plan addresses Initial Investigation")
    expect(summary).to_contain_text("Select an overall judgement of the plan")
    expect(page.get_by_label("Strengths")).to_have_value("Every call handler trained in DASH.")
    expect(risk.get_by_label("Partly addressed")).to_be_checked()
    assert_accessible(page)
    summary.get_by_role("link", name="Select an overall judgement of the plan").click()
    expect(page.get_by_label("Outstanding")).to_be_focused()

    page.get_by_label("Requires improvement").check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your draft has been saved")).to_be_visible()
    assert PlanReview.objects.get().status == PlanReview.Status.DRAFT

    # Coming back later: the draft is as it was left.
    page.goto("/forces/plans/")
    page.get_by_role("link", name="Gwent Police").click()
    expect(page.get_by_label("Requires improvement")).to_be_checked()
    expect(page.get_by_label("Risk Assessment: comment")).to_have_value(
        "No date for DASH refreshers."
    )
    for area in AREAS:
        page.get_by_role("group", name=f"How far does the plan address {area}?").get_by_label(
            "Partly addressed"
        ).check()
    page.get_by_role(
        "group", name="How far does the plan give full effect to the force's stated priority?"
    ).get_by_label("Fully addressed").check()
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_text("has been submitted")).to_be_visible()
    expect(page.get_by_text("It is locked")).to_be_visible()
    expect(page.get_by_role("button", name="Submit review")).to_have_count(0)
    assert_accessible(page)

    review = PlanReview.objects.get()
    assert (review.reviewer, review.status, review.overall_judgement, review.strengths) == (
        member,
        PlanReview.Status.SUBMITTED,
        PlanReview.Judgement.REQUIRES_IMPROVEMENT,
        "Every call handler trained in DASH.",
    )
    assert review.area_ratings.filter(rating=PlanReview.Rating.PARTLY).count() == len(AREAS) + 1

    page.goto("/forces/plans/")
    expect(page.get_by_role("row", name=re.compile("Gwent Police"))).to_contain_text("Submitted")
    expect(page.get_by_role("row", name=re.compile("Dyfed-Powys Police"))).to_contain_text(
        "Not started"
    )


def test_the_review_page_fits_a_320px_screen(
    page: Page, context: BrowserContext, live_server, member, plans
) -> None:
    sign_in(context, member, live_server.url)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/forces/plans/")
    page.get_by_role("link", name="Gwent Police").click()
    page.get_by_role("button", name="Submit review").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_sideways_scroll(page)
    assert_accessible(page)


def test_member_signs_in_through_the_sign_in_form(page: Page, member, plans) -> None:
    page.goto("/forces/plans/")
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Anchored: the sign-in page's own address ends `?next=/forces/plans/`.
    expect(page).to_have_url(re.compile(r"^http://[^/?]+/forces/plans/$"), timeout=3_000)


def test_a_superseded_version_sends_the_member_to_the_current_one(
    page: Page, context: BrowserContext, live_server, member
) -> None:
    old = ProvidedActionPlanFactory(
        force=ForceFactory(name="Gwent Police", slug="gwent-police"), summary="The first plan."
    )
    SubmittedPlanReviewFactory(plan=old, reviewer=member, strengths="My verdict on version 1.")
    action_plan_add_version(
        plan=ProvidedActionPlanFactory.build(
            force=old.force, version=2, summary="The refreshed plan."
        )
    )
    sign_in(context, member, live_server.url)

    page.goto(f"/forces/plans/{old.pk}/review/")
    banner = page.get_by_role("region", name="Important")
    expect(banner).to_contain_text("This version has been superseded")
    expect(page.get_by_text("My verdict on version 1.")).to_be_visible()
    expect(page.get_by_role("button", name="Submit review")).to_have_count(0)
    assert_accessible(page)

    banner.get_by_role("link", name="Review version 2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Action plan, version 2")
    expect(page.get_by_text("The refreshed plan.")).to_be_visible()
    expect(page.get_by_role("button", name="Submit review")).to_be_visible()
