"""`manage.py generate_scale_data`: N times the seed, reproducible, never over real data."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F

from forces.models import (
    ActionPlan,
    AreaRating,
    Force,
    ForceConflict,
    ModeratedAreaRating,
    PlanModeration,
    PlanReview,
    ReviewAssignment,
    ReviewReopening,
)
from oversight.models import Meeting, MeetingAction, Member
from oversight.personal_pages import MEMBERS_DASHBOARD, PLANS_SUMMARY, page_version
from recommendations.models import Recommendation
from reports.models import ProgressUpdate, Publication, QuarterlyUpdate
from tests.oversight.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> None:
    call_command("load_hmic_2014", stdout=io.StringIO())


def generate(*args: str) -> str:
    output = io.StringIO()
    call_command("generate_scale_data", *args, stdout=output)
    return output.getvalue()


def fingerprint() -> tuple:
    """What the generated records say, without their database ids or insert timestamps."""
    return (
        list(
            PlanReview.objects.order_by(
                "plan__force__slug", "plan__version", "reviewer__username"
            ).values_list(
                "plan__force__slug",
                "plan__version",
                "reviewer__username",
                "status",
                "overall_judgement",
            )
        ),
        list(
            AreaRating.objects.order_by(
                "review__plan__force__slug",
                "review__plan__version",
                "review__reviewer__username",
                "area__position",
            ).values_list("rating")
        ),
        list(Recommendation.objects.order_by("number").values_list("number", "status")),
        list(ProgressUpdate.objects.order_by("edition__slug", "pk").values_list("text")),
        list(Member.objects.order_by("name").values_list("name", "organisation__name")),
    )


def test_factor_2_makes_twice_the_seed_in_every_kind_of_record(seeded):
    seed_forces = Force.objects.count()
    seed_recommendations = Recommendation.objects.count()
    tokens = [page_version(MEMBERS_DASHBOARD), page_version(PLANS_SUMMARY)]
    output = generate("--factor", "2")
    forces = Force.objects.filter(slug__startswith="scale-")
    assert forces.count() == 2 * seed_forces == 86
    assert Recommendation.objects.count() == 3 * seed_recommendations
    plans = ActionPlan.objects.filter(force__in=forces)
    assert plans.count() == 86 * 3
    assert plans.current().count() == 86  # one current version each, two superseded
    assert PlanReview.objects.count() == 86 * 3 * 2
    assert AreaRating.objects.count() == PlanReview.objects.count() * 5
    assert ReviewAssignment.objects.count() == 86 * 2
    editions = QuarterlyUpdate.objects.filter(series="Synthetic scale data")
    assert editions.count() == 2
    assert Publication.objects.filter(edition__in=editions).count() == 2
    assert Meeting.objects.filter(focus__startswith="scale-").count() == 8
    assert MeetingAction.objects.filter(meeting__focus__startswith="scale-").count() == 40
    assert ForceConflict.objects.count() == 30  # one per synthetic member
    # Never a reviewer with a declared conflict with the plan's force, as auto-assign keeps it.
    assert not PlanReview.objects.filter(
        plan__force__conflicts__member__user=F("reviewer")
    ).exists()
    moderations = PlanModeration.objects.count()
    assert moderations > 0 and ModeratedAreaRating.objects.count() == 5 * moderations
    assert all(m.plan.reviews.submitted().count() == 2 for m in PlanModeration.objects.all())
    assert ReviewReopening.objects.exists()
    assert Meeting.attendees.through.objects.count() == 8 * 12
    # The history a real year leaves: one "created" row for each record that keeps history.
    assert Force.history.filter(slug__startswith="scale-").count() == 86
    assert ActionPlan.history.filter(force__slug__startswith="scale-").count() == 258
    # A publication froze the seed's eleven recommendations, as a real edition would.
    content = Publication.objects.filter(edition__in=editions).first().content
    assert sum(len(section["numbers"]) for section in content["sections"]) == 11
    # Written in bulk (no signals): the members' pages kept before are made again.
    assert page_version(MEMBERS_DASHBOARD) != tokens[0]
    assert page_version(PLANS_SUMMARY) != tokens[1]
    # Progress, then the totals.
    assert "[##############################] forces" in output
    assert "plan versions" in output and "Made, at factor 2 with seed 2014:" in output


def test_the_same_seed_makes_the_same_records_and_another_seed_others(seeded):
    class RolledBack(Exception):
        pass

    def generated(*args: str) -> tuple:
        try:
            with transaction.atomic():
                generate("--factor", "1", *args)
                made = fingerprint()
                raise RolledBack
        except RolledBack:
            return made

    first = generated("--seed", "7")
    assert generated("--seed", "7") == first
    assert generated("--seed", "8") != first


def test_a_database_with_real_data_is_refused_unless_forced(seeded):
    UserFactory(username="jo.bloggs")
    with pytest.raises(CommandError, match=r"holds real data \(1 logins\).*Nothing was saved"):
        generate("--factor", "1")
    assert not Force.objects.filter(slug__startswith="scale-").exists()
    generate("--factor", "1", "--force")
    assert Force.objects.filter(slug__startswith="scale-").count() == 43


def test_a_second_run_is_refused_even_forced(seeded):
    generate("--factor", "1")
    with pytest.raises(CommandError, match="generated data already"):
        generate("--factor", "1", "--force")
    assert Force.objects.filter(slug__startswith="scale-").count() == 43


def test_the_seed_comes_first():
    with pytest.raises(CommandError, match="load_hmic_2014"):
        generate("--factor", "1")


def test_a_make_run_database_with_every_demo_login_is_accepted(seeded, settings):
    """`make run` makes the demo logins (the chair's office's too): they are not real data."""
    settings.DEBUG = True
    call_command("create_demo_users", stdout=io.StringIO())
    generate("--factor", "1")
    assert Force.objects.filter(slug__startswith="scale-").count() == 43
