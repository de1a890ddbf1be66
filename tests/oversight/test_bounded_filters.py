"""Filters by a related record list the records only while they are few enough to read
(`oversight.admin_base.BoundedRelatedFilter`): the meeting actions' filter by owner lists the
group's 15 members, but not the 1,500 of a hundred times the seed, and costs the same queries
whatever their number."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oversight.admin_base import BoundedRelatedFilter
from tests.oversight.factories import MeetingActionFactory, MemberFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ACTIONS = "/admin/oversight/meetingaction/"
HINT = "Too many to list here: use the search box to find them."
NO_OWNER = "-"  # the actions with no member as owner (an organisation owns them)


def owner_filter(response):
    [spec] = [
        spec
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "field_path", "") == "owner_member"
    ]
    return spec


def listed_owners(response) -> list[str]:
    return [choice["display"] for choice in owner_filter(response).choices(response.context["cl"])]


def test_a_few_owners_are_all_listed(secretariat_client):
    owners = [MemberFactory(name=f"Member {index:02d}") for index in range(15)]
    MeetingActionFactory(owner_member=owners[0])

    response = secretariat_client.get(ACTIONS)

    assert response.status_code == 200
    assert listed_owners(response) == ["All", *sorted(str(owner) for owner in owners), NO_OWNER]
    assert HINT not in response.content.decode()


def test_too_many_owners_to_read_are_not_listed_and_the_page_says_so(secretariat_client):
    owners = [MemberFactory(name=f"Member {index:02d}") for index in range(40)]
    MeetingActionFactory(owner_member=owners[0])

    response = secretariat_client.get(ACTIONS)

    assert listed_owners(response) == ["All", NO_OWNER]
    assert HINT in response.content.decode()


def test_an_owner_chosen_from_a_link_is_shown_and_can_be_cleared(secretariat_client):
    owners = [MemberFactory(name=f"Member {index:02d}") for index in range(40)]
    mine = MeetingActionFactory(owner_member=owners[7], what="Write to the chief constables")
    MeetingActionFactory(owner_member=owners[8], what="Someone else's")

    response = secretariat_client.get(f"{ACTIONS}?owner_member__id__exact={owners[7].pk}")

    assert list(response.context["cl"].result_list) == [mine]
    choices = list(owner_filter(response).choices(response.context["cl"]))
    assert [(choice["display"], choice["selected"]) for choice in choices] == [
        ("All", False),
        (str(owners[7]), True),
        (NO_OWNER, False),
    ]
    assert "owner_member__id__exact" not in choices[0]["query_string"]


@pytest.mark.parametrize("junk", ["not-a-number", "%00"])
def test_junk_chosen_with_too_many_owners_never_fails(secretariat_client, junk):
    for index in range(40):
        MemberFactory(name=f"Member {index:02d}")
    client = secretariat_client
    client.raise_request_exception = False

    response = client.get(f"{ACTIONS}?owner_member__id__exact={junk}", follow=True)

    assert response.status_code == 200


def test_the_list_costs_the_same_queries_with_15_owners_and_with_400(secretariat_client):
    # Without a role, a member is listed by their organisation's name: fetched with the
    # members, not one query each.
    MeetingActionFactory(owner_member=MemberFactory(role=""))
    MemberFactory.create_batch(14, role="")
    organisation = OrganisationFactory()
    secretariat_client.get(ACTIONS)  # warm the caches both counts start from
    with CaptureQueriesContext(connection) as few:
        assert secretariat_client.get(ACTIONS).status_code == 200

    MemberFactory.create_batch(385, organisation=organisation)
    with CaptureQueriesContext(connection) as many:
        response = secretariat_client.get(ACTIONS)

    assert len(many) == len(few), [query["sql"] for query in many]
    assert listed_owners(response) == ["All", NO_OWNER]
    owner_queries = [q["sql"] for q in many if 'FROM "oversight_member"' in q["sql"]]
    assert all(f"LIMIT {BoundedRelatedFilter.LISTED + 1}" in sql for sql in owner_queries)
