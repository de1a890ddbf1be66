"""Meetings' actions: one owner, overdue when past due and open, a member's own open actions."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from oversight.models import MeetingAction
from oversight.selectors import open_actions_for
from tests.oversight.factories import (
    HeldMeetingFactory,
    MeetingActionFactory,
    MemberFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2015, 2, 1)


def test_an_action_has_exactly_one_owner() -> None:
    meeting = HeldMeetingFactory()
    both = MeetingAction(
        meeting=meeting,
        what="x",
        owner_member=MemberFactory(),
        owner_organisation=OrganisationFactory(),
    )
    neither = MeetingAction(meeting=meeting, what="x")
    for action in (both, neither):
        with pytest.raises(ValidationError, match="one owner"):
            action.full_clean()


def test_overdue_is_past_due_and_open() -> None:
    late = MeetingActionFactory(due_on=datetime.date(2015, 1, 31))
    done_late = MeetingActionFactory(due_on=datetime.date(2015, 1, 31), done=True, done_on=TODAY)
    due_today = MeetingActionFactory(due_on=TODAY)
    undated = MeetingActionFactory(due_on=None)

    assert list(MeetingAction.objects.overdue(TODAY)) == [late]
    assert late.is_overdue
    assert not done_late.is_overdue
    assert not undated.is_overdue
    assert due_today.due_on == TODAY


def test_open_actions_for_a_member_are_theirs_and_open_soonest_first() -> None:
    member = MemberFactory()
    later = MeetingActionFactory(owner_member=member, due_on=datetime.date(2015, 6, 1))
    sooner = MeetingActionFactory(owner_member=member, due_on=datetime.date(2015, 3, 1))
    undated = MeetingActionFactory(owner_member=member, due_on=None)
    MeetingActionFactory(owner_member=member, done=True)
    MeetingActionFactory(owner_member=MemberFactory())
    MeetingActionFactory(owner_member=None, owner_organisation=OrganisationFactory())

    assert list(open_actions_for(member)) == [sooner, later, undated]


def test_the_actions_list_filters_overdue(secretariat_client) -> None:
    today = timezone.localdate()
    late = MeetingActionFactory(what="Late one", due_on=today - datetime.timedelta(days=1))
    MeetingActionFactory(what="Not yet", due_on=today + datetime.timedelta(days=1))
    url = reverse("admin:oversight_meetingaction_changelist")

    response = secretariat_client.get(url, {"action_status": "overdue"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [late]


def test_the_actions_list_filters_by_owner(secretariat_client) -> None:
    organisation = OrganisationFactory(name="College of Policing")
    theirs = MeetingActionFactory(owner_member=None, owner_organisation=organisation)
    MeetingActionFactory()
    url = reverse("admin:oversight_meetingaction_changelist")

    response = secretariat_client.get(url, {"owner_organisation__id__exact": organisation.pk})

    assert list(response.context["cl"].result_list) == [theirs]


def test_a_meeting_records_agenda_decisions_and_actions(secretariat_client) -> None:
    meeting = HeldMeetingFactory()
    member = MemberFactory()
    url = reverse("admin:oversight_meeting_change", args=[meeting.pk])

    response = secretariat_client.post(
        url,
        {
            "date": meeting.date.isoformat(),
            "date_precision": "day",
            "status": "held",
            "focus": meeting.focus,
            "attendees": [member.pk],
            "agenda": "Terms of Reference",
            "decisions": "Agreed the Terms of Reference",
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-0-what": "Publish the Terms of Reference",
            "actions-0-owner_member": str(member.pk),
            "actions-0-due_on": "2015-01-31",
            "papers-TOTAL_FORMS": "0",
            "papers-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.decisions == "Agreed the Terms of Reference"
    assert list(meeting.attendees.all()) == [member]
    assert meeting.actions.get().owner == member


def test_the_actions_list_costs_the_same_for_10_and_100_rows(secretariat_client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:oversight_meetingaction_changelist")
    organisation = OrganisationFactory()
    for index in range(10):
        MeetingActionFactory(
            owner_member=None if index % 2 else MemberFactory(),
            owner_organisation=organisation if index % 2 else None,
        )
    secretariat_client.get(url)
    with CaptureQueriesContext(connection) as ten:
        assert secretariat_client.get(url, {"action_status": "open"}).status_code == 200
    for index in range(90):
        MeetingActionFactory(
            owner_member=None if index % 2 else MemberFactory(),
            owner_organisation=organisation if index % 2 else None,
        )
    with CaptureQueriesContext(connection) as hundred:
        response = secretariat_client.get(url, {"action_status": "open"})

    assert response.context["cl"].result_count == 100
    assert len(hundred) == len(ten)
