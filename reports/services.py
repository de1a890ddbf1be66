"""Writes that matter for the quarterly update: publishing and correcting an edition, editing
its sections, sharing a draft with the group and the group's comments on it."""

import datetime
import logging
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from recommendations.models import Recommendation
from reports.checks import edition_problems, personal_data_warnings
from reports.compressed import compressed_page_store
from reports.models import (
    ProgressUpdate,
    Publication,
    QuarterlyUpdate,
    SectionComment,
    SectionStatus,
)
from reports.snapshot import Snapshot, edition_snapshot, snapshot_read
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
    edition_published_sync(edition=edition, publication=publication)

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


# ---- Statuses, editing a section, sharing a draft, members' comments (issue 10) ----


class EditionNotEditable(Exception):
    """The edition is published and frozen: start a correction to change it."""


def edition_published_sync(*, edition: QuarterlyUpdate, publication: Publication) -> None:
    """What follows from a publication: recommendations take the statuses it published, and
    the draft is no longer shared for comment (a later correction is shared afresh)."""
    recommendation_statuses_sync(publication=publication)
    if edition.shared_at is not None:
        edition.shared_at, edition.shared_by = None, None
        edition.save(update_fields=["shared_at", "shared_by"])


@transaction.atomic
def recommendation_statuses_sync(*, publication: Publication) -> list[Recommendation]:
    """Keep each recommendation's own status that of its latest published edition.

    Called as a publication is made; a correction to an older edition changes nothing here.
    Returns the recommendations whose status changed (saved row by row, for their history).
    """
    newer = Publication.objects.filter(edition__period__gt=publication.edition.period).exists()
    if newer:
        return []
    published = {
        rec["number"]: rec["status"]
        for section in snapshot_read(publication.content)["sections"]
        for rec in section["recommendations"]
    }
    changed = []
    for recommendation in Recommendation.objects.filter(number__in=published).order_by("number"):
        status = published[recommendation.number]
        if recommendation.status != status and status in Recommendation.Status:
            recommendation.status = status
            recommendation.full_clean()
            recommendation.save(update_fields=["status"])
            changed.append(recommendation)
    return changed


@dataclass
class StatusEdit:
    """A recommendation's status as set on the section page."""

    recommendation: Recommendation
    status: str
    confidence: str = ""
    reason: str = ""


@dataclass
class BulletEdit:
    """One bullet (or sub-point) of a section as submitted; `bullet_id` None for a new one."""

    bullet_id: int | None
    position: int
    text: str = ""
    source: str = ProgressUpdate.Source.WRITTEN
    parent_id: int | None = None
    delete: bool = False


# Parked positions while bullets swap places: the uniqueness of positions is checked row by
# row, so two bullets exchanging positions would otherwise clash half-way.
_PARKED_POSITION = 20000


@transaction.atomic
def edition_section_save(
    *,
    edition: QuarterlyUpdate,
    lead: Recommendation,
    statuses: list[StatusEdit],
    bullets: list[BulletEdit],
    saved_by: AbstractBaseUser,
) -> None:
    """Save one section of a draft: its recommendations' statuses and its bullets, together.

    Every bullet is attached to the section's lead recommendation; only this edition's
    bullets can be changed or chosen as a parent. Refused for a frozen edition
    (`EditionNotEditable`); a row that breaks a rule raises `ValidationError` and nothing
    of the section is saved.
    """
    edition = QuarterlyUpdate.objects.select_for_update().get(pk=edition.pk)
    if not edition.is_editable:
        raise EditionNotEditable(ALREADY_PUBLISHED)
    for edit in statuses:
        row = SectionStatus.objects.filter(
            edition=edition, recommendation=edit.recommendation
        ).first() or SectionStatus(edition=edition, recommendation=edit.recommendation)
        values = (edit.status, edit.confidence, " ".join(edit.reason.split()))
        if row.pk and (row.status, row.confidence, row.reason) == values:
            continue
        row.status, row.confidence, row.reason = values
        row.full_clean()
        row.save()

    stored = {
        bullet.pk: bullet
        for bullet in ProgressUpdate.objects.select_for_update().filter(edition=edition)
    }
    if unknown := {pk for edit in bullets for pk in (edit.bullet_id, edit.parent_id) if pk} - set(
        stored
    ):
        raise ValidationError(f"Bullets not in this edition: {sorted(unknown)}")
    deleted = {edit.bullet_id for edit in bullets if edit.bullet_id and edit.delete}
    for pk in deleted:
        stored[pk].delete()  # one by one, for the history; sub-points go with their bullet
    deleted |= {pk for pk, bullet in stored.items() if bullet.parent_id in deleted}
    kept = [edit for edit in bullets if not edit.delete and edit.bullet_id not in deleted]
    moved = [
        edit.bullet_id
        for edit in kept
        if edit.bullet_id
        and (stored[edit.bullet_id].position, stored[edit.bullet_id].parent_id)
        != (edit.position, edit.parent_id)
    ]
    for offset, pk in enumerate(moved):
        # Parked without history: each is saved with its real position just below.
        ProgressUpdate.objects.filter(pk=pk).update(position=_PARKED_POSITION + offset)
    # Top-level bullets first, so that sub-points find their parents in place.
    for edit in sorted(kept, key=lambda edit: edit.parent_id is not None):
        bullet = (
            stored[edit.bullet_id]
            if edit.bullet_id
            else ProgressUpdate(edition=edition, recommendation=lead)
        )
        new_values = (edit.position, edit.text, edit.source, edit.parent_id, lead.pk)
        old_values = (
            bullet.position,
            bullet.text,
            bullet.source,
            bullet.parent_id,
            bullet.recommendation_id,
        )
        if bullet.pk and bullet.pk not in moved and old_values == new_values:
            continue
        bullet.position, bullet.text, bullet.source = edit.position, edit.text, edit.source
        bullet.parent_id, bullet.recommendation = edit.parent_id, lead
        bullet.full_clean()
        bullet.save()
    logger.info(
        "event=edition_section_saved edition=%s section=%s user=%s",
        edition.slug,
        lead.number,
        saved_by.pk,
    )


@transaction.atomic
def edition_share(*, edition: QuarterlyUpdate, shared_by: AbstractBaseUser) -> QuarterlyUpdate:
    """Share a draft with the group for comment: signed-in members may then read its preview
    and comment on each section. Sharing again changes nothing."""
    edition = QuarterlyUpdate.objects.select_for_update().get(pk=edition.pk)
    if not edition.is_editable:
        raise EditionNotEditable("Only a draft or a correction in progress can be shared.")
    if edition.shared_at is None:
        edition.shared_at = timezone.now()
        edition.shared_by = shared_by
        edition.full_clean()
        edition.save(update_fields=["shared_at", "shared_by"])
        logger.info("event=edition_shared edition=%s user=%s", edition.slug, shared_by.pk)
    return edition


@transaction.atomic
def edition_unshare(*, edition: QuarterlyUpdate, unshared_by: AbstractBaseUser) -> QuarterlyUpdate:
    """Stop sharing a draft: members can no longer read its preview or comment. Their comments
    stay, for the secretariat."""
    edition = QuarterlyUpdate.objects.select_for_update().get(pk=edition.pk)
    if edition.shared_at is not None:
        edition.shared_at = None
        edition.shared_by = None
        edition.save(update_fields=["shared_at", "shared_by"])
        logger.info("event=edition_unshared edition=%s user=%s", edition.slug, unshared_by.pk)
    return edition


class CommentRefused(Exception):
    """The edition is not shared with the group (any longer), or is published."""


@transaction.atomic
def section_comment_add(
    *, edition: QuarterlyUpdate, lead: Recommendation, author: AbstractBaseUser, text: str
) -> SectionComment:
    """A member's comment on one section of a shared draft, for the secretariat only."""
    edition = QuarterlyUpdate.objects.select_for_update().get(pk=edition.pk)
    if not (edition.is_shared and edition.is_editable):
        raise CommentRefused(
            "This draft is no longer shared with the group for comment, so your comment was "
            "not saved."
        )
    comment = SectionComment(edition=edition, recommendation=lead, author=author, text=text.strip())
    comment.full_clean()
    comment.save()
    logger.info(
        "event=section_comment_added edition=%s section=%s user=%s",
        edition.slug,
        lead.number,
        author.pk,
    )
    return comment
