"""E-mail each reviewer whose assigned reviews are due within a week or overdue, once a day.

Safe to run from cron every day, or more often: each reviewer gets at most one reminder a day,
listing all their reviews (`forces.assignments.review_reminders_send`). The mail is queued
through `oversight.mail.email_queue` and sent by the background worker.

    python manage.py send_review_reminders --site-url https://oversight.example.gov.uk
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from forces.assignments import review_reminders_send


class Command(BaseCommand):
    help = "E-mail reviewers whose reviews are due within 7 days or overdue (once a day)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--site-url",
            default=getattr(settings, "SITE_URL", "http://localhost:8000"),
            help="The address the links in the e-mails start with, e.g. https://example.org.",
        )
        parser.add_argument(
            "--date",
            help="Send as if today were this day (YYYY-MM-DD); for catching up a missed day.",
        )

    def handle(self, *args, site_url: str, date: str | None, **options) -> None:
        if not site_url.startswith(("https://", "http://")):
            raise CommandError("--site-url must start with https:// or http://")
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date: {error}") from error
        sent = review_reminders_send(today=today, site_url=site_url)
        queued = [reminder for reminder in sent if reminder.queued]
        # User ids only: no addresses and no review text in the output, which cron may log.
        users = ",".join(str(reminder.reviewer_id) for reminder in queued) or "-"
        self.stdout.write(
            f"sent {len(queued)} reminder{'s' if len(queued) != 1 else ''} for {today.isoformat()} "
            f"(users {users}); {len(sent) - len(queued)} already sent today"
        )
