"""The members' dashboard, the plans list and the summary: what members see, and the queries."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from forces.models import ActionPlan, Force, PlanModeration, PlanReview, ReviewAssignment
from tests.forces.factories import (
    ForceFactory,
    ProvidedActionPlanFactory,
    SubmittedPlanReviewFactory,
    working_group_areas,
)
from tests.oversight.factories import MeetingActionFactory, MeetingFactory, MemberFactory
from tests.reports.factories import ReadyToPublishQuarterlyUpdateFactory
from tests.reports.publishing import publish_for_test

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def make_forces(count: int, *, reviewer, other_reviewer, secretariat) -> list[ActionPlan]:
    """`count` forces with a provided plan, each assigned to two reviewers; every other plan
    has both reviews submitted, and every fourth a moderated outcome."""
    areas = working_group_areas()
    plans = []
    for index in range(count):
        force = ForceFactory(
            name=f"Force {index:04d}",
            slug=f"force-{index:04d}",
            nation=Force.Nation.WALES if index % 10 == 0 else Force.Nation.ENGLAND,
        )
        plan = ProvidedActionPlanFactory(force=force)
        plans.append(plan)
        for user in (reviewer, other_reviewer):
            ReviewAssignment.objects.create(
                plan=plan, reviewer=user, due_on=TODAY + datetime.timedelta(days=index % 20 - 5)
            )
        if index % 2 == 0:
            SubmittedPlanReviewFactory(plan=plan, reviewer=reviewer)
            SubmittedPlanReviewFactory(
                plan=plan,
                reviewer=other_reviewer,
                overall_judgement=PlanReview.Judgement.INADEQUATE,
                area_ratings={areas[0]: PlanReview.Rating.FULLY},
            )
        if index % 4 == 0:
            moderation = PlanModeration.objects.create(
                plan=plan,
                overall_judgement=PlanReview.Judgement.GOOD,
                leadership_rating=PlanReview.Rating.FULLY,
                note="Agreed with both reviewers.",
                decided_by=secretariat,
            )
            for area in areas:
                moderation.area_ratings.create(area=area, rating=PlanReview.Rating.PARTLY)
    return plans


@pytest.fixture
def reviewers(member_user, other_member, secretariat_user):
    MemberFactory(user=member_user, name="Polly Neate")
    return member_user, other_member, secretariat_user


def build(count: int, reviewers) -> list[ActionPlan]:
    reviewer, other, secretariat = reviewers
    return make_forces(count, reviewer=reviewer, other_reviewer=other, secretariat=secretariat)


def get_counting(client, url: str) -> tuple[int, bytes]:
    client.get(url)  # the session and permission caches warmed, as on any later page
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content


# Every page starts with the same four: the session, the user, and the user's and their
# groups' permissions (the members' area check).
SIGNED_IN = 4


@pytest.mark.parametrize("count", [43, 430])
def test_query_counts_do_not_grow_with_the_forces(count, reviewers, member_client):
    build(count, reviewers)
    # The dashboard: how many assignments I have; one page of them with their plans and my
    # reviews' statuses; whether any plan's outcome is stale; the running totals per nation
    # (forces, plans provided and moderated, assignments, submitted reviews); my open actions
    # from meetings; the next meeting; the draft update shared with the group.
    assert get_counting(member_client, "/members/")[0] == SIGNED_IN + 7
    # The list, a page at a time, whatever the filter or the sort (the review status is kept
    # on each plan): whether any plan's outcome is stale; how many plans match (the running
    # totals, or a count of my plans); the page's current plans with force; their assignments
    # with reviewers, members and organisations; their submitted reviews; my reviews' statuses.
    for query in (
        "",
        "?nation=wales&mine=on&page=2",
        "?sort=status&nation=wales&mine=on",
        "?status=needs_moderation&sort=status",
        "?status=reviewed&status=moderated&page=2",
    ):
        assert get_counting(member_client, f"/forces/plans/{query}")[0] == SIGNED_IN + 6, query
    # The summary, a page of the heatmap at a time: whether any plan is stale; areas; the
    # running totals (how many current plans, and how many were rated each way: the charts);
    # the page's plans with force; their counted ratings.
    assert get_counting(member_client, "/forces/plans/summary/")[0] == SIGNED_IN + 5
    assert get_counting(member_client, "/forces/plans/summary/?page=3")[0] == SIGNED_IN + 5


# What `transaction.atomic` adds inside a test's own transaction: a savepoint and its release.
TRANSACTION_QUERIES = 2


@pytest.mark.parametrize("count", [43, 430])
def test_after_a_review_changes_only_its_plan_is_worked_out_again(count, reviewers, member_client):
    plans = build(count, reviewers)
    get_counting(member_client, "/forces/plans/")  # every plan's outcome worked out
    SubmittedPlanReviewFactory(plan=plans[1], reviewer=reviewers[2])
    with CaptureQueriesContext(connection) as queries:
        response = member_client.get("/forces/plans/summary/")
    # Signed in; whether any plan is stale; the stale plans, locked, with their force,
    # moderation and number of assignments; their submitted reviews; those reviews' area
    # ratings (no moderated ratings to read: the plan is not moderated); then the old counted
    # ratings deleted, the new ones inserted and the plans updated; then the difference added
    # to the running totals (any new ones inserted, the ones to change locked, then updated);
    # then the summary's own five less the staleness check.
    assert len(queries) == SIGNED_IN + 1 + TRANSACTION_QUERIES + 3 + 3 + 3 + 4
    row = next(row for row in response.context["summary"].rows if row.plan == plans[1])
    # One of its two reviewers has been joined by a third, unassigned: it counts now.
    assert row.status == "in_review" and row.cells[-1] == ("good", "Good")


def test_the_dashboard_shows_my_reviews_progress_and_the_next_meeting(reviewers, member_client):
    build(8, reviewers)
    MeetingFactory(date=TODAY + datetime.timedelta(days=30), focus="agreeing the review")
    MeetingFactory(date=TODAY - datetime.timedelta(days=30))
    page = member_client.get("/members/").content.decode()
    assert "8 reviews assigned to you" in page
    assert "Overdue" in page
    assert "8/8" in page  # plans provided of forces
    assert "8/16" in page  # assigned reviews submitted: both reviews of every other plan
    assert "2/8" in page  # moderated
    assert "agreeing the review" in page
    assert "Wales" in page


def test_the_plans_list_filters_and_sorts(reviewers, member_client, other_member):
    plans = build(6, reviewers)
    ReviewAssignment.objects.filter(plan=plans[1], reviewer=reviewers[0]).delete()
    rows = member_client.get("/forces/plans/?mine=on").context["rows"]
    assert plans[1] not in [row.plan for row in rows] and len(rows) == 5
    wales = member_client.get("/forces/plans/?nation=wales").context["rows"]
    assert [row.plan.force.name for row in wales] == ["Force 0000"]
    moderated = member_client.get("/forces/plans/?status=moderated").context["rows"]
    assert [row.plan for row in moderated] == [plans[0], plans[4]]
    by_status = member_client.get("/forces/plans/?sort=status").context["rows"]
    assert [row.status for row in by_status] == sorted(
        (row.status for row in by_status), key=list(type(by_status[0].status)).index
    )
    # Nonsense in the address is ignored, not an error.
    assert member_client.get("/forces/plans/?nation=mars&sort=%3Cscript%3E").status_code == 200
    page = member_client.get("/forces/plans/").content.decode()
    assert "Polly Neate" in page and "Being reviewed" in page


def test_the_summary_is_a_table_with_text_and_charts_with_their_figures(reviewers, member_client):
    build(4, reviewers)
    page = member_client.get("/forces/plans/summary/").content.decode()
    assert "<table" in page and "Not yet counted" in page and "Partly addressed" in page
    assert 'role="img"' in page and "<title" in page
    assert "Download every submitted review" not in page  # members do not get the downloads


def test_the_secretariat_downloads_every_submitted_review(reviewers, secretariat_client):
    build(4, reviewers)
    response = secretariat_client.get("/forces/plans/summary/reviews.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["force", "nation", "plan_version"]
    assert len(rows) == 1 + 4  # two plans with two submitted reviews each
    assert "Every call handler trained in DASH by March." in rows[1]

    xlsx = secretariat_client.get("/forces/plans/summary/reviews.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 5 and sheet["A1"].value == "force"


def test_a_formula_in_a_review_is_kept_as_text_in_the_download(reviewers, secretariat_client):
    plan = build(1, reviewers)[0]
    plan.reviews.update(strengths='=HYPERLINK("http://evil")')
    rows = list(
        csv.reader(
            io.StringIO(
                secretariat_client.get("/forces/plans/summary/reviews.csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert '\'=HYPERLINK("http://evil")' in rows[1]


def test_members_cannot_download_reviews(reviewers, member_client):
    assert member_client.get("/forces/plans/summary/reviews.csv").status_code == 403
    assert member_client.get("/forces/plans/summary/reviews.xlsx").status_code == 403


def test_the_dashboard_lists_my_open_actions_from_meetings_and_no_one_elses(
    reviewers, member_client, member_user
):
    me = member_user.group_member
    meeting = MeetingFactory(date=TODAY - datetime.timedelta(days=10))
    MeetingActionFactory(
        meeting=meeting,
        what="Circulate the draft plan",
        owner_member=me,
        due_on=TODAY - datetime.timedelta(days=1),
    )
    MeetingActionFactory(
        meeting=meeting,
        what="Already done",
        owner_member=me,
        done=True,
        done_on=TODAY,
    )
    MeetingActionFactory(
        meeting=meeting, what="Someone else's action", owner_member=MemberFactory()
    )

    page = member_client.get("/members/").content.decode()

    assert "Circulate the draft plan" in page and "Overdue" in page
    assert "Already done" not in page and "Someone else" not in page


def test_the_public_never_sees_a_review_or_a_rating(reviewers, anonymous_client, secretariat_user):
    """Reviews are for members and the secretariat: no public page shows one, not even a
    published update, and the members' pages send the public to sign in."""
    plan = ProvidedActionPlanFactory(force=ForceFactory(name="Gwent Police", slug="gwent"))
    review = SubmittedPlanReviewFactory(
        plan=plan,
        reviewer=reviewers[0],
        overall_judgement=PlanReview.Judgement.INADEQUATE,
        strengths="STRENGTHS-NOT-FOR-THE-PUBLIC",
        advice="ADVICE-NOT-FOR-THE-PUBLIC",
    )
    edition = publish_for_test(ReadyToPublishQuarterlyUpdateFactory(), by=secretariat_user)
    edition_url = edition.edition.get_absolute_url()
    for url in ("/", "/updates/", "/recommendations/", edition_url):
        page = anonymous_client.get(url).content.decode()
        for secret in (review.strengths, review.advice, "Inadequate", "Partly addressed"):
            assert secret not in page, f"{url} shows {secret!r}"
    for url in (
        "/members/",
        "/forces/plans/",
        f"/forces/plans/{plan.pk}/review/",
        "/forces/plans/summary/",
        "/forces/plans/summary/reviews.csv",
    ):
        assert anonymous_client.get(url)["Location"].startswith("/accounts/sign-in/")


def test_the_plans_list_is_paged_and_keeps_its_filters(reviewers, member_client) -> None:
    build(120, reviewers)  # 50 a page: three pages

    first = member_client.get("/forces/plans/?nation=england")
    last = member_client.get("/forces/plans/?nation=england&page=3")
    beyond = member_client.get("/forces/plans/?nation=england&page=99")
    nonsense = member_client.get("/forces/plans/?page=%3Cscript%3E")

    english = Force.objects.filter(nation="england").count()
    assert len(first.context["rows"]) == 50
    assert len(last.context["rows"]) == english - 100
    assert [row.plan for row in beyond.context["rows"]] == [
        row.plan for row in last.context["rows"]
    ]
    assert nonsense.status_code == 200 and nonsense.context["page"].number == 1
    page = first.content.decode()
    assert f"{english} plans" in page and "Showing 1 to 50" in page
    assert 'aria-label="Pages of plans"' in page
    assert 'href="?nation=england&amp;page=2"' in page  # the filter kept
    assert 'aria-current="page"' in page
    names = [row.plan.force.name for page_ in (first, last) for row in page_.context["rows"]]
    assert names == sorted(names)


def test_a_short_list_has_no_pagination(reviewers, member_client) -> None:
    build(6, reviewers)

    page = member_client.get("/forces/plans/").content.decode()

    assert "govuk-pagination" not in page


def test_the_dashboard_pages_my_assignments(reviewers, member_client) -> None:
    build(45, reviewers)  # 45 assignments each, 20 a page

    first = member_client.get("/members/")
    third = member_client.get("/members/?assignments=3")

    assert len(first.context["my_assignments"]) == 20
    assert len(third.context["my_assignments"]) == 5
    page = first.content.decode()
    assert "45 reviews assigned to you" in page
    assert 'href="?assignments=2"' in page


def test_the_summary_pages_its_heatmap_but_counts_every_plan(reviewers, secretariat_client):
    build(60, reviewers)

    response = secretariat_client.get("/forces/plans/summary/?page=2")

    assert len(response.context["heatmap"]) == 10
    page = response.content.decode()
    assert "Counted ratings of 60 current plans" in page
    # The charts count all sixty, not the page: the bars of the overall judgement add up.
    overall = next(chart for chart in response.context["summary"].charts if chart.key == "overall")
    assert sum(count for _, _, count in overall.bars) == 60
