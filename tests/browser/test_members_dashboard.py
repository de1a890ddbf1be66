"""A group member opens their dashboard and the plans list: accessible, and usable at 320px."""

import datetime
import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from forces.models import ReviewAssignment
from oversight.permissions import role_groups_sync
from tests.browser.axe import assert_accessible
from tests.browser.test_plan_review import sign_in
from tests.forces.factories import (
    ForceFactory,
    ProvidedActionPlanFactory,
    SubmittedPlanReviewFactory,
)
from tests.oversight.factories import MeetingFactory, MemberFactory, UserFactory


@pytest.fixture
def member(transactional_db):
    _, members = role_groups_sync()
    user = UserFactory(username="polly-member")
    user.groups.add(members)
    MemberFactory(user=user, name="Polly Neate")
    other = UserFactory(username="other-member")
    other.groups.add(members)
    today = datetime.date.today()
    for index, name in enumerate(
        ("Avon and Somerset Constabulary", "Dyfed-Powys Police", "Gwent Police")
    ):
        plan = ProvidedActionPlanFactory(
            force=ForceFactory(name=name, slug=name.lower().replace(" ", "-"))
        )
        ReviewAssignment.objects.create(
            plan=plan, reviewer=user, due_on=today + datetime.timedelta(days=index * 5 - 3)
        )
        ReviewAssignment.objects.create(plan=plan, reviewer=other, due_on=today)
        if index == 0:
            SubmittedPlanReviewFactory(plan=plan, reviewer=other)
    MeetingFactory(date=today + datetime.timedelta(days=20), focus="agreeing the plan review")
    return user


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_member_sees_the_dashboard_and_the_plans_list(
    page: Page, context: BrowserContext, live_server, member
) -> None:
    sign_in(context, member, live_server.url)
    page.goto("/members/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your reviews and the national progress"
    )
    expect(page.get_by_text("3 reviews assigned to you")).to_be_visible()
    expect(page.get_by_text("Overdue")).to_be_visible()
    expect(page.get_by_text("agreeing the plan review")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Force plans").click()
    expect(page).to_have_url(re.compile(r"/forces/plans/$"))
    expect(page.get_by_role("row", name=re.compile("Gwent Police"))).to_be_visible()
    page.get_by_label("Nation").select_option("wales")
    page.get_by_role("button", name="Show plans").click()
    expect(page.get_by_role("row", name=re.compile("Avon and Somerset"))).to_have_count(0)
    assert_accessible(page)

    page.goto("/forces/plans/summary/")
    expect(page.get_by_role("img", name=re.compile("Overall judgement"))).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/members/", "/forces/plans/", "/forces/plans/summary/"])
def test_at_320px_the_page_does_not_scroll_sideways(
    page: Page, context: BrowserContext, live_server, member, path
) -> None:
    sign_in(context, member, live_server.url)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path)
    assert no_sideways_scroll(page)


@pytest.mark.parametrize("width", [1024, 320])
def test_a_long_plans_list_is_paged_accessibly(
    page: Page, context: BrowserContext, live_server, member, width
) -> None:
    for index in range(60):
        ProvidedActionPlanFactory(force=ForceFactory(name=f"Force {index:02}"))
    sign_in(context, member, live_server.url)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/forces/plans/")
    pages = page.get_by_role("navigation", name="Pages of plans")
    expect(page.get_by_text("63 plans")).to_be_visible()

    pages.get_by_role("link", name="Next page").click()

    expect(page).to_have_url(re.compile(r"/forces/plans/\?page=2$"))
    expect(pages.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("row", name=re.compile("Gwent Police"))).to_be_visible()
    assert_accessible(page)
    assert no_sideways_scroll(page)


def test_at_320px_the_charts_are_drawn_full_size_with_text_as_large_as_the_page(
    page: Page, context: BrowserContext, live_server, member
) -> None:
    sign_in(context, member, live_server.url)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/forces/plans/summary/")

    charts = page.locator("svg.app-bar-chart")
    assert charts.count() > 0
    for index in range(charts.count()):
        chart = charts.nth(index)
        drawn = chart.bounding_box()
        # Not scaled to fit: drawn as wide as it is made, so its text keeps its size.
        assert drawn["width"] == pytest.approx(float(chart.get_attribute("width")), abs=0.5)
        label = chart.locator("text").first
        assert label.evaluate("text => getComputedStyle(text).fontSize") == "16px"
        assert label.bounding_box()["height"] >= 16
