"""The daily reminder e-mails: who gets one, what it lists, and never twice in a day."""

import datetime
import io

import pytest
from django.core import mail as django_mail
from django.core.management import call_command

from forces.models import ActionPlan, ReviewAssignment
from oversight.models import OutgoingEmail
from tests.forces.factories import (
    ActionPlanFactory,
    ForceFactory,
    PlanReviewFactory,
    ProvidedActionPlanFactory,
    SubmittedPlanReviewFactory,
)
from tests.oversight.factories import UserFactory
from tests.oversight.jobs import run_queued_jobs

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2015, 1, 20)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def assign(reviewer, due_on, force_name: str, **plan) -> ReviewAssignment:
    force = ForceFactory(name=force_name, slug=force_name.lower().replace(" ", "-"))
    plan = ProvidedActionPlanFactory(force=force, **plan)
    return ReviewAssignment.objects.create(plan=plan, reviewer=reviewer, due_on=due_on)


def send(today: datetime.date = TODAY) -> str:
    out = io.StringIO()
    call_command(
        "send_review_reminders",
        site_url="https://oversight.example.org",
        date=today.isoformat(),
        stdout=out,
    )
    return out.getvalue()


def test_one_email_lists_every_review_due_within_a_week_or_overdue():
    ann = UserFactory(username="ann", email="ann@example.org")
    assign(ann, days(-3), "Gwent Police")
    assign(ann, days(7), "Dyfed-Powys Police")
    assign(ann, days(8), "Kent Police")  # not yet
    assign(ann, days(2), "Avon and Somerset Constabulary", version=1)

    output = send()
    run_queued_jobs()

    (message,) = django_mail.outbox
    assert message.to == ["ann@example.org"]
    assert message.subject == "Reminder: 3 force action plan reviews to submit"
    assert "Gwent Police (version 1): OVERDUE, was due 17 January 2015" in message.body
    assert "Dyfed-Powys Police (version 1): due 27 January 2015" in message.body
    assert "Avon and Somerset" in message.body
    assert "Kent Police" not in message.body
    assert "https://oversight.example.org/forces/plans/" in message.body
    assert f"sent 1 reminder for 2015-01-20 (users {ann.pk})" in output
    assert "ann@example.org" not in output


def test_running_twice_in_a_day_sends_once():
    ann = UserFactory(username="ann", email="ann@example.org")
    assign(ann, days(1), "Gwent Police")
    send()
    second = send()
    run_queued_jobs()
    assert len(django_mail.outbox) == 1
    assert OutgoingEmail.objects.count() == 1
    assert "sent 0 reminders" in second
    assert ReviewAssignment.objects.get().last_reminded_on == TODAY


def test_the_next_day_sends_again():
    ann = UserFactory(username="ann", email="ann@example.org")
    assign(ann, days(1), "Gwent Police")
    send()
    send(days(1))
    run_queued_jobs()
    assert len(django_mail.outbox) == 2


def test_a_review_added_later_the_same_day_waits_for_tomorrow():
    ann = UserFactory(username="ann", email="ann@example.org")
    assign(ann, days(1), "Gwent Police")
    send()
    assign(ann, days(2), "Kent Police")
    send()
    run_queued_jobs()
    # The key is per reviewer per day: the second list is not sent, so a member gets one a day.
    assert len(django_mail.outbox) == 1


def test_no_reminder_for_submitted_reviews_superseded_plans_or_deactivated_logins():
    ann = UserFactory(username="ann", email="ann@example.org")
    done = assign(ann, days(-1), "Gwent Police")
    SubmittedPlanReviewFactory(plan=done.plan, reviewer=ann)
    old = ActionPlanFactory(status=ActionPlan.Status.SUPERSEDED)
    ReviewAssignment.objects.create(plan=old, reviewer=ann, due_on=days(-1))
    gone = UserFactory(username="gone", email="gone@example.org", is_active=False)
    assign(gone, days(1), "Kent Police")

    assert "sent 0 reminders" in send()
    assert OutgoingEmail.objects.count() == 0


def test_a_draft_still_gets_a_reminder_and_its_text_is_not_in_the_email():
    ann = UserFactory(username="ann", email="ann@example.org")
    assignment = assign(ann, days(1), "Gwent Police")
    PlanReviewFactory(plan=assignment.plan, reviewer=ann, gaps="Secret draft words")
    send()
    run_queued_jobs()
    (message,) = django_mail.outbox
    assert "Secret draft words" not in message.body
