"""Background jobs of the quarterly update (django-tasks), run by `manage.py db_worker`."""

from django.conf import settings
from django_tasks import task

from reports.alerts import alerts_prune_unconfirmed, alerts_send
from reports.models import Publication
from reports.pdf import publication_pdf_store


@task()
def send_update_alerts() -> int:
    """Queue the e-mail alerts not yet sent (safe to run again). Returns how many it queued."""
    alerts_prune_unconfirmed()
    return alerts_send(site_url=settings.SITE_URL)


@task()
def make_publication_pdf(publication_id: int) -> str:
    """Make a new publication's PDF and keep it in file storage (safe to run again).

    Queued by publishing, so the first reader is sent a stored file instead of waiting about a
    second for WeasyPrint. Returns the stored file's name ("" for a row from before storage).
    """
    publication = Publication.objects.select_related("edition").get(pk=publication_id)
    return publication_pdf_store(publication).file.name or ""
