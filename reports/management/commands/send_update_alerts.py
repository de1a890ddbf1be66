"""Queue the e-mail alerts about publications not yet sent; the worker sends them.

Publishing queues the same job, so this is for catching up (after an outage, say) or for a
schedule. Safe to run at any time, as often as wanted: nobody gets an alert twice.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from reports.alerts import alerts_prune_unconfirmed, alerts_send


class Command(BaseCommand):
    help = "Queue the e-mail alerts not yet sent about published editions and corrections."

    def handle(self, *args, **options) -> None:
        pruned = alerts_prune_unconfirmed()
        queued = alerts_send(site_url=settings.SITE_URL)
        self.stdout.write(f"{queued} alerts queued; {pruned} unconfirmed sign-ups deleted.")
