"""The secretariat edits a draft section by section, shares it, and a member comments on it:
in a real browser, with axe-core on the edition's change page and the section page, and the
pages used at 320 CSS pixels wide without scrolling sideways."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from reports.models import ProgressUpdate, SectionComment, SectionStatus
from tests.browser.axe import assert_accessible
from tests.oversight.factories import StaffUserFactory, UserFactory
from tests.recommendations.factories import RecommendationFactory
from tests.reports.factories import ProgressUpdateFactory, QuarterlyUpdateFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def draft(transactional_db, role_groups):
    from oversight.permissions import GROUP_MEMBER, SECRETARIAT

    lead = RecommendationFactory(number=2, title="Force action plans")
    RecommendationFactory(number=3, title="Leadership priority", reported_with=lead)
    edition = QuarterlyUpdateFactory(period=datetime.date(2015, 3, 1), slug="2015-03")
    first = ProgressUpdateFactory(edition=edition, recommendation=lead, position=1, text="First.")
    ProgressUpdateFactory(
        edition=edition, recommendation=lead, parent=first, position=1, text="Under first."
    )
    staff = StaffUserFactory(username="secretariat", first_name="Sam")
    staff.groups.add(role_groups[SECRETARIAT])
    member = UserFactory(username="member")
    member.groups.add(role_groups[GROUP_MEMBER])
    return edition


def no_sideways_scroll(page: Page) -> None:
    __tracebackhide__ = True
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{page.url} is {scroll}px wide in a {client}px window"


def sign_in_to_admin(page: Page) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("secretariat")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_the_secretariat_edits_a_section_and_a_member_comments(draft, page: Page, browser):
    sign_in_to_admin(page)
    page.goto(f"/admin/reports/quarterlyupdate/{draft.pk}/change/")
    assert_accessible(page)

    page.get_by_role("link", name="Edit Recommendations 2 and 3").click()
    expect(page.get_by_role("heading", name="Bullets")).to_be_visible()
    assert_accessible(page)

    # A mistake first: off track with no reason; what was typed stays.
    page.get_by_role("group", name="Recommendation 2: Confidence").get_by_label("Off track").check()
    page.get_by_label("Recommendation 2, new bullet 1: Text").fill("Plans reviewed in February.")
    page.get_by_label("Recommendation 2, new bullet 1: Position").fill("2")
    page.get_by_role("button", name="Save Recommendations 2 and 3").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_label("Recommendation 2, new bullet 1: Text")).to_have_value(
        "Plans reviewed in February."
    )
    assert_accessible(page)

    page.get_by_label("Recommendation 2: Reason (one line)").fill("Two forces are late.")
    page.get_by_role("button", name="Save Recommendations 2 and 3").click()
    expect(page.get_by_text("Saved Recommendations 2 and 3.")).to_be_visible()
    assert SectionStatus.objects.get(recommendation__number=2).reason == "Two forces are late."
    assert ProgressUpdate.objects.filter(text="Plans reviewed in February.", position=2).exists()

    page.goto(f"/admin/reports/quarterlyupdate/{draft.pk}/change/")
    page.get_by_role("button", name="Share with the group for comment").click()
    expect(page.get_by_role("button", name="Stop sharing with the group")).to_be_visible()

    member_context = browser.new_context(base_url=page.url.split("/admin")[0], bypass_csp=True)
    member_page = member_context.new_page()
    member_page.set_viewport_size({"width": 320, "height": 800})
    member_page.goto("/accounts/sign-in/")
    member_page.get_by_label("Username").fill("member")
    member_page.get_by_label("Password").fill(PASSWORD)
    member_page.get_by_role("button", name="Sign in").click()
    member_page.goto("/members/")
    member_page.get_by_role("link", name="Read and comment on the draft March 2015 update").click()
    expect(member_page.get_by_text("Two forces are late.")).to_be_visible()
    member_page.get_by_role("button", name="Send comment").click()
    expect(member_page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(member_page)
    no_sideways_scroll(member_page)
    member_page.get_by_label("Which section is your comment about?").select_option(
        label="Recommendations 2 and 3"
    )
    member_page.get_by_role("textbox", name="Your comment").fill("Name the two forces' regions.")
    member_page.get_by_role("button", name="Send comment").click()
    expect(member_page.get_by_text("your comment has been sent")).to_be_visible()
    assert_accessible(member_page)
    member_context.close()
    assert SectionComment.objects.get().text == "Name the two forces' regions."

    page.goto(f"/admin/reports/quarterlyupdate/{draft.pk}/sections/2/")
    expect(page.get_by_text("Name the two forces' regions.")).to_be_visible()
    assert_accessible(page)


def test_the_editing_pages_fit_a_phone(draft, page: Page):
    sign_in_to_admin(page)
    page.set_viewport_size({"width": 320, "height": 800})
    for url in (
        f"/admin/reports/quarterlyupdate/{draft.pk}/sections/2/",
        f"/admin/reports/quarterlyupdate/{draft.pk}/change/",
    ):
        page.goto(url)
        no_sideways_scroll(page)
        assert_accessible(page)
