"""The members' dashboard is kept per person until what it shows changes
(`oversight.personal_pages`): what a member sees after each kind of change, whose page is
whose, and what a kept page costs."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forces import member_views
from forces.models import ActionPlan, PlanModeration, PlanReview, ReviewAssignment
from oversight.models import PageVersion
from oversight.personal_pages import MEMBERS_DASHBOARD, PERSONAL_PAGES, page_version
from reports.services import edition_share
from tests.forces.factories import (
    ActionPlanFactory,
    ForceFactory,
    ProvidedActionPlanFactory,
    SubmittedPlanReviewFactory,
    working_group_areas,
)
from tests.forces.test_member_pages import SIGNED_IN, make_forces
from tests.forces.test_reviews import form_data, review_url
from tests.oversight.factories import (
    MeetingActionFactory,
    MeetingFactory,
    MemberFactory,
    StaffUserFactory,
)
from tests.reports.factories import QuarterlyUpdateFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_kept")]

DASHBOARD = "/members/"
TODAY = datetime.date.today()


@pytest.fixture
def me(member_user):
    MemberFactory(user=member_user, name="Polly Neate")
    return member_user


def dashboard(client: Client, url: str = DASHBOARD) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def kept(client: Client, url: str = DASHBOARD) -> str:
    """The page as a member sees it once they have a CSRF cookie (their first page sets it),
    and once more: the second of these comes from the worker's kept pages."""
    dashboard(client, url)
    first = dashboard(client, url)
    assert dashboard(client, url) == first
    return first


def assign(plan: ActionPlan, reviewer, days: int = 10) -> ReviewAssignment:
    return ReviewAssignment.objects.create(
        plan=plan, reviewer=reviewer, due_on=TODAY + datetime.timedelta(days=days)
    )


@pytest.mark.parametrize("count", [43, 430])
def test_a_kept_dashboard_costs_the_sign_in_and_one_query_whatever_the_forces(
    count, me, other_member, secretariat_user, member_client
):
    make_forces(count, reviewer=me, other_reviewer=other_member, secretariat=secretariat_user)
    kept(member_client)
    with CaptureQueriesContext(connection) as queries:
        page = dashboard(member_client)
    # Signed in (the session, the user, their and their groups' permissions), then the
    # dashboard's token: nothing else is asked for the page.
    assert len(queries) == SIGNED_IN + 1, [query["sql"] for query in queries]
    assert f"{count} reviews assigned to you" in page


def test_the_first_page_sets_the_csrf_cookie_and_is_not_kept(me, member_client):
    dashboard(member_client)
    assert PERSONAL_PAGES.kept.pages == {}
    dashboard(member_client)
    assert len(PERSONAL_PAGES.kept.pages) == 1


# Each change a member would expect to see on their next visit, made as the admin or a
# service makes it: (what is done, what the page then shows).


def _my_review_submitted(me, plan):
    SubmittedPlanReviewFactory(plan=plan, reviewer=me)


def _assigned_another(me, plan):
    assign(ProvidedActionPlanFactory(force=ForceFactory(name="Dyfed-Powys Police")), me)


def _assignment_removed(me, plan):
    ReviewAssignment.objects.filter(plan=plan, reviewer=me).delete()


def _meeting_planned(me, plan):
    MeetingFactory(date=TODAY + datetime.timedelta(days=20), focus="the spring reviews")


def _action_for_me(me, plan):
    MeetingActionFactory(
        meeting=MeetingFactory(date=TODAY - datetime.timedelta(days=3)),
        what="Send the chair the Gwent notes",
        owner_member=me.group_member,
    )


def _plan_moderated(me, plan):
    PlanModeration.objects.create(
        plan=plan,
        overall_judgement="good",
        leadership_rating="fully",
        note="Agreed.",
        decided_by=StaffUserFactory(),
    )


def _force_renamed(me, plan):
    plan.force.name = "Heddlu Gwent"
    plan.force.save()


def _new_force(me, plan):
    ForceFactory(name="British Transport Police")


def _draft_shared(me, plan):
    edition_share(edition=QuarterlyUpdateFactory(), shared_by=me)


CHANGES = {
    "my review submitted": (_my_review_submitted, "Submitted"),
    "a review assigned to me": (_assigned_another, "Dyfed-Powys Police"),
    "an assignment taken away": (_assignment_removed, "No reviews are assigned to you"),
    "a meeting planned": (_meeting_planned, "the spring reviews"),
    "an action given to me": (_action_for_me, "Send the chair the Gwent notes"),
    "a plan moderated": (_plan_moderated, "1/1</span> plans moderated"),
    "a force renamed": (_force_renamed, "Heddlu Gwent"),
    "a force added": (_new_force, "/2</span> plans provided"),
    "a draft shared for comment": (_draft_shared, "Read and comment on the draft"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_the_next_visit_after_a_change_shows_it(change, me, member_client):
    plan = ProvidedActionPlanFactory(force=ForceFactory(name="Gwent Police"))
    assign(plan, me)
    make_change, shown = CHANGES[change]
    assert shown not in kept(member_client)

    make_change(me, plan)

    assert shown in dashboard(member_client)


def test_a_draft_rating_changes_nothing_on_the_dashboard_and_keeps_it(me, member_client):
    plan = ProvidedActionPlanFactory(force=ForceFactory(name="Gwent Police"))
    assign(plan, me)
    review = PlanReview.objects.create(plan=plan, reviewer=me)
    kept(member_client)
    token = page_version(MEMBERS_DASHBOARD)

    review.area_ratings.create(area=working_group_areas()[0], rating="partly")

    assert page_version(MEMBERS_DASHBOARD) == token


def test_a_members_own_review_through_the_review_page_shows_on_their_next_visit(me, member_client):
    plan = ActionPlanFactory(force=ForceFactory(name="Gwent Police"))
    assign(plan, me)
    assert "Not started" in kept(member_client)

    response = member_client.post(review_url(plan), form_data(working_group_areas()))
    assert response.status_code == 302

    page = dashboard(member_client)
    assert "Draft" in page and "Not started" not in page


def test_a_waiting_message_is_shown_once_and_the_page_is_not_kept_with_it(me, member_client):
    plan = ActionPlanFactory(force=ForceFactory(name="Gwent Police"))
    assign(plan, me)
    kept(member_client)
    member_client.post(review_url(plan), form_data(working_group_areas()))  # not followed

    assert "Your draft has been saved" in dashboard(member_client)
    assert "Your draft has been saved" not in dashboard(member_client)


def test_one_members_kept_page_is_never_anothers(me, other_member, member_client):
    assign(ProvidedActionPlanFactory(force=ForceFactory(name="Gwent Police")), me)
    assign(ProvidedActionPlanFactory(force=ForceFactory(name="Dyfed-Powys Police")), other_member)
    assert "Gwent Police" in kept(member_client)
    # The other member, even with the first one's CSRF cookie, gets a page of their own.
    other = Client()
    other.force_login(other_member)
    other.cookies["csrftoken"] = member_client.cookies["csrftoken"].value
    page = dashboard(other)
    assert "Dyfed-Powys Police" in page and "Gwent Police" not in page


def test_the_permission_check_comes_before_the_kept_page(me, member_client, role_groups):
    kept(member_client)
    me.groups.clear()
    assert member_client.get(DASHBOARD).status_code == 403
    member_client.logout()
    response = member_client.get(DASHBOARD)
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_the_sign_out_button_of_a_kept_page_works(me):
    client = Client(enforce_csrf_checks=True)
    client.force_login(me)
    page = kept(client)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post("/accounts/sign-out/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 302  # signed out: sent to sign in


def test_a_new_day_makes_the_page_again(me, member_client, monkeypatch):
    assign(ProvidedActionPlanFactory(force=ForceFactory(name="Gwent Police")), me, days=0)
    assert "Overdue" not in kept(member_client)
    tomorrow = TODAY + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert "Overdue" in dashboard(member_client)


def test_a_change_while_the_page_is_made_shows_on_the_next_visit(me, member_client, monkeypatch):
    """The token is read before the page is made: a page is never kept under a token that
    already includes a change it does not show."""
    plan = ProvidedActionPlanFactory(force=ForceFactory(name="Gwent Police"))
    dashboard(member_client)  # sets the CSRF cookie: the next page is made and kept
    make = member_views._dashboard_make

    def make_then_someone_assigns(request):
        response = make(request)
        assign(plan, me)
        return response

    monkeypatch.setattr(member_views, "_dashboard_make", make_then_someone_assigns)
    assert "Gwent Police" not in dashboard(member_client)
    assert len(PERSONAL_PAGES.kept.pages) == 1
    monkeypatch.setattr(member_views, "_dashboard_make", make)
    assert "Gwent Police" in dashboard(member_client)


def test_each_page_is_made_again_when_its_token_goes(me, member_client):
    assign(ProvidedActionPlanFactory(force=ForceFactory(name="Gwent Police")), me)
    kept(member_client)
    PageVersion.objects.all().delete()  # as after a database flush
    page = dashboard(member_client)
    assert "Gwent Police" in page and PageVersion.objects.filter(name=MEMBERS_DASHBOARD).exists()


def test_nothing_is_kept_when_the_setting_is_zero(me, member_client, settings):
    settings.PERSONAL_PAGES_KEPT = 0
    for _visit in range(3):
        dashboard(member_client)
    assert PERSONAL_PAGES.kept.pages == {}


def test_a_worker_keeps_at_most_the_settings_number(me, member_client, settings):
    settings.PERSONAL_PAGES_KEPT = 2
    dashboard(member_client)
    for page in range(1, 5):
        member_client.get(f"{DASHBOARD}?assignments={page}")
    assert len(PERSONAL_PAGES.kept.pages) == 2
