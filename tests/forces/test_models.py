"""Police forces and their action plans."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from forces.models import ActionPlan, Force
from tests.forces.factories import ActionPlanFactory, ForceFactory, PlanActionFactory

pytestmark = pytest.mark.django_db


def test_force_str() -> None:
    assert str(ForceFactory(name="Gwent Police")) == "Gwent Police"


def test_forces_in_a_nation() -> None:
    gwent = ForceFactory(name="Gwent Police", nation=Force.Nation.WALES)
    ForceFactory(name="Kent Police", nation=Force.Nation.ENGLAND)

    assert list(Force.objects.in_nation(Force.Nation.WALES)) == [gwent]


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


def test_latest_versions_gives_each_force_its_newest_plan() -> None:
    gwent, kent, dyfed = ForceFactory(), ForceFactory(), ForceFactory()
    ActionPlanFactory(force=gwent, version=1)
    ActionPlanFactory(force=gwent, version=2)
    gwent_latest = ActionPlanFactory(force=gwent, version=3)
    kent_only = ActionPlanFactory(force=kent, version=1)
    dyfed_latest = ActionPlanFactory(force=dyfed, version=2)

    latest = ActionPlan.objects.latest_versions()

    assert set(latest) == {gwent_latest, kent_only, dyfed_latest}


def test_latest_versions_chains_after_a_filter() -> None:
    force = ForceFactory()
    ActionPlanFactory(force=force, version=1, status=ActionPlan.Status.REVIEWED)
    ActionPlanFactory(force=force, version=2, status=ActionPlan.Status.DRAFT)

    # The newest plan is a draft, so no reviewed plan is the latest.
    reviewed = ActionPlan.objects.filter(status=ActionPlan.Status.REVIEWED)
    assert list(reviewed.latest_versions()) == []


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
