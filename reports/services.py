"""Writes that matter for the quarterly update: publishing and correcting an edition."""

import datetime
import logging
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from reports.checks import edition_problems, personal_data_warnings
from reports.compressed import compressed_page_store
from reports.models import Publication, QuarterlyUpdate
from reports.snapshot import Snapshot, edition_snapshot
from reports.tasks import send_update_alerts

logger = logging.getLogger(__name__)


ALREADY_PUBLISHED = "This edition is already published. Start a correction to change it."


@dataclass
class PublishCheck:
    """What stops an edition being published, and what to warn the publisher about."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class PublishRefused(PublishCheck, Exception):
    """Publishing stopped: what is missing, and what looks like personal data."""

    def __str__(self) -> str:
        return "; ".join(self.problems + self.warnings)


def edition_publish_check(
    *, edition: QuarterlyUpdate, content: Snapshot | None = None
) -> PublishCheck:
    """The edition's problems (each says what to fix, and where) and personal-data warnings.

    The publish page shows them; `edition_publish` refuses on them. `content` is the edition's
    snapshot, if already taken.
    """
    if not edition.is_editable:
        return PublishCheck(problems=[ALREADY_PUBLISHED])
    content = content if content is not None else edition_snapshot(edition)
    return PublishCheck(
        problems=edition_problems(edition, content), warnings=personal_data_warnings(content)
    )


def edition_body_render(content: Snapshot) -> str:
    """The edition's body HTML, from its snapshot alone."""
    return render_to_string("reports/includes/edition_body.html", {"edition": content})


@transaction.atomic
def edition_publish(
    *,
    edition: QuarterlyUpdate,
    published_by: AbstractBaseUser | None,
    change_note: str = "",
    warnings_accepted: bool = False,
    published_at: datetime.datetime | None = None,
) -> Publication:
    """Freeze the edition's content as a new publication the public can read.

    The first publication makes revision 1; publishing a correction makes the next revision,
    and needs a change note. Refused, saying why, if anything is missing or if the content
    looks like it holds personal data and `warnings_accepted` is not set.
    """
    edition = QuarterlyUpdate.objects.select_for_update().get(pk=edition.pk)
    if not edition.is_editable:
        raise PublishRefused(problems=[ALREADY_PUBLISHED])
    content = edition_snapshot(edition)
    check = edition_publish_check(edition=edition, content=content)
    problems = list(check.problems)
    revision = (edition.publications.aggregate(last=Max("revision"))["last"] or 0) + 1
    change_note = change_note.strip()
    if revision > 1 and not change_note:
        problems.append("Enter a change note saying what this correction changed.")
    if problems or (check.warnings and not warnings_accepted):
        raise PublishRefused(problems=problems, warnings=check.warnings)

    published_at = published_at or timezone.now()
    publication = Publication(
        edition=edition,
        revision=revision,
        published_at=published_at,
        published_by=published_by,
        change_note=change_note,
        content=content,
        body_html=edition_body_render(content),
    )
    publication.full_clean()
    publication.save()

    edition.status = QuarterlyUpdate.Status.PUBLISHED
    if edition.published_at is None:
        edition.published_at = published_at
        edition.published_by = published_by
    edition.full_clean()
    edition.save(update_fields=["status", "published_at", "published_by"])
    # Compressed once, now, at the best settings: every reader is then sent the stored bytes.
    compressed_page_store(publication)
    # Alerts go out from a job, once this has committed (reports/alerts.py).
    transaction.on_commit(send_update_alerts.enqueue)
    logger.info(
        "event=edition_published edition=%s revision=%s user=%s",
        edition.slug,
        revision,
        published_by.pk if published_by else "-",
    )
    return publication


@transaction.atomic
def edition_correction_start(
    *, edition: QuarterlyUpdate, started_by: AbstractBaseUser
) -> QuarterlyUpdate:
    """Open a published edition for a correction; the public keeps reading the last revision."""
    edition = QuarterlyUpdate.objects.select_for_update().get(pk=edition.pk)
    if edition.is_editable:  # a draft, or already being corrected
        raise PublishRefused(problems=["Only a published edition can be corrected."])
    edition.status = QuarterlyUpdate.Status.CORRECTING
    edition.save(update_fields=["status"])
    logger.info("event=edition_correction_started edition=%s user=%s", edition.slug, started_by.pk)
    return edition
