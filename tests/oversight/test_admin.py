"""The secretariat's admin: who may use it, and that every page stays cheap as the records grow."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forces.models import (
    ActionPlan,
    AreaRating,
    CountedRating,
    Force,
    ForceConflict,
    ModeratedAreaRating,
    PlanAction,
    PlanModeration,
    PlanReview,
    ProgressTally,
    ReviewAssignment,
    ReviewReopening,
)
from oversight.admin_base import AdminSite
from oversight.models import (
    Invitation,
    LoadedRecord,
    Meeting,
    MeetingAction,
    MeetingPaper,
    Member,
    Organisation,
    OutgoingEmail,
    PageVersion,
    RateLimitBucket,
    TaskWorker,
)
from recommendations.models import Area, Recommendation
from reports.models import (
    AlertDelivery,
    AlertSubscription,
    CompressedPage,
    EditionSignOffStep,
    ProgressUpdate,
    Publication,
    PublicationPdf,
    PublicationWithdrawal,
    QuarterlyUpdate,
    SearchPassage,
    SectionComment,
    SectionStatus,
)
from tests.forces.factories import (
    ActionPlanFactory,
    AreaRatingFactory,
    ForceFactory,
    PlanActionFactory,
    ReviewReopeningFactory,
    SubmittedPlanReviewFactory,
)
from tests.oversight.factories import (
    InvitationFactory,
    LoadedRecordFactory,
    MeetingActionFactory,
    MeetingFactory,
    MeetingPaperFactory,
    MemberFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.recommendations.factories import AreaFactory, RecommendationFactory
from tests.reports.factories import (
    ProgressUpdateFactory,
    PublicationFactory,
    PublicationPdfFactory,
    PublishedQuarterlyUpdateFactory,
    QuarterlyUpdateFactory,
)

pytestmark = pytest.mark.django_db

OUR_APPS = ("oversight", "recommendations", "forces", "reports")
REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in OUR_APPS),
    key=lambda model: model._meta.label,
)
# Written only by a data load, the publishing service or (reviews) group members on their own
# pages, or by the background jobs and their workers: never added or changed in the admin.
READ_ONLY = {
    LoadedRecord,
    Publication,
    PublicationPdf,
    PublicationWithdrawal,
    PlanReview,
    AreaRating,
    ReviewReopening,
    OutgoingEmail,
    PageVersion,
    RateLimitBucket,
    TaskWorker,
    # Issue 9, assign: moderated outcomes are recorded on the moderation page only.
    PlanModeration,
    ModeratedAreaRating,
    Invitation,
}


class Rows:
    """Makes changelist rows whose related objects are partly shared and partly their own.

    Odd rows share one related object of each kind, even rows get new ones, so a changelist
    that fetched related objects row by row would need more queries as rows are added.
    """

    def __init__(self, make_row: Callable[["Rows", int], Model]) -> None:
        self._make_row = make_row
        self._shared: dict[Any, Model] = {}
        self.made = 0

    def make(self, count: int) -> list[Model]:
        made = [self._make_row(self, index) for index in range(self.made, self.made + count)]
        self.made += count
        return made

    def shared(self, factory: Any) -> Model:
        if factory not in self._shared:
            self._shared[factory] = factory()
        return self._shared[factory]

    def related(self, index: int, factory: Any) -> Model:
        return self.shared(factory) if index % 2 else factory()


def _meeting(rows: Rows, index: int) -> Meeting:
    meeting = MeetingFactory()
    meeting.attendees.add(rows.related(index, MemberFactory), MemberFactory())
    MeetingPaperFactory(meeting=meeting)
    return meeting


def _recommendation(rows: Rows, index: int) -> Recommendation:
    recommendation = RecommendationFactory(reported_with=rows.related(index, RecommendationFactory))
    recommendation.addressed_to.add(rows.shared(OrganisationFactory), OrganisationFactory())
    return recommendation


def _force(rows: Rows, index: int) -> Force:
    force = ForceFactory()
    ActionPlanFactory(force=force, version=1)
    ActionPlanFactory(force=force, version=2)
    return force


def _action_plan(rows: Rows, index: int) -> ActionPlan:
    # The version grows with the row so plans for the shared force stay unique.
    plan = ActionPlanFactory(force=rows.related(index, ForceFactory), version=index + 1)
    PlanActionFactory(plan=plan)
    return plan


def _quarterly_update(rows: Rows, index: int) -> QuarterlyUpdate:
    factory = PublishedQuarterlyUpdateFactory if index % 2 else QuarterlyUpdateFactory
    update = factory(publisher=rows.related(index, OrganisationFactory))
    ProgressUpdateFactory(edition=update)
    return update


def _bullet(rows: Rows, index: int) -> ProgressUpdate:
    if index % 3 == 0:
        return ProgressUpdateFactory(
            edition=rows.related(index, QuarterlyUpdateFactory),
            recommendation=rows.related(index, RecommendationFactory),
        )
    parent = rows.related(index, ProgressUpdateFactory)
    return ProgressUpdateFactory(
        parent=parent, edition=parent.edition, recommendation=parent.recommendation
    )


def _publication(rows: Rows, index: int) -> Publication:
    # The revision grows with the row so publications of the shared edition stay unique.
    return PublicationFactory(
        edition=rows.related(index, PublishedQuarterlyUpdateFactory),
        revision=index + 1,
        published_by=rows.related(index, UserFactory),
    )


def _loaded_record(rows: Rows, index: int) -> LoadedRecord:
    record = ForceFactory() if index % 2 else rows.related(index, OrganisationFactory)
    return LoadedRecordFactory(record=record)


def _moderation(rows: Rows, index: int) -> PlanModeration:
    return PlanModeration.objects.create(
        plan=ActionPlanFactory(),
        overall_judgement="good",
        leadership_rating="fully",
        note="Agreed.",
        decided_by=rows.related(index, UserFactory),
    )


ROW_MAKERS: dict[type[Model], Callable[[Rows, int], Model]] = {
    Organisation: lambda rows, index: OrganisationFactory(),
    # No role, so the listing label falls back to the organisation's name.
    Member: lambda rows, index: MemberFactory(
        role="", organisation=rows.related(index, OrganisationFactory)
    ),
    Meeting: _meeting,
    # Half owned by members, half by organisations: the owner column shows either.
    MeetingAction: lambda rows, index: MeetingActionFactory(
        meeting=rows.related(index, MeetingFactory),
        owner_member=MemberFactory() if index % 2 else None,
        owner_organisation=None if index % 2 else OrganisationFactory(),
    ),
    MeetingPaper: lambda rows, index: MeetingPaperFactory(
        meeting=rows.related(index, MeetingFactory)
    ),
    LoadedRecord: _loaded_record,
    Recommendation: _recommendation,
    Area: lambda rows, index: AreaFactory(),
    Force: _force,
    ActionPlan: _action_plan,
    PlanAction: lambda rows, index: PlanActionFactory(
        plan=rows.related(index, ActionPlanFactory), area=rows.related(index, AreaFactory)
    ),
    # One review per plan and reviewer: each row has a reviewer of its own. Only submitted
    # reviews reach the admin (drafts are their authors' own).
    PlanReview: lambda rows, index: SubmittedPlanReviewFactory(
        plan=rows.related(index, ActionPlanFactory), reviewer=UserFactory()
    ),
    AreaRating: lambda rows, index: AreaRatingFactory(
        review=SubmittedPlanReviewFactory(
            plan=rows.related(index, ActionPlanFactory), reviewer=UserFactory()
        ),
        area=AreaFactory(),
    ),
    ReviewReopening: lambda rows, index: ReviewReopeningFactory(
        review=SubmittedPlanReviewFactory(
            plan=rows.related(index, ActionPlanFactory), reviewer=UserFactory()
        ),
        reopened_by=rows.related(index, UserFactory),
    ),
    QuarterlyUpdate: _quarterly_update,
    ProgressUpdate: _bullet,
    Publication: _publication,
    PublicationPdf: lambda rows, index: PublicationPdfFactory(
        publication=_publication(rows, index)
    ),
    PublicationWithdrawal: lambda rows, index: PublicationWithdrawal.objects.create(
        publication=_publication(rows, index),
        reason="It gave a phone number.",
        requested_by=rows.related(index, UserFactory),
        requested_at=timezone.now(),
    ),
    OutgoingEmail: lambda rows, index: OutgoingEmail.objects.create(
        idempotency_key=f"test:{index}", to=["a@example.org"], subject="Hello", body="Hi"
    ),
    RateLimitBucket: lambda rows, index: RateLimitBucket.objects.create(
        scope="test", key_hash=f"{index:064x}", window_started_at=timezone.now(), count=1
    ),
    TaskWorker: lambda rows, index: TaskWorker.objects.create(
        worker_id=f"worker-{index}", last_seen_at=timezone.now()
    ),
    # Issue 9, assign.
    ReviewAssignment: lambda rows, index: ReviewAssignment.objects.create(
        plan=rows.related(index, ActionPlanFactory),
        reviewer=UserFactory(),
        due_on=datetime.date(2015, 1, 31),
        assigned_by=rows.related(index, UserFactory),
    ),
    ForceConflict: lambda rows, index: ForceConflict.objects.create(
        member=MemberFactory(organisation=rows.related(index, OrganisationFactory)),
        force=rows.related(index, ForceFactory),
    ),
    PlanModeration: lambda rows, index: _moderation(rows, index),
    ModeratedAreaRating: lambda rows, index: ModeratedAreaRating.objects.create(
        moderation=_moderation(rows, index), area=AreaFactory(), rating="partly"
    ),
    # Getting in (issue 9, access): each invitation by a member and a creator of its own.
    Invitation: lambda rows, index: InvitationFactory(created_by=UserFactory()),
}


def admin_url(model: type[Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# The public's e-mail alert subscriptions: no page shows a subscriber's address, the admin's
# included, and nobody in the group needs the list (issue 11; the privacy notice says so).
NOT_IN_ADMIN = {
    AlertSubscription,
    AlertDelivery,
    # Read and written on their edition's section pages in the admin (reports/section_admin.py,
    # with rows of their own in the permission matrix), beside the bullets they belong with.
    SectionStatus,
    SectionComment,
    # Listed on their edition's change page, written only by the sign-off services.
    EditionSignOffStep,
    # The public search's passages (issue 11): derived from publications and rebuilt from them
    # (reports/search.py, `rebuild_search_index`), nothing for the secretariat to edit.
    SearchPassage,
    # What each plan's reviews come to (issue 13): worked out from the reviews and moderation
    # by forces.review_outcomes, shown on the members' summary, nothing to edit.
    CountedRating,
    # The running totals over the current plans (issue 13, ADR 10): kept by
    # forces.review_outcomes as each plan is worked out, shown on the dashboard and summary.
    ProgressTally,
    # A token per kind of kept signed-in page (issue 13, oversight.personal_pages): replaced
    # by every write to what the page shows, nothing for the secretariat to edit.
    PageVersion,
}


def test_every_model_of_our_apps_is_registered() -> None:
    models = {
        model
        for label in OUR_APPS
        for model in apps.get_app_config(label).get_models()
        # History rows are shown on each record's history page (simple-history).
        if not model._meta.model_name.startswith("historical")
        # A publication's page compressed (issue 12): bytes derived from the page, made and
        # read only by reports.compressed, with nothing in them for the secretariat to read.
        and model is not CompressedPage
    }
    assert models - set(REGISTERED) == NOT_IN_ADMIN
    assert not NOT_IN_ADMIN & set(REGISTERED)


def test_every_registered_model_has_a_row_maker() -> None:
    # A model registered later needs a row maker here, or its changelist goes untested.
    assert set(REGISTERED) - set(ROW_MAKERS) == set()


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_queries_do_not_grow_with_rows(
    secretariat_client, steady_session, model
) -> None:
    rows = Rows(ROW_MAKERS[model])
    rows.make(10)
    url = admin_url(model, "changelist")
    # Warm up caches (content types, site) so both counts below start from the same state.
    assert secretariat_client.get(url).status_code == 200

    with CaptureQueriesContext(connection) as few_rows:
        response = secretariat_client.get(url)
    assert response.status_code == 200

    rows.make(90)
    with CaptureQueriesContext(connection) as more_rows:
        response = secretariat_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 100

    queries = "\n".join(query["sql"] for query in more_rows.captured_queries)
    assert len(more_rows) == len(few_rows), queries


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_a_changelist_counts_its_rows_once(secretariat_client, model) -> None:
    Rows(ROW_MAKERS[model]).make(3)

    with CaptureQueriesContext(connection) as queries:
        response = secretariat_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200

    table = connection.ops.quote_name(model._meta.db_table)
    counts = [q["sql"] for q in queries if "COUNT(*)" in q["sql"] and f"FROM {table}" in q["sql"]]
    # The page's count of its rows; not the whole table's again for "(N total)".
    assert len(counts) == 1, counts


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_add_form(secretariat_client, model) -> None:
    response = secretariat_client.get(admin_url(model, "add"))

    assert response.status_code == (403 if model in READ_ONLY else 200)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_change_form(secretariat_client, model) -> None:
    [row] = Rows(ROW_MAKERS[model]).make(1)

    response = secretariat_client.get(admin_url(model, "change", row.pk))

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("persona", "expected_status"),
    [("anonymous_client", 302), ("member_client", 302), ("secretariat_client", 200)],
)
@pytest.mark.parametrize(
    "url_name",
    ["admin:index", "admin:recommendations_recommendation_changelist", "admin:forces_force_add"],
)
def test_only_the_secretariat_uses_the_admin(request, persona, expected_status, url_name) -> None:
    client = request.getfixturevalue(persona)
    url = reverse(url_name)

    response = client.get(url)

    assert response.status_code == expected_status
    if expected_status == 302:
        assert response["Location"] == f"{reverse('admin:login')}?next={url}"


def test_loaded_records_are_read_only_even_for_the_secretariat(secretariat_client) -> None:
    record = LoadedRecordFactory()

    assert secretariat_client.get(admin_url(LoadedRecord, "add")).status_code == 403
    assert secretariat_client.get(admin_url(LoadedRecord, "delete", record.pk)).status_code == 403
    response = secretariat_client.post(
        admin_url(LoadedRecord, "change", record.pk), {"key": "changed"}
    )
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.key != "changed"


def test_published_fields_are_read_only(secretariat_client) -> None:
    update = PublishedQuarterlyUpdateFactory()

    response = secretariat_client.get(admin_url(QuarterlyUpdate, "change", update.pk))

    form = response.context["adminform"].form
    assert {"status", "published_at", "published_by"}.isdisjoint(form.fields)


@pytest.mark.parametrize(
    ("serving", "expected"), [("yes", {"serving", "leaving"}), ("no", {"left"})]
)
def test_the_still_serving_filter_agrees_with_current_members(
    secretariat_client, serving, expected
) -> None:
    today = timezone.localdate()
    members = {
        "serving": MemberFactory(name="Serving", joined_on=datetime.date(2014, 6, 1)),
        "leaving": MemberFactory(name="Leaving", left_on=today + datetime.timedelta(days=30)),
        "left": MemberFactory(name="Left", left_on=today),
        "joining": MemberFactory(name="Joining", joined_on=today + datetime.timedelta(days=1)),
    }

    response = secretariat_client.get("/admin/oversight/member/", {"serving": serving})

    shown = {member.pk for member in response.context["cl"].result_list}
    assert shown == {members[name].pk for name in expected}
    if serving == "yes":
        assert shown == set(Member.objects.current().values_list("pk", flat=True))


def test_attendees_are_found_by_organisation(secretariat_client) -> None:
    member = MemberFactory(name="Polly Neate", role="", organisation__name="Women's Aid")
    MemberFactory(organisation__name="College of Policing")

    response = secretariat_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "oversight",
            "model_name": "meeting",
            "field_name": "attendees",
            "term": "women",
        },
    )

    assert response.status_code == 200
    assert response.json()["results"] == [
        {"id": str(member.pk), "text": "Polly Neate – Women's Aid"}
    ]


@pytest.mark.parametrize(
    ("app_label", "model_name", "field_name"),
    [
        ("reports", "quarterlyupdate", "publisher"),
        ("oversight", "member", "organisation"),
        ("recommendations", "recommendation", "addressed_to"),
        ("forces", "actionplan", "force"),
        ("forces", "planaction", "plan"),
    ],
)
def test_autocomplete_lists_come_in_a_stable_order(
    secretariat_client, app_label, model_name, field_name
):
    # Counting rows in a changelist drops the model's default ordering; without the admin's
    # own, paging through these lists would skip and repeat rows.
    response = secretariat_client.get(
        "/admin/autocomplete/",
        {"app_label": app_label, "model_name": model_name, "field_name": field_name},
    )

    assert response.status_code == 200


def test_each_rows_checkbox_is_the_markup_djangos_widget_renders(secretariat_client):
    organisation = OrganisationFactory(name='Women\'s Aid <Federation> & "Partners"')
    model_admin = admin.site._registry[Organisation]

    response = secretariat_client.get(reverse("admin:oversight_organisation_changelist"))

    widget_markup = admin.ModelAdmin.action_checkbox(model_admin, organisation)
    assert "<Federation>" not in widget_markup  # the name is escaped, as everywhere
    assert widget_markup in response.content.decode()
    assert model_admin.action_checkbox(organisation) == widget_markup


@pytest.mark.parametrize(
    "model", [PlanReview, ReviewAssignment, MeetingAction, Meeting, ReviewReopening, Publication]
)
def test_the_lists_that_grow_filter_by_date_without_reading_every_row(
    secretariat_client, model
) -> None:
    Rows(ROW_MAKERS[model]).make(3)

    with CaptureQueriesContext(connection) as queries:
        response = secretariat_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert "This month" in response.content.decode()  # the date filter's choices
    # A date hierarchy's list of years is a DISTINCT over the whole table.
    assert not [query["sql"] for query in queries if "DISTINCT" in query["sql"]]


def test_a_list_says_show_all_only_when_it_does_not(secretariat_client) -> None:
    OrganisationFactory(name="Women's Aid")
    OrganisationFactory(name="SafeLives")
    url = reverse("admin:oversight_organisation_changelist")

    assert "Show all" not in secretariat_client.get(url).content.decode()
    searched = secretariat_client.get(url, {"q": "SafeLives"}).content.decode()
    assert "1 result" in searched and "Show all" in searched
    # A lookup in a link (no list filter of its own) still offers the way back to all.
    linked = secretariat_client.get(url, {"name": "SafeLives"}).content.decode()
    assert "1 result" in linked and "Show all" in linked


def test_a_list_shows_twenty_rows_a_page_and_links_to_the_rest(secretariat_client) -> None:
    OrganisationFactory.create_batch(21)
    url = reverse("admin:oversight_organisation_changelist")

    first = secretariat_client.get(url)
    second = secretariat_client.get(url, {"p": "2"})

    assert len(first.context["cl"].result_list) == 20
    assert 'href="?p=2"' in first.content.decode()
    assert "21 organisations" in first.content.decode()
    assert len(second.context["cl"].result_list) == 1


def test_every_force_and_every_forces_plan_fit_on_one_page(secretariat_client) -> None:
    for force in ForceFactory.create_batch(43):
        ActionPlanFactory(force=force)

    for model in (Force, ActionPlan):
        response = secretariat_client.get(admin_url(model, "changelist"))
        assert len(response.context["cl"].result_list) == 43, model


def test_a_librarys_list_gets_short_pages_unless_it_chose_its_own_size() -> None:
    class ChoseItsOwn(admin.ModelAdmin):
        list_per_page = 60

    site = AdminSite(name="pages")
    site.register(Organisation)
    site.register(Member, ChoseItsOwn)

    assert site._registry[Organisation].list_per_page == 20
    assert site._registry[Member].list_per_page == 60
