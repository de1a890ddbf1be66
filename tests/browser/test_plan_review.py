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
)
from tests.oversight.factories import UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def member(transactional_db):
    _, members = role_groups_sync()
    user = UserFactory(username="gwen-member", password=PASSWORD)
    user.groups.add(members)
    assert user.groups.get().name == GROUP_MEMBER
    return user


@pytest.fixture
def plans(transactional_db) -> None:
    for name in ("Avon and Somerset Constabulary", "Dyfed-Powys Police", "Gwent Police"):
        plan = ProvidedActionPlanFactory(
            force=ForceFactory(name=name, slug=name.lower().replace(" ", "-")),
            summary=f"How {name} will improve its response.",
        )
        PlanActionFactory(plan=plan, description=f"{name}: train all call handlers in DASH")


def sign_in(context: BrowserContext, user, base_url: str) -> None:
    """Put a signed-in session in the browser (members cannot use the admin's sign-in form)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": base_url, "httpOnly": True}]
    )


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

    # Submitting with no verdict: the error summary, and the comments still there.
    page.get_by_label("Comments").fill("No dates for the training.")
    page.get_by_role("button", name="Submit review").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select whether the plan meets the expectation")
    expect(page.get_by_label("Comments")).to_have_value("No dates for the training.")
    assert_accessible(page)

    page.get_by_label("Partly meets").check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your draft has been saved")).to_be_visible()
    expect(page.get_by_label("Partly meets")).to_be_checked()
    assert PlanReview.objects.get().status == PlanReview.Status.DRAFT

    page.get_by_role("button", name="Submit review").click()
    expect(page).to_have_url(re.compile(r"^http://[^/?]+/forces/plans/$"))
    row = page.get_by_role("row", name=re.compile("Gwent Police"))
    expect(row).to_contain_text("Submitted")
    expect(page.get_by_role("row", name=re.compile("Dyfed-Powys Police"))).to_contain_text(
        "Not started"
    )
    assert_accessible(page)

    review = PlanReview.objects.get()
    assert (review.reviewer, review.status, review.assessment, review.comments) == (
        member,
        PlanReview.Status.SUBMITTED,
        PlanReview.Assessment.PARTLY_MEETS,
        "No dates for the training.",
    )


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
    SubmittedPlanReviewFactory(plan=old, reviewer=member, comments="My verdict on version 1.")
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
