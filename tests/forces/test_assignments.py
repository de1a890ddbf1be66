"""Assigning reviewers by hand and by auto-assign: sectors, conflicts, balance, idempotence."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from forces.assignments import auto_assign_apply, auto_assign_propose, reviewers_assign
from forces.models import ActionPlan, ForceConflict, ReviewAssignment
from oversight.models import Organisation
from oversight.permissions import GROUP_MEMBER
from tests.forces.factories import ActionPlanFactory, ForceFactory, ProvidedActionPlanFactory
from tests.oversight.factories import MemberFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

DUE = datetime.date(2015, 1, 31)


@pytest.fixture
def sectors(db):
    return {
        "statutory": OrganisationFactory(name="HMIC", sector=Organisation.Sector.STATUTORY),
        "voluntary": OrganisationFactory(name="Refuge", sector=Organisation.Sector.VOLUNTARY),
        "none": OrganisationFactory(name="PCCs", sector=""),
    }


def reviewer(role_groups, organisation, name: str):
    user = UserFactory(username=name)
    user.groups.add(role_groups[GROUP_MEMBER])
    MemberFactory(user=user, organisation=organisation, name=name.title())
    return user


@pytest.fixture
def plans(db) -> list[ActionPlan]:
    return [
        ProvidedActionPlanFactory(force=ForceFactory(name=f"Force {n}", slug=f"force-{n}"))
        for n in range(6)
    ]


def sectors_of(plan: ActionPlan) -> list[str]:
    return sorted(a.reviewer.group_member.sector for a in plan.assignments.all())


def test_auto_assign_gives_each_plan_one_reviewer_from_each_sector(
    role_groups, sectors, plans, secretariat_user
):
    for name in ("ann", "bob"):
        reviewer(role_groups, sectors["statutory"], name)
    for name in ("cat", "dan", "eve"):
        reviewer(role_groups, sectors["voluntary"], name)
    proposal = auto_assign_propose(plans=plans, due_on=DUE)
    assert ReviewAssignment.objects.count() == 0, "proposing saves nothing"
    assert len(proposal.assignments) == 12 and not proposal.unfilled

    auto_assign_apply(
        pairs=[(p.plan, p.reviewer) for p in proposal.assignments], due_on=DUE, by=secretariat_user
    )
    for plan in plans:
        assert sectors_of(plan) == ["statutory", "voluntary"]


def test_auto_assign_balances_the_load_across_members(
    role_groups, sectors, plans, secretariat_user
):
    statutory = [reviewer(role_groups, sectors["statutory"], n) for n in ("ann", "bob", "cy")]
    voluntary = [reviewer(role_groups, sectors["voluntary"], n) for n in ("dan", "eve")]
    # Ann already has two plans elsewhere: Bob and Cy take the first four, then one each.
    for plan in ActionPlanFactory.create_batch(2, status=ActionPlan.Status.PROVIDED):
        ReviewAssignment.objects.create(plan=plan, reviewer=statutory[0], due_on=DUE)
    proposal = auto_assign_propose(plans=plans, due_on=DUE)
    load = {user.username: 0 for user in statutory + voluntary}
    load["ann"] = 2
    for proposed in proposal.assignments:
        load[proposed.reviewer.username] += 1
    assert load == {"ann": 3, "bob": 3, "cy": 2, "dan": 3, "eve": 3}


def test_auto_assign_never_gives_a_member_a_force_they_declared_a_conflict_with(
    role_groups, sectors, plans
):
    ann = reviewer(role_groups, sectors["statutory"], "ann")
    bob = reviewer(role_groups, sectors["statutory"], "bob")
    reviewer(role_groups, sectors["voluntary"], "cat")
    conflicted = plans[0].force
    ForceConflict.objects.create(
        member=ann.group_member, force=conflicted, reason="Sits on its board"
    )
    ForceConflict.objects.create(member=bob.group_member, force=conflicted)

    proposal = auto_assign_propose(plans=plans, due_on=DUE)

    assert all(p.plan.force != conflicted for p in proposal.assignments if p.sector == "statutory")
    assert [(plan, sector) for plan, sector in proposal.unfilled] == [(plans[0], "Statutory")]


def test_auto_assign_twice_does_not_duplicate(role_groups, sectors, plans, secretariat_user):
    reviewer(role_groups, sectors["statutory"], "ann")
    reviewer(role_groups, sectors["voluntary"], "cat")
    pairs = [(p.plan, p.reviewer) for p in auto_assign_propose(plans=plans).assignments]
    assert auto_assign_apply(pairs=pairs, due_on=DUE, by=secretariat_user).created == 12
    # The same confirmation page sent again, and a second run of auto-assign.
    assert auto_assign_apply(pairs=pairs, due_on=DUE, by=secretariat_user).created == 0
    assert auto_assign_propose(plans=plans).assignments == []
    assert ReviewAssignment.objects.count() == 12


def test_auto_assign_leaves_out_members_without_a_sector_and_superseded_plans(
    role_groups, sectors, plans
):
    reviewer(role_groups, sectors["none"], "pcc")
    old = ActionPlanFactory(status=ActionPlan.Status.SUPERSEDED)
    proposal = auto_assign_propose(plans=[*plans, old])
    assert proposal.assignments == []
    assert [m.name for m in proposal.without_sector] == ["Pcc"]
    assert proposal.superseded == [old]
    assert len(proposal.unfilled) == 12


def test_auto_assign_leaves_out_a_member_with_no_organisation_and_says_why(
    role_groups, sectors, plans, secretariat_user
):
    reviewer(role_groups, sectors["statutory"], "ann")
    reviewer(role_groups, sectors["voluntary"], "cat")
    expert = reviewer(role_groups, None, "independent expert")
    reviewer(role_groups, sectors["none"], "pcc")
    proposal = auto_assign_propose(plans=plans)
    assert expert not in {proposed.reviewer for proposed in proposal.assignments}
    assert len(proposal.assignments) == 12  # everyone else still gets their plans
    assert [(member.name, reason) for member, reason in proposal.left_out_members] == [
        (
            "Independent Expert",
            "not linked to an organisation, so they have no sector: link them to one on their "
            "page, or assign them by hand",
        ),
        ("Pcc", "their organisation, PCCs, has no sector: give it one, or assign them by hand"),
    ]
    # Left out of auto-assign only: the secretariat can still assign them by hand.
    reviewers_assign(plans=plans[:1], reviewers=[expert], due_on=DUE, by=secretariat_user)
    assert ReviewAssignment.objects.get().reviewer == expert


def test_the_auto_assign_proposal_page_lists_the_members_left_out_and_why(
    role_groups, sectors, plans, secretariat_client
):
    reviewer(role_groups, sectors["statutory"], "ann")
    reviewer(role_groups, None, "independent expert")
    page = _action(
        secretariat_client, "auto_assign_reviewers", plans, stage="propose", due_on="2015-01-31"
    )
    left_out = page.content.decode().split('id="left-out-members"')[1].split("</ul>")[0]
    assert "Independent Expert" in left_out
    assert "not linked to an organisation, so they have no sector" in left_out
    assert "Ann" not in left_out


def test_auto_assign_apply_checks_conflicts_again(role_groups, sectors, plans, secretariat_user):
    ann = reviewer(role_groups, sectors["statutory"], "ann")
    pairs = [(p.plan, p.reviewer) for p in auto_assign_propose(plans=plans).assignments]
    # Declared between the proposal and the confirmation.
    ForceConflict.objects.create(member=ann.group_member, force=plans[0].force)
    with pytest.raises(ValidationError, match="declared a conflict"):
        auto_assign_apply(pairs=pairs, due_on=DUE, by=secretariat_user)
    assert ReviewAssignment.objects.count() == 0


def test_assigning_by_hand_updates_the_due_date_and_never_duplicates(
    role_groups, sectors, plans, secretariat_user
):
    ann = reviewer(role_groups, sectors["statutory"], "ann")
    result = reviewers_assign(plans=plans[:2], reviewers=[ann], due_on=DUE, by=secretariat_user)
    assert (result.created, result.updated) == (2, 0)
    later = DUE + datetime.timedelta(days=14)
    result = reviewers_assign(plans=plans[:2], reviewers=[ann], due_on=later, by=secretariat_user)
    assert (result.created, result.updated) == (0, 2)
    assert set(ReviewAssignment.objects.values_list("due_on", flat=True)) == {later}
    assert ReviewAssignment.objects.get(plan=plans[0]).assigned_by == secretariat_user


def test_assigning_by_hand_refuses_a_conflict_and_saves_nothing(
    role_groups, sectors, plans, secretariat_user
):
    ann = reviewer(role_groups, sectors["statutory"], "ann")
    ForceConflict.objects.create(member=ann.group_member, force=plans[1].force)
    with pytest.raises(ValidationError, match=f"conflict with {plans[1].force.name}"):
        reviewers_assign(plans=plans, reviewers=[ann], due_on=DUE, by=secretariat_user)
    assert not ReviewAssignment.objects.exists()


def test_assigning_a_superseded_plan_is_refused(role_groups, sectors, secretariat_user):
    ann = reviewer(role_groups, sectors["statutory"], "ann")
    old = ActionPlanFactory(status=ActionPlan.Status.SUPERSEDED)
    with pytest.raises(ValidationError, match="superseded"):
        reviewers_assign(plans=[old], reviewers=[ann], due_on=DUE, by=secretariat_user)


def test_only_the_secretariat_assigns(role_groups, sectors, plans, member_user):
    ann = reviewer(role_groups, sectors["statutory"], "ann")
    with pytest.raises(PermissionDenied):
        reviewers_assign(plans=plans, reviewers=[ann], due_on=DUE, by=member_user)
    with pytest.raises(PermissionDenied):
        auto_assign_apply(pairs=[(plans[0], ann)], due_on=DUE, by=member_user)


# The admin pages


def _action(client, action: str, plans, **data):
    return client.post(
        "/admin/forces/actionplan/",
        {"action": action, "_selected_action": [plan.pk for plan in plans], **data},
    )


def test_the_assign_action_shows_a_form_then_assigns(
    role_groups, sectors, plans, secretariat_client
):
    ann = reviewer(role_groups, sectors["statutory"], "ann")
    page = _action(secretariat_client, "assign_reviewers", plans[:2])
    assert page.status_code == 200
    assert b"Assign reviewers" in page.content and b"Ann" in page.content

    empty = _action(secretariat_client, "assign_reviewers", plans[:2], apply="yes")
    assert b"There is a problem" in empty.content
    assert b"Select at least one reviewer" in empty.content

    done = _action(
        secretariat_client,
        "assign_reviewers",
        plans[:2],
        apply="yes",
        reviewers=[ann.pk],
        due_on="2015-01-31",
    )
    assert done.status_code == 302
    assert ReviewAssignment.objects.filter(reviewer=ann).count() == 2


def test_the_auto_assign_action_proposes_then_saves(
    role_groups, sectors, plans, secretariat_client
):
    reviewer(role_groups, sectors["statutory"], "ann")
    reviewer(role_groups, sectors["voluntary"], "cat")
    first = _action(secretariat_client, "auto_assign_reviewers", plans)
    assert b"Show the proposal" in first.content
    proposal = _action(
        secretariat_client, "auto_assign_reviewers", plans, stage="propose", due_on="2015-01-31"
    )
    assert b"Save these assignments" in proposal.content
    assert not ReviewAssignment.objects.exists()
    pairs = proposal.context["proposal"].assignments
    saved = _action(
        secretariat_client,
        "auto_assign_reviewers",
        plans,
        stage="apply",
        due_on="2015-01-31",
        pair=[f"{p.plan.pk}:{p.reviewer.pk}" for p in pairs],
    )
    assert saved.status_code == 302
    assert ReviewAssignment.objects.count() == 12


def test_the_seed_load_gives_the_organisations_their_sectors():
    call_command("load_hmic_2014", stdout=io.StringIO())
    sectors = dict(Organisation.objects.values_list("name", "sector"))
    assert sectors["HMIC"] == sectors["Home Office"] == "statutory"
    assert (
        sectors["Women's Aid"]
        == sectors["Co-ordinated Action Against Domestic Abuse"]
        == "voluntary"
    )
    # Loading again reports nothing edited: the sectors match the seed.
    out = io.StringIO()
    call_command("load_hmic_2014", stdout=out)
    assert "Organisations: 0 created, 12 unchanged, 0 kept" in out.getvalue()
