"""The group's records: organisations, members, meetings and what the data load created."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from oversight.models import Meeting, Member
from tests.oversight.factories import (
    ChairFactory,
    HeldMeetingFactory,
    LoadedRecordFactory,
    MeetingFactory,
    MeetingPaperFactory,
    MemberFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

JOINED = datetime.date(2014, 6, 1)
LEFT = datetime.date(2015, 3, 31)


def test_organisation_str() -> None:
    assert str(OrganisationFactory(name="Women's Aid")) == "Women's Aid"


def test_an_organisation_with_members_cannot_be_deleted() -> None:
    member = MemberFactory()

    with pytest.raises(ProtectedError):
        member.organisation.delete()


def test_a_member_needs_a_name_or_a_role() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(name="", role="")


def test_a_member_with_only_a_role_is_fine() -> None:
    MemberFactory(name="", role="Minister of State for Crime Prevention").full_clean()


def test_a_member_cannot_leave_before_joining() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(joined_on=LEFT, left_on=JOINED)


def test_a_member_may_leave_the_day_they_join() -> None:
    MemberFactory(joined_on=JOINED, left_on=JOINED).full_clean()


def test_the_group_has_one_serving_chair() -> None:
    ChairFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        ChairFactory(role="Policing Minister")


def test_a_second_serving_chair_is_a_validation_error() -> None:
    ChairFactory()
    second = MemberFactory.build(is_chair=True, organisation=None)

    with pytest.raises(ValidationError, match="already has a chair"):
        second.full_clean()


def test_a_new_chair_may_follow_one_who_has_left() -> None:
    ChairFactory(left_on=LEFT)

    new_chair = ChairFactory(role="Policing Minister")

    new_chair.full_clean()
    assert Member.objects.filter(is_chair=True).count() == 2


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        (
            {"name": "Vera Baird", "honorific": "Dame", "represents": "PCCs (Labour)"},
            "Dame Vera Baird – Representing PCCs (Labour)",
        ),
        (
            {"name": "Zoe Billingham", "role": "HM Inspector of Constabulary"},
            "Zoe Billingham – HM Inspector of Constabulary",
        ),
        ({"name": "Polly Neate", "role": ""}, "Polly Neate – Women's Aid"),
        ({"name": "", "role": "Home Secretary", "is_chair": True}, "Home Secretary, Chair"),
    ],
)
def test_member_listing_label(fields, label) -> None:
    member = MemberFactory(organisation=OrganisationFactory(name="Women's Aid"), **fields)

    assert member.listing_label == label
    assert str(member) == label


def test_a_member_with_no_organisation_is_listed_by_name() -> None:
    assert str(MemberFactory(name="Jo Smith", role="", organisation=None)) == "Jo Smith"


def test_serving_on_a_day() -> None:
    day = datetime.date(2014, 12, 1)
    always = MemberFactory(joined_on=None, left_on=None)
    joined_before = MemberFactory(joined_on=JOINED)
    joined_that_day = MemberFactory(joined_on=day)
    leaves_later = MemberFactory(joined_on=JOINED, left_on=LEFT)
    MemberFactory(joined_on=datetime.date(2014, 12, 2))  # not yet joined
    MemberFactory(joined_on=JOINED, left_on=day)  # left that day
    MemberFactory(joined_on=JOINED, left_on=datetime.date(2014, 9, 30))  # already left

    serving = Member.objects.serving_on(day)

    assert set(serving) == {always, joined_before, joined_that_day, leaves_later}


def test_current_members_are_those_serving_today() -> None:
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    serving = MemberFactory(joined_on=JOINED)
    leaving_tomorrow = MemberFactory(joined_on=JOINED, left_on=today + day)
    MemberFactory(joined_on=JOINED, left_on=LEFT)  # already left
    MemberFactory(joined_on=JOINED, left_on=today)  # leaves today: no longer sits
    MemberFactory(joined_on=today + day)  # joins tomorrow: not yet serving

    assert set(Member.objects.current()) == {serving, leaving_tomorrow}
    assert set(Member.objects.current()) == set(Member.objects.serving_on(today))


def test_members_who_had_left_by_a_day() -> None:
    day = datetime.date(2014, 12, 1)
    left_that_day = MemberFactory(joined_on=JOINED, left_on=day)
    left_before = MemberFactory(joined_on=JOINED, left_on=datetime.date(2014, 9, 30))
    MemberFactory(joined_on=JOINED, left_on=LEFT)  # leaves later
    MemberFactory(joined_on=JOINED)  # never left

    assert set(Member.objects.left_by(day)) == {left_that_day, left_before}
    # Nobody both serves and has left on a day.
    assert not Member.objects.serving_on(day) & Member.objects.left_by(day)


def test_meeting_str() -> None:
    meeting = HeldMeetingFactory(date=datetime.date(2014, 6, 10))

    assert str(meeting) == "Meeting, 10 June 2014 (held)"


def test_meeting_str_with_month_only() -> None:
    meeting = MeetingFactory(
        date=datetime.date(2014, 12, 1), date_precision=Meeting.DatePrecision.MONTH
    )

    assert str(meeting) == "Meeting, December 2014 (planned)"


def test_a_held_meeting_has_its_exact_date() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        HeldMeetingFactory(date_precision=Meeting.DatePrecision.MONTH)


def test_a_cancelled_meeting_may_have_month_only() -> None:
    MeetingFactory(
        status=Meeting.Status.CANCELLED, date_precision=Meeting.DatePrecision.MONTH
    ).full_clean()


def test_meeting_paper_str() -> None:
    assert str(MeetingPaperFactory(title="Terms of Reference")) == "Terms of Reference"


def test_deleting_a_meeting_deletes_its_papers() -> None:
    paper = MeetingPaperFactory()

    paper.meeting.delete()

    assert not type(paper).objects.exists()


def test_loaded_record_str_and_record() -> None:
    organisation = OrganisationFactory()
    loaded = LoadedRecordFactory(key="organisations/home-office", record=organisation)

    assert str(loaded) == "organisations/home-office"
    assert type(loaded).objects.get().record == organisation
