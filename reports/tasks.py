"""Background jobs of the quarterly update (django-tasks), run by `manage.py db_worker`."""

from django.conf import settings
from django_tasks import task

from reports.alerts import alerts_prune_unconfirmed, alerts_send


@task()
def send_update_alerts() -> int:
    """Queue the e-mail alerts not yet sent (safe to run again). Returns how many it queued."""
    alerts_prune_unconfirmed()
    return alerts_send(site_url=settings.SITE_URL)
