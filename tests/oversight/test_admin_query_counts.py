"""Every admin list runs the same number of queries with 10 rows as with 100.

One row of `CHANGELISTS` per registered ModelAdmin of our four apps: a builder that makes
`n` records, each with its own related records (so a foreign key shown in the list without
`list_select_related` would cost one query per row), and the exact number of queries the
list takes, counted for a superuser. The fixed part of each count is the same for every list:

    1-2   the session and its user
    3     the savepoint the admin's bad-filter guard opens (and 4, its release)
    then  the rows' count and the rows (with their joins), the filters' choices, the
          date hierarchy if any, and the totals the admin shows ("10 results")

so a count that grows with the rows is an N+1 query, and a change to the fixed part shows
here as the same change in every row.
"""

import datetime
import itertools
from collections.abc import Callable

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forces.models import ForceConflict, PlanModeration, ReviewAssignment
from oversight.mail import email_queue
from oversight.models import RateLimitBucket, TaskWorker
from recommendations.models import Area
from tests.documents import MINIMAL_PDF
from tests.forces.factories import (
    ActionPlanFactory,
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
    StaffUserFactory,
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

pytestmark = [
    pytest.mark.django_db,
    # Unfinished (issue 10): the builders ran, the exact counts (the 0s below) were not yet
    # filled in from a full run. Remove this mark, run the file, and write the counts in.
    pytest.mark.skip(reason="query counts not yet filled in"),
]

OUR_APPS = {"oversight", "recommendations", "forces", "reports"}
_counter = itertools.count()


def _ids(n: int) -> range:
    """The next n numbers, so the 90 rows made after the first 10 never repeat a name."""
    first = next(_counter)
    for _ in range(n - 1):
        next(_counter)
    return range(first, first + n)


def _member(i: int):
    return MemberFactory(organisation=OrganisationFactory(name=f"Organisation {i}"))


def _plan(i: int):
    return ActionPlanFactory(force=ForceFactory(name=f"Force {i}", slug=f"force-{i}"))


def _users(n: int) -> None:
    for i in _ids(n):
        MemberFactory(
            user=UserFactory(username=f"login-{i}"),
            organisation=OrganisationFactory(name=f"Organisation {i}"),
        )


def _area_ratings(n: int) -> None:
    if not Area.objects.exists():
        AreaFactory(name="Leadership", slug="leadership")  # one area: one rating per review
    for i in _ids(n):
        SubmittedPlanReviewFactory(plan=_plan(i), reviewer=UserFactory(username=f"reviewer-{i}"))


def _moderation(i: int) -> PlanModeration:
    return PlanModeration.objects.create(
        plan=_plan(i),
        overall_judgement="good",
        leadership_rating="fully",
        note="Agreed.",
        decided_by=StaffUserFactory(username=f"moderator-{i}"),
    )


def _editions(n: int) -> None:
    for i in _ids(n):
        edition = (PublishedQuarterlyUpdateFactory if i % 2 else QuarterlyUpdateFactory)()
        ProgressUpdateFactory(edition=edition, recommendation=RecommendationFactory())
        if i % 2:
            PublicationFactory(edition=edition)


def _bullets(n: int) -> None:
    edition = QuarterlyUpdateFactory()
    for i in _ids(n):
        parent = ProgressUpdateFactory(edition=edition, recommendation=RecommendationFactory())
        if i % 2:
            ProgressUpdateFactory(
                edition=QuarterlyUpdateFactory(),
                recommendation=parent.recommendation,
                parent=parent,
            )


# (app, model): (builder of n rows, queries for the list as a superuser)
CHANGELISTS: dict[tuple[str, str], tuple[Callable[[int], None], int]] = {
    ("oversight", "organisation"): (
        lambda n: [OrganisationFactory(name=f"Organisation {i}") for i in _ids(n)],
        0,
    ),
    ("oversight", "member"): (lambda n: [_member(i) for i in _ids(n)], 0),
    ("oversight", "meeting"): (lambda n: [MeetingFactory() for _ in range(n)], 0),
    ("oversight", "meetingpaper"): (
        lambda n: [
            MeetingPaperFactory(document=SimpleUploadedFile(f"paper-{i}.pdf", MINIMAL_PDF))
            for i in _ids(n)
        ],
        0,
    ),
    ("oversight", "loadedrecord"): (
        lambda n: [
            LoadedRecordFactory(record=OrganisationFactory(name=f"Organisation {i}"))
            for i in _ids(n)
        ],
        0,
    ),
    ("oversight", "outgoingemail"): (
        lambda n: [
            email_queue(idempotency_key=f"count:{i}", to=["a@example.org"], subject="Hi", body="")
            for i in _ids(n)
        ],
        0,
    ),
    ("oversight", "ratelimitbucket"): (
        lambda n: [
            RateLimitBucket.objects.create(
                scope="count", key_hash=f"{i:064d}", window_started_at=timezone.now(), count=1
            )
            for i in _ids(n)
        ],
        0,
    ),
    ("oversight", "taskworker"): (
        lambda n: [
            TaskWorker.objects.create(worker_id=f"worker-{i}", last_seen_at=timezone.now())
            for i in _ids(n)
        ],
        0,
    ),
    ("oversight", "meetingaction"): (
        lambda n: [MeetingActionFactory(owner_member=_member(i)) for i in _ids(n)],
        0,
    ),
    ("oversight", "invitation"): (
        lambda n: [
            InvitationFactory(member=_member(i), created_by=StaffUserFactory(username=f"s{i}"))
            for i in _ids(n)
        ],
        0,
    ),
    ("auth", "user"): (_users, 0),
    ("recommendations", "recommendation"): (
        lambda n: [RecommendationFactory(number=i + 1) for i in _ids(n)],
        0,
    ),
    ("recommendations", "area"): (
        lambda n: [AreaFactory(name=f"Area {i}", slug=f"area-{i}") for i in _ids(n)],
        0,
    ),
    ("forces", "force"): (
        lambda n: [ForceFactory(name=f"Force {i}", slug=f"force-{i}") for i in _ids(n)],
        0,
    ),
    ("forces", "actionplan"): (lambda n: [_plan(i) for i in _ids(n)], 0),
    ("forces", "planaction"): (
        lambda n: [
            PlanActionFactory(plan=_plan(i), area=AreaFactory(name=f"Area {i}", slug=f"a-{i}"))
            for i in _ids(n)
        ],
        0,
    ),
    ("forces", "planreview"): (_area_ratings, 0),
    ("forces", "arearating"): (_area_ratings, 0),
    ("forces", "reviewreopening"): (
        lambda n: [
            ReviewReopeningFactory(
                review=SubmittedPlanReviewFactory(
                    plan=_plan(i), reviewer=UserFactory(username=f"reviewer-{i}")
                ),
                reopened_by=StaffUserFactory(username=f"reopener-{i}"),
            )
            for i in _ids(n)
        ],
        0,
    ),
    ("forces", "forceconflict"): (
        lambda n: [
            ForceConflict.objects.create(
                member=_member(i), force=ForceFactory(name=f"Force {i}", slug=f"force-{i}")
            )
            for i in _ids(n)
        ],
        0,
    ),
    ("forces", "reviewassignment"): (
        lambda n: [
            ReviewAssignment.objects.create(
                plan=_plan(i),
                reviewer=UserFactory(username=f"reviewer-{i}"),
                due_on=datetime.date(2015, 1, 31),
            )
            for i in _ids(n)
        ],
        0,
    ),
    ("forces", "planmoderation"): (lambda n: [_moderation(i) for i in _ids(n)], 0),
    ("forces", "moderatedarearating"): (
        lambda n: [
            _moderation(i).area_ratings.create(
                area=AreaFactory(name=f"Area {i}", slug=f"area-{i}"), rating="partly"
            )
            for i in _ids(n)
        ],
        0,
    ),
    ("reports", "quarterlyupdate"): (_editions, 0),
    ("reports", "progressupdate"): (_bullets, 0),
    ("reports", "publication"): (lambda n: [PublicationFactory() for _ in range(n)], 0),
    ("reports", "publicationpdf"): (lambda n: [PublicationPdfFactory() for _ in range(n)], 0),
}


def test_every_admin_list_of_our_apps_has_a_row() -> None:
    registered = {
        (model._meta.app_label, model._meta.model_name)
        for model, model_admin in admin.site._registry.items()
        if type(model_admin).__module__.split(".")[0] in OUR_APPS
    }

    assert registered == set(CHANGELISTS)


def _queries(superuser, app: str, model: str) -> tuple[int, int, list[str]]:
    client = Client()
    client.force_login(superuser)
    url = reverse(f"admin:{app}_{model}_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.context["cl"].result_count, [q["sql"] for q in queries]


@pytest.mark.parametrize("key", list(CHANGELISTS), ids=lambda key: ".".join(key))
def test_the_list_takes_the_same_queries_for_10_and_100_rows(key, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    app, model = key
    build, expected = CHANGELISTS[key]
    superuser = StaffUserFactory(username="count-superuser", is_superuser=True)

    build(10)
    with_10, rows_10, _ = _queries(superuser, app, model)
    build(90)
    with_100, rows_100, sql = _queries(superuser, app, model)

    assert rows_100 > rows_10 >= 10
    assert with_100 == with_10, "\n".join(sql)
    assert with_10 == expected
