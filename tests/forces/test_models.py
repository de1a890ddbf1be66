"""Police forces and their action plans."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from forces.models import ActionPlan
from tests.forces.factories import ActionPlanFactory, ForceFactory, PlanActionFactory

pytestmark = pytest.mark.django_db


def test_force_str() -> None:
    assert str(ForceFactory(name="Gwent Police")) == "Gwent Police"


def test_action_plan_str() -> None:
    plan = ActionPlanFactory(force=ForceFactory(name="Gwent Police"), version=2)

    assert str(plan) == "Gwent Police action plan, version 2"


def test_a_force_has_one_plan_per_version() -> None:
    plan = ActionPlanFactory(version=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        ActionPlanFactory(force=plan.force, version=1)


def test_a_repeated_plan_version_is_a_validation_error() -> None:
    plan = ActionPlanFactory(version=1)

    with pytest.raises(ValidationError, match="already has a plan with this version number"):
        ActionPlanFactory.build(force=plan.force, version=1).full_clean()


def test_plan_versions_start_at_one() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionPlanFactory(version=0)


def test_the_current_plans_are_those_not_superseded() -> None:
    gwent, kent = ForceFactory(), ForceFactory()
    ActionPlanFactory(force=gwent, version=1, status=ActionPlan.Status.SUPERSEDED)
    gwent_current = ActionPlanFactory(force=gwent, version=2, status=ActionPlan.Status.REVIEWED)
    kent_only = ActionPlanFactory(force=kent, version=1)

    assert set(ActionPlan.objects.current()) == {gwent_current, kent_only}


def test_current_chains_after_a_filter() -> None:
    force = ForceFactory()
    ActionPlanFactory(force=force, version=1, status=ActionPlan.Status.SUPERSEDED)
    ActionPlanFactory(force=force, version=2, status=ActionPlan.Status.DRAFT)

    assert list(ActionPlan.objects.filter(version=1).current()) == []


def test_a_current_plan_is_its_own_current_version() -> None:
    plan = ActionPlanFactory()

    assert plan.current_version() == plan
    assert not plan.is_superseded


def test_a_superseded_plan_points_to_its_forces_current_version() -> None:
    old = ActionPlanFactory(version=1, status=ActionPlan.Status.SUPERSEDED)
    current = ActionPlanFactory(force=old.force, version=2)

    assert old.is_superseded
    assert old.current_version() == current


def test_a_new_plan_cannot_take_a_version_below_the_newest() -> None:
    newest = ActionPlanFactory(version=3)

    with pytest.raises(ValidationError, match="already has version 3: a new plan takes version 4"):
        ActionPlanFactory.build(force=newest.force, version=2).full_clean()


def test_an_older_version_can_still_be_edited() -> None:
    old = ActionPlanFactory(version=1, status=ActionPlan.Status.SUPERSEDED)
    ActionPlanFactory(force=old.force, version=2)

    old.summary = "Corrected"
    old.full_clean()


def test_a_force_with_a_plan_cannot_be_deleted() -> None:
    plan = ActionPlanFactory()

    with pytest.raises(ProtectedError):
        plan.force.delete()


def test_plan_action_str_is_its_description_cut_short() -> None:
    action = PlanActionFactory(description="Train all call handlers in DASH. " * 5)

    assert str(action) == action.description[:80]
    assert len(str(action)) == 80


def test_deleting_a_plan_deletes_its_actions() -> None:
    action = PlanActionFactory()

    action.plan.delete()

    assert not type(action).objects.exists()


def test_review_constraints_know_every_choice():
    from forces.models import _JUDGEMENT_VALUES, _RATING_VALUES, PlanReview

    assert set(_RATING_VALUES) == set(PlanReview.Rating.values)
    assert set(_JUDGEMENT_VALUES) == set(PlanReview.Judgement.values)


def test_review_steps_order_ratings_and_judgements():
    from forces.models import PlanReview

    Rating, Judgement = PlanReview.Rating, PlanReview.Judgement
    assert [Rating.step(r) for r in (Rating.NOT_ADDRESSED, Rating.PARTLY, Rating.FULLY)] == [
        0,
        1,
        2,
    ]
    assert [
        Judgement.step(j)
        for j in (
            Judgement.INADEQUATE,
            Judgement.REQUIRES_IMPROVEMENT,
            Judgement.GOOD,
            Judgement.OUTSTANDING,
        )
    ] == [0, 1, 2, 3]
    assert Rating.step("") is None and Judgement.step("") is None
