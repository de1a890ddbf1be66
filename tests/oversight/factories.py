import datetime

import factory
from django.contrib.auth import get_user_model

from oversight import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class StaffUserFactory(UserFactory):
    is_staff = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Member

    name = factory.Faker("name", locale="en_GB")
    role = "Member"
    organisation = factory.SubFactory(OrganisationFactory)
    display_order = factory.Sequence(lambda n: n)


class ChairFactory(MemberFactory):
    name = ""
    role = "Home Secretary"
    is_chair = True


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Meeting

    date = factory.Sequence(lambda n: datetime.date(2014, 6, 10) + datetime.timedelta(days=90 * n))
    focus = "reviewing developing force plans"


class HeldMeetingFactory(MeetingFactory):
    status = models.Meeting.Status.HELD


class MeetingActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MeetingAction

    meeting = factory.SubFactory(HeldMeetingFactory)
    what = factory.Sequence(lambda n: f"Circulate draft {n}")
    owner_member = factory.SubFactory(MemberFactory)
    due_on = datetime.date(2015, 1, 31)


class MeetingPaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MeetingPaper

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Paper {n}")


class LoadedRecordFactory(factory.django.DjangoModelFactory):
    """What a data load noted it created; the record is an organisation unless given."""

    class Meta:
        model = models.LoadedRecord

    key = factory.Sequence(lambda n: f"organisations/organisation-{n}")
    record = factory.SubFactory(OrganisationFactory)


class InvitationFactory(factory.django.DjangoModelFactory):
    """An open invitation; its token is unknown (tests that need one call `invitation_send`)."""

    class Meta:
        model = models.Invitation

    member = factory.SubFactory(MemberFactory)
    expires_at = factory.LazyFunction(
        lambda: datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7)
    )
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
