"""The whole review journey, end to end, in headless Chromium, with two-factor required.

The secretariat signs in to the admin (password, then the code from its authenticator app) and
invites a group member from the member's admin page. The invitation e-mail is sent by the
background job, as in production; the member opens its link, chooses a password, sets up an
authenticator app when offered, opens the plan assigned to them, saves a draft, comes back,
submits, and sees their review counted on the dashboard. The secretariat then sees it in the
summary's heatmap. axe-core checks every page on the way.
"""

import datetime
import re
from collections.abc import Iterator

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from forces.assignments import reviewers_assign
from forces.models import PlanReview
from oversight.invitations import invitation_send
from oversight.models import Member, Organisation
from oversight.permissions import GROUP_MEMBER, SECRETARIAT, role_groups_sync
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DEFAULT_TIMEOUT_MS
from tests.forces.factories import (
    ForceFactory,
    PlanActionFactory,
    ProvidedActionPlanFactory,
    working_group_areas,
)
from tests.oversight.factories import MemberFactory, OrganisationFactory, StaffUserFactory
from tests.oversight.jobs import run_queued_jobs

STAFF_PASSWORD = "correct horse battery staple"
MEMBER_PASSWORD = "seven tidy kettles under the stairs"
AREAS = (
    "Initial Investigation",
    "Performance",
    "Risk Assessment",
    "Victim Safety Planning",
    "Victim and Perpetrator Management",
)


def code_for(device: TOTPDevice) -> str:
    """What the authenticator app would show now."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def two_factor_required(settings) -> None:
    settings.TWO_FACTOR_REQUIRED = True


@pytest.fixture
def secretariat(transactional_db):
    """A secretariat login whose authenticator app is set up already."""
    secretariat_group, _ = role_groups_sync()
    assert secretariat_group.name == SECRETARIAT
    user = StaffUserFactory(username="sam-secretariat", password=STAFF_PASSWORD)
    user.groups.add(secretariat_group)
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user, device


@pytest.fixture
def gwent_plan(transactional_db):
    working_group_areas()
    plan = ProvidedActionPlanFactory(
        force=ForceFactory(name="Gwent Police", slug="gwent-police"),
        summary="How Gwent Police will improve its response.",
    )
    PlanActionFactory(
        plan=plan,
        area=working_group_areas()[2],
        description="Gwent Police: train all call handlers in DASH",
    )
    ProvidedActionPlanFactory(force=ForceFactory(name="Dyfed-Powys Police", slug="dyfed-powys"))
    return plan


@pytest.fixture
def jo(transactional_db) -> Member:
    """A serving group member with an e-mail address and no login yet."""
    return MemberFactory(
        name="Jo Bloggs",
        email="jo@womensaid.example",
        organisation=OrganisationFactory(name="Women's Aid", sector=Organisation.Sector.VOLUNTARY),
    )


def invitation_link() -> str:
    """The link in the one invitation e-mail the background job sent."""
    (email,) = mail.outbox
    assert email.to == ["jo@womensaid.example"]
    return re.search(r"https?://\S+/accounts/invitation/[^/\s]+/", email.body).group(0)


@pytest.fixture
def member_page(browser: Browser, live_server) -> Iterator[Page]:
    """A second browser profile, for the member: the secretariat has the `page` fixture's."""
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, locale="en-GB", timezone_id="Europe/London"
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_invited_member_reviews_a_plan_and_the_secretariat_sees_it_counted(
    page: Page, member_page: Page, two_factor_required, secretariat, gwent_plan, jo, pages_kept
) -> None:
    """With the dashboard and the summary kept per person, as in production: each visit after
    a change shows it."""
    staff_user, staff_device = secretariat
    staff, member = page, member_page

    # ---- The secretariat signs in to the admin: password, then the app's code. ----
    staff.goto("/admin/")
    assert_accessible(staff)
    staff.get_by_label("Username").fill(staff_user.username)
    staff.get_by_label("Password").fill(STAFF_PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    expect(staff).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    expect(staff.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(staff)
    staff.get_by_label("Code").fill(code_for(staff_device))
    staff.get_by_role("button", name="Continue").click()
    expect(staff).to_have_url(re.compile(r"/admin/$"))
    assert_accessible(staff)

    # ---- The secretariat invites Jo from her page in the admin. ----
    staff.goto(f"/admin/oversight/member/{jo.pk}/change/")
    assert_accessible(staff)
    staff.get_by_role("button", name="Invite to sign in").click()
    expect(staff.locator(".messagelist")).to_contain_text("jo@womensaid.example")
    assert_accessible(staff)
    jo.refresh_from_db()
    assert jo.user is not None and jo.user.groups.get().name == GROUP_MEMBER
    assert not mail.outbox, "the e-mail waits for the background job"
    run_queued_jobs()
    link = invitation_link()
    reviewers_assign(
        plans=[gwent_plan],
        reviewers=[jo.user],
        due_on=datetime.date.today() + datetime.timedelta(days=14),
        by=staff_user,
    )

    # The summary before any review: seen twice, so the second comes from the kept pages.
    for _visit in range(2):
        staff.goto("/forces/plans/summary/")
        expect(staff.get_by_role("row", name=re.compile("Gwent Police"))).to_contain_text(
            "Not yet counted"
        )

    # ---- Jo opens the link and chooses her password. ----
    member.goto(link)
    expect(member.get_by_role("heading", level=1)).to_have_text("Choose your password")
    assert_accessible(member)
    member.get_by_label("New password", exact=True).fill("short")
    member.get_by_label("New password confirmation").fill("short")
    member.get_by_role("button", name="Save my password and sign in").click()
    expect(member.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(member)
    member.get_by_label("New password", exact=True).fill(MEMBER_PASSWORD)
    member.get_by_label("New password confirmation").fill(MEMBER_PASSWORD)
    member.get_by_role("button", name="Save my password and sign in").click()

    # ---- Offered an authenticator app, she sets one up. ----
    expect(member).to_have_url(re.compile(r"/accounts/two-factor/set-up/"))
    expect(member.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    assert_accessible(member)
    device = TOTPDevice.objects.get(user=jo.user, confirmed=False)
    member.get_by_label("Code from the app").fill(code_for(device))
    member.get_by_role("button", name="Confirm the code").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    expect(member.locator("#recovery-codes li")).to_have_count(10)
    assert_accessible(member)
    member.get_by_role("link", name="I have kept my codes: continue").click()
    expect(member).to_have_url(re.compile(r"/forces/plans/$"))
    assert_accessible(member)

    # The link has done its work: opened again, it says so and sends her to the secretariat.
    member.goto(link)
    expect(member.get_by_text("This invitation link no longer works")).to_be_visible()
    assert_accessible(member)

    # ---- Her dashboard lists the plan assigned to her; she opens it and saves a draft. ----
    member.goto("/members/")
    expect(member.get_by_text("1 review assigned to you")).to_be_visible()
    assert_accessible(member)
    member.reload()  # kept now: the same page
    expect(member.get_by_text("1 review assigned to you")).to_be_visible()
    expect(member.locator(".app-figure", has_text="assigned reviews submitted")).to_contain_text(
        "0/1"
    )
    member.get_by_role("link", name=re.compile("Gwent Police")).first.click()
    expect(member.get_by_text("Gwent Police: train all call handlers in DASH")).to_be_visible()
    assert_accessible(member)
    group = "How far does the plan address {}?"
    member.get_by_role("group", name=group.format("Risk Assessment")).get_by_label(
        "Partly addressed"
    ).check()
    member.get_by_label("Risk Assessment: comment").fill("No date for DASH refreshers.")
    member.get_by_label("Good").check()
    member.get_by_role("button", name="Save draft").click()
    expect(member.get_by_text("Your draft has been saved")).to_be_visible()
    assert_accessible(member)
    assert PlanReview.objects.get().status == PlanReview.Status.DRAFT

    # ---- She comes back later: the draft is as she left it; she completes and submits. ----
    member.goto("/members/")
    member.get_by_role("link", name=re.compile("Gwent Police")).first.click()
    expect(member.get_by_label("Risk Assessment: comment")).to_have_value(
        "No date for DASH refreshers."
    )
    expect(member.get_by_label("Good")).to_be_checked()
    for area in AREAS:
        member.get_by_role("group", name=group.format(area)).get_by_label(
            "Partly addressed"
        ).check()
    member.get_by_role(
        "group", name="How far does the plan give full effect to the force's stated priority?"
    ).get_by_label("Fully addressed").check()
    member.get_by_role("button", name="Submit review").click()
    expect(member.get_by_text("has been submitted")).to_be_visible()
    assert_accessible(member)

    # ---- The dashboard counts it. ----
    member.goto("/members/")
    expect(member.locator(".app-figure", has_text="assigned reviews submitted")).to_contain_text(
        "1/1"
    )
    assert_accessible(member)

    # ---- The secretariat sees it in the heatmap. ----
    staff.goto("/forces/plans/summary/")
    row = staff.get_by_role("row", name=re.compile("Gwent Police"))
    expect(row).to_contain_text("Good")
    expect(row).to_contain_text("Partly addressed")
    assert_accessible(staff)
    review = PlanReview.objects.get()
    assert (review.reviewer, review.status) == (jo.user, PlanReview.Status.SUBMITTED)


@pytest.mark.parametrize("step", ["invitation", "two-factor set-up"])
def test_the_invitation_and_two_factor_pages_fit_a_320px_screen(
    page: Page, live_server, secretariat, jo, step
) -> None:
    staff_user, _ = secretariat
    invitation_send(member=jo, invited_by=staff_user, site_url=live_server.url)
    run_queued_jobs()
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(invitation_link())
    if step == "two-factor set-up":
        page.get_by_label("New password", exact=True).fill(MEMBER_PASSWORD)
        page.get_by_label("New password confirmation").fill(MEMBER_PASSWORD)
        page.get_by_role("button", name="Save my password and sign in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page is {width}px wide at a 320px viewport"
    assert_accessible(page)
