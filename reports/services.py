"""Writes that matter for the quarterly update: starting, signing off, publishing and
correcting an edition, editing its sections, sharing a draft with the group and the group's
comments on it."""

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass, field
from functools import partial

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.utils import timezone

from oversight.permissions import can_approve, can_mark_ready, can_publish, can_start_next_edition
from recommendations.models import Recommendation
from reports.checks import Problem, edition_problems, personal_data_warnings
from reports.compressed import compressed_page_store
from reports.models import (
    EditionSignOffStep,
    ProgressUpdate,
    Publication,
    QuarterlyUpdate,
    SectionComment,
    SectionStatus,
)
from reports.search import search_passages_rebuild_for
from reports.snapshot import Snapshot, edition_snapshot, snapshot_read
from reports.tasks import make_publication_pdf, send_update_alerts

logger = logging.getLogger(__name__)


ALREADY_PUBLISHED = "This edition is already published. Start a correction to change it."
NOT_APPROVED = (
    "This edition has not been approved. Mark it ready for sign-off; someone in the chair's "
    "office then approves it."
)
APPROVED_BY_PREPARER = (
    "This edition was approved by the person who marked it ready. Someone else must approve it."
)
CHANGED_SINCE_APPROVAL = (
    "The edition changed after it was approved. Mark it ready for sign-off again, so the "
    "chair's office can approve what will be published."
)
NO_PUBLISH_PERMISSION = "You do not have permission to publish editions."
NOT_READY_YET = "This edition cannot be marked ready for sign-off yet."


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
        problems=[*_signoff_problems(edition, content), *edition_problems(edition, content)],
        warnings=personal_data_warnings(content),
    )


def _signoff_problems(edition: QuarterlyUpdate, content: Snapshot) -> list[str]:
    """What stops publishing on the sign-off side: approval, by whom, and of what content."""
    if edition.signoff_status != QuarterlyUpdate.SignOff.APPROVED:
        return [Problem(NOT_APPROVED, field="signoff")]
    approval = (
        edition.signoff_steps.filter(
            action__in=[EditionSignOffStep.Action.APPROVED, EditionSignOffStep.Action.HISTORICAL]
        )
        .order_by("-at", "-pk")
        .first()
    )
    if approval is None or approval.snapshot_hash != edition.signoff_hash:
        return [Problem(NOT_APPROVED, field="signoff")]
    if approval.user_id is not None and approval.user_id == edition.ready_by_id:
        return [Problem(APPROVED_BY_PREPARER, field="signoff")]
    if snapshot_fingerprint(content) != edition.signoff_hash:
        return [Problem(CHANGED_SINCE_APPROVAL, field="signoff")]
    return []


def snapshot_fingerprint(content: Snapshot) -> str:
    """SHA-256 of the snapshot as canonical JSON: the exact content a sign-off step is about."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def edition_fingerprint(edition: QuarterlyUpdate) -> str:
    return snapshot_fingerprint(edition_snapshot(edition))


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
    # None publishes as the service itself (the data load); a person needs the permission.
    if published_by is not None and not can_publish(published_by, edition):
        raise PublishRefused(problems=[NO_PUBLISH_PERMISSION])
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
    search_passages_rebuild_for(publication)

    edition.status = QuarterlyUpdate.Status.PUBLISHED
    if edition.published_at is None:
        edition.published_at = published_at
        edition.published_by = published_by
    edition.full_clean()
    edition.save(update_fields=["status", "published_at", "published_by"])
    _step(
        edition,
        EditionSignOffStep.Action.PUBLISHED,
        published_by,
        at=published_at,
        comment=change_note,
        snapshot_hash=edition.signoff_hash,
    )
    # Compressed once, now, at the best settings: every reader is then sent the stored bytes.
    # A page that cannot be rendered here (static files not collected yet, as in a data load
    # before `collectstatic`) is compressed on its first request instead: never a reason to
    # refuse publishing.
    try:
        with transaction.atomic():
            compressed_page_store(publication)
    except ValueError:
        logger.warning("event=compressed_page_deferred edition=%s", edition.slug)
    # Alerts go out from a job, once this has committed (reports/alerts.py); the PDF is made
    # by a job too, so no reader waits for it (reports/pdf.py).
    transaction.on_commit(partial(_publication_jobs_enqueue, publication.pk))
    logger.info(
        "event=edition_published edition=%s revision=%s user=%s",
        edition.slug,
        revision,
        published_by.pk if published_by else "-",
    )
    return publication


def _publication_jobs_enqueue(publication_id: int) -> None:
    send_update_alerts.enqueue()
    make_publication_pdf.enqueue(publication_id)


@transaction.atomic
def edition_correction_start(
    *, edition: QuarterlyUpdate, started_by: AbstractBaseUser
) -> QuarterlyUpdate:
    """Open a published edition for a correction; the public keeps reading the last revision."""
    edition = QuarterlyUpdate.objects.select_for_update().get(pk=edition.pk)
    if edition.is_editable:  # a draft, or already being corrected
        raise PublishRefused(problems=["Only a published edition can be corrected."])
    edition.status = QuarterlyUpdate.Status.CORRECTING
    # The correction is signed off afresh before its revision is published.
    _signoff_reset(edition)
    edition.save(update_fields=["status", "signoff_status", "ready_by", "signoff_hash"])
    _step(edition, EditionSignOffStep.Action.CORRECTION, started_by)
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
    # An edit after sign-off sends the edition back to draft (four eyes approve exact content).
    edition_content_changed(edition=edition, changed_by=saved_by)
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


# ---- Four eyes: ready for sign-off, approved by someone else, or sent back ----


class SignOffRefused(Exception):
    """A sign-off step that may not be taken, with why, in words for the person trying."""


SIGNOFF_FIELDS = ["signoff_status", "ready_by", "signoff_hash"]


def _signoff_reset(edition: QuarterlyUpdate) -> None:
    edition.signoff_status = QuarterlyUpdate.SignOff.DRAFT
    edition.ready_by = None
    edition.signoff_hash = ""


def _step(
    edition: QuarterlyUpdate,
    action: str,
    user: AbstractBaseUser | None,
    *,
    at: datetime.datetime | None = None,
    comment: str = "",
    snapshot_hash: str = "",
) -> EditionSignOffStep:
    step = EditionSignOffStep(
        edition=edition,
        action=action,
        user=user,
        at=at or timezone.now(),
        comment=comment,
        snapshot_hash=snapshot_hash,
    )
    step.full_clean()
    step.save()
    return step


def _locked(edition: QuarterlyUpdate) -> QuarterlyUpdate:
    return QuarterlyUpdate.objects.select_for_update().get(pk=edition.pk)


@transaction.atomic
def edition_mark_ready(*, edition: QuarterlyUpdate, marked_by: AbstractBaseUser) -> QuarterlyUpdate:
    """The preparer says the draft (or correction) is ready: its content now is what is signed off."""
    edition = _locked(edition)
    if not edition.is_editable:
        raise SignOffRefused(ALREADY_PUBLISHED)
    if edition.signoff_status != QuarterlyUpdate.SignOff.DRAFT:
        raise SignOffRefused(
            f"This edition is already {edition.get_signoff_status_display().lower()}."
        )
    if not can_mark_ready(marked_by, edition):
        raise SignOffRefused("You do not have permission to mark editions ready for sign-off.")
    content = edition_snapshot(edition)
    if problems := edition_problems(edition, content):
        # The chair's office should only ever be asked to approve what could be published.
        raise SignOffRefused(NOT_READY_YET + " " + " ".join(problems))
    fingerprint = snapshot_fingerprint(content)
    edition.signoff_status = QuarterlyUpdate.SignOff.READY
    edition.ready_by = marked_by
    edition.signoff_hash = fingerprint
    edition.full_clean()
    edition.save(update_fields=SIGNOFF_FIELDS)
    _step(edition, EditionSignOffStep.Action.READY, marked_by, snapshot_hash=fingerprint)
    logger.info("event=edition_ready edition=%s user=%s", edition.slug, marked_by.pk)
    return edition


def edition_approve(*, edition: QuarterlyUpdate, approved_by: AbstractBaseUser) -> QuarterlyUpdate:
    """Someone other than the preparer approves the content exactly as it was marked ready.

    If the content changed since, the edition goes back to draft instead (that is kept), and
    this refuses, saying so.
    """
    with transaction.atomic():
        edition = _locked(edition)
        _check_signoff_decision(edition, approved_by)
        fingerprint = edition_fingerprint(edition)
        changed = fingerprint != edition.signoff_hash
        if changed:
            _back_to_draft(edition, approved_by, fingerprint)
        else:
            edition.signoff_status = QuarterlyUpdate.SignOff.APPROVED
            edition.full_clean()
            edition.save(update_fields=SIGNOFF_FIELDS)
            _step(
                edition, EditionSignOffStep.Action.APPROVED, approved_by, snapshot_hash=fingerprint
            )
    if changed:
        raise SignOffRefused(
            "The edition changed after it was marked ready, so it is back to draft. Nothing "
            "was approved."
        )
    logger.info("event=edition_approved edition=%s user=%s", edition.slug, approved_by.pk)
    return edition


@transaction.atomic
def edition_send_back(
    *, edition: QuarterlyUpdate, sent_back_by: AbstractBaseUser, comment: str
) -> QuarterlyUpdate:
    """The approver returns the edition to draft, saying what to change."""
    edition = _locked(edition)
    comment = comment.strip()
    if not comment:
        raise SignOffRefused("Enter a comment saying what needs to change.")
    _check_signoff_decision(edition, sent_back_by)
    fingerprint = edition_fingerprint(edition)
    _signoff_reset(edition)
    edition.full_clean()
    edition.save(update_fields=SIGNOFF_FIELDS)
    _step(
        edition,
        EditionSignOffStep.Action.SENT_BACK,
        sent_back_by,
        comment=comment,
        snapshot_hash=fingerprint,
    )
    logger.info("event=edition_sent_back edition=%s user=%s", edition.slug, sent_back_by.pk)
    return edition


def _check_signoff_decision(edition: QuarterlyUpdate, user: AbstractBaseUser) -> None:
    if edition.ready_by_id == user.pk:
        raise SignOffRefused(
            "You marked this edition ready for sign-off, so someone else must approve it or "
            "send it back."
        )
    if edition.signoff_status != QuarterlyUpdate.SignOff.READY or not edition.is_editable:
        raise SignOffRefused("This edition is not waiting for sign-off.")
    if not can_approve(user, edition):
        raise SignOffRefused("You do not have permission to approve editions.")


def _back_to_draft(
    edition: QuarterlyUpdate, user: AbstractBaseUser | None, fingerprint: str
) -> None:
    _signoff_reset(edition)
    edition.save(update_fields=SIGNOFF_FIELDS)
    _step(edition, EditionSignOffStep.Action.CHANGED, user, snapshot_hash=fingerprint)
    logger.info("event=edition_changed_after_signoff edition=%s", edition.slug)


@transaction.atomic
def edition_content_changed(
    *, edition: QuarterlyUpdate, changed_by: AbstractBaseUser | None
) -> bool:
    """After an edit: if the content is no longer what was marked ready or approved, the
    edition goes back to draft (True). Called by every admin save of an edition or a bullet."""
    edition = _locked(edition)
    if edition.signoff_status == QuarterlyUpdate.SignOff.DRAFT or not edition.is_editable:
        return False
    fingerprint = edition_fingerprint(edition)
    if fingerprint == edition.signoff_hash:
        return False
    _back_to_draft(edition, changed_by, fingerprint)
    return True


@transaction.atomic
def edition_approval_record_historical(
    *, edition: QuarterlyUpdate, approved_at: datetime.datetime, note: str
) -> QuarterlyUpdate:
    """For an edition signed off before this service (the data load): record that it was,
    with no person named, so it can be published through the same checks."""
    edition = _locked(edition)
    fingerprint = edition_fingerprint(edition)
    edition.signoff_status = QuarterlyUpdate.SignOff.APPROVED
    edition.ready_by = None
    edition.signoff_hash = fingerprint
    edition.full_clean()
    edition.save(update_fields=SIGNOFF_FIELDS)
    _step(
        edition,
        EditionSignOffStep.Action.HISTORICAL,
        None,
        at=approved_at,
        comment=note,
        snapshot_hash=fingerprint,
    )
    return edition


# ---- The next quarter ----


@transaction.atomic
def edition_start_next(
    *, edition: QuarterlyUpdate, started_by: AbstractBaseUser, carry_over_bullets: bool
) -> QuarterlyUpdate:
    """The draft of the quarter after `edition`: its title, series, publisher, foreword heading
    and signatory carried over, the foreword blank, and, if asked, a copy of each bullet.

    If that quarter's edition exists already, it is returned unchanged: never two drafts.
    """
    if not can_start_next_edition(started_by):
        raise SignOffRefused("You do not have permission to start editions.")
    # Two starts from one edition wait for each other here; the unique slug catches the rest.
    source = _locked(edition)
    period = source.next_period
    if existing := QuarterlyUpdate.objects.following(source).first():
        return existing
    draft = QuarterlyUpdate(
        title=source.title,
        series=source.series,
        period=period,
        slug=period.strftime("%Y-%m"),
        publisher=source.publisher,
        foreword_heading=source.foreword_heading,
        foreword="",
        signature_description=source.signature_description,
        signatory_name=source.signatory_name,
        signatory_role=source.signatory_role,
    )
    try:
        with transaction.atomic():
            draft.full_clean()
            draft.save()
    except IntegrityError:
        return QuarterlyUpdate.objects.following(source).get()
    if carry_over_bullets:
        _bullets_copy(source, draft)
    logger.info(
        "event=edition_started edition=%s from=%s user=%s bullets=%s",
        draft.slug,
        source.slug,
        started_by.pk,
        carry_over_bullets,
    )
    return draft


def _bullets_copy(source: QuarterlyUpdate, draft: QuarterlyUpdate) -> None:
    """Row by row, so each copy has its history; sub-points follow their bullet."""
    copies: dict[int, ProgressUpdate] = {}
    parents_first = F("parent_id").asc(nulls_first=True)
    for bullet in source.bullets.order_by(parents_first, "position", "pk"):
        copy = ProgressUpdate(
            edition=draft,
            recommendation_id=bullet.recommendation_id,
            parent=copies[bullet.parent_id] if bullet.parent_id else None,
            position=bullet.position,
            source=bullet.source,
            text=bullet.text,
        )
        copy.full_clean()
        copy.save()
        copies[bullet.pk] = copy
