"""Withdrawing a published revision that exposed personal data (safeguarding, ADR 6).

A publication is frozen (ADR 1), with one exception: on a site about domestic abuse, a
revision that gave away someone's address or phone number cannot stay online, even as an
earlier revision. One secretariat user asks for the withdrawal with a reason
(`publication_withdrawal_request`), a different one confirms it
(`publication_withdrawal_confirm`). Confirming, in one transaction:

- replaces the revision's content by its withdrawn form (the current snapshot version, with
  no foreword paragraphs, no bullets and a `withdrawn` notice) and its body by the notice:
  the one UPDATE the database trigger allows (migration reports 0013);
- deletes the files made of it, the PDF and the compressed pages (`publication_files_remove`);
- scrubs the withdrawn passages (and any e-mail address or phone number in them) from the
  edition's history rows, e-mails, job results and the admin's log, and from anything else
  registered with `withdrawal_cleanup_register`;
- and, once committed, empties this worker's page cache (the others' expire within
  `PUBLISHED_PAGE_CACHE_SECONDS`).
"""

import copy
import datetime
import json
import logging
from collections.abc import Callable, Iterable
from functools import partial

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from oversight.models import OutgoingEmail
from oversight.permissions import can_confirm_withdrawal, can_request_withdrawal
from reports.checks import EMAIL, PHONE
from reports.middleware import published_page_cache_clear
from reports.models import (
    CompressedPage,
    ProgressUpdate,
    Publication,
    PublicationPdf,
    PublicationWithdrawal,
    QuarterlyUpdate,
    SectionStatus,
)
from reports.snapshot import BulletSnapshot, Snapshot, snapshot_read
from reports.tasks import make_publication_pdf

logger = logging.getLogger(__name__)

NOTICE = "This revision was withdrawn on {date} because it contained personal information."
# What replaces a withdrawn passage wherever it was kept.
SCRUBBED = "[withdrawn]"
# Shorter passages ("Yes.") are too common to scrub everywhere they appear.
MIN_PASSAGE_LENGTH = 12

NO_PERMISSION = "You do not have permission to withdraw publications."
ALREADY_WITHDRAWN = "This revision is already withdrawn, or its withdrawal has been asked for."
REQUESTER_CANNOT_CONFIRM = (
    "You asked for this withdrawal, so someone else in the secretariat must confirm it."
)
ALREADY_CONFIRMED = "This withdrawal has already been confirmed."

# fn(publication=..., passages=[...]): removes the passages from a table of its own.
Cleanup = Callable[..., None]
_cleanups: list[Cleanup] = []


class WithdrawalRefused(Exception):
    """The withdrawal cannot be asked for or confirmed by this user: the message says why."""


def withdrawal_cleanup_register(fn: Cleanup) -> Cleanup:
    """Register `fn(*, publication, passages)` to run inside every confirmed withdrawal, for
    tables that keep copies of published text (a search index). Usable as a decorator."""
    if fn not in _cleanups:
        _cleanups.append(fn)
    return fn


@transaction.atomic
def publication_withdrawal_request(
    *, publication: Publication, requested_by: AbstractBaseUser, reason: str
) -> PublicationWithdrawal:
    """Ask for a revision to be withdrawn; nothing public changes until someone else confirms."""
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    if not can_request_withdrawal(requested_by):
        raise WithdrawalRefused(NO_PERMISSION)
    if not can_request_withdrawal(requested_by, publication):
        raise WithdrawalRefused(ALREADY_WITHDRAWN)
    withdrawal = PublicationWithdrawal(
        publication=publication,
        reason=reason.strip(),
        requested_by=requested_by,
        requested_at=timezone.now(),
    )
    withdrawal.full_clean()
    withdrawal.save()
    logger.info(
        "event=withdrawal_requested publication=%s user=%s", publication.pk, requested_by.pk
    )
    return withdrawal


@transaction.atomic
def publication_withdrawal_confirm(
    *, withdrawal: PublicationWithdrawal, confirmed_by: AbstractBaseUser
) -> PublicationWithdrawal:
    """Confirm a withdrawal someone else asked for: replace the revision's text by the notice
    and remove every copy of the withdrawn text the service keeps."""
    withdrawal = PublicationWithdrawal.objects.select_for_update().get(pk=withdrawal.pk)
    if not can_confirm_withdrawal(confirmed_by):
        raise WithdrawalRefused(NO_PERMISSION)
    if withdrawal.confirmed_at is not None:
        raise WithdrawalRefused(ALREADY_CONFIRMED)
    if withdrawal.requested_by_id == confirmed_by.pk:
        raise WithdrawalRefused(REQUESTER_CANNOT_CONFIRM)

    publication = (
        Publication.objects.select_for_update(of=("self",))
        .select_related("edition")
        .get(pk=withdrawal.publication_id)
    )
    passages = withdrawn_passages(publication)
    now = timezone.now()
    publication.content = withdrawn_content(
        publication.content, withdrawn_on=timezone.localdate(now)
    )
    publication.body_html = withdrawn_body_render(publication.content)
    publication.withdrawn_at = now
    publication.full_clean()
    # Exactly these three columns: the trigger and the role's grants allow no others.
    publication.save(update_fields=["withdrawn_at", "content", "body_html"])
    publication_files_remove(publication)

    withdrawal.confirmed_by = confirmed_by
    withdrawal.confirmed_at = now
    withdrawal.full_clean()
    withdrawal.save(update_fields=["confirmed_by", "confirmed_at"])

    for cleanup in [_history_scrub, _messages_scrub, *_cleanups]:
        cleanup(publication=publication, passages=passages)
    transaction.on_commit(published_page_cache_clear)
    logger.info(
        "event=withdrawal_confirmed publication=%s user=%s passages=%s",
        publication.pk,
        confirmed_by.pk,
        len(passages),
    )
    return withdrawal


def publication_files_remove(publication: Publication) -> None:
    """Delete the files made of a withdrawn publication: its PDF (row, and file in storage)
    and its compressed pages; once committed, the PDF job makes the notice's PDF.

    The stored file goes now, inside the transaction: should the withdrawal then fail, the
    PDF is made again from the unchanged publication, whereas a file left behind would keep
    the withdrawn text in the object store (and its backups).
    """
    stored = PublicationPdf.objects.filter(publication=publication).first()
    if stored is not None:
        name, storage = stored.file.name, stored.file.storage
        stored.delete()
        if name:
            storage.delete(name)
    CompressedPage.objects.filter(publication=publication).delete()
    transaction.on_commit(partial(make_publication_pdf.enqueue, publication.pk))


def withdrawal_notice(withdrawn_on: datetime.date) -> str:
    return NOTICE.format(date=f"{withdrawn_on.day} {withdrawn_on:%B %Y}")


def withdrawn_content(content: dict, *, withdrawn_on: datetime.date) -> Snapshot:
    """The withdrawn form of stored content, as the current snapshot version: its headings,
    recommendations and statuses, no foreword paragraphs, no bullets, and the notice."""
    snapshot = copy.deepcopy(dict(snapshot_read(content)))
    snapshot["foreword"] = {**snapshot["foreword"], "paragraphs": []}
    snapshot["sections"] = [{**section, "bullets": []} for section in snapshot["sections"]]
    snapshot["withdrawn"] = {
        "on": withdrawn_on.isoformat(),
        "notice": withdrawal_notice(withdrawn_on),
    }
    return snapshot  # type: ignore[return-value]


def withdrawn_body_render(content: Snapshot) -> str:
    """The stored body of a withdrawn revision: its title and the notice."""
    return render_to_string("reports/includes/withdrawn_body.html", {"edition": content})


def withdrawn_passages(publication: Publication) -> list[str]:
    """The text being withdrawn: the revision's foreword paragraphs and bullets that no other
    publication still shows, and any e-mail address or phone number in them that none
    shows."""
    kept = set()
    others = Publication.objects.exclude(pk=publication.pk).filter(withdrawn_at__isnull=True)
    for content in others.values_list("content", flat=True):
        kept.update(_passages(content))
    passages = [p for p in _passages(publication.content) if p not in kept]
    # An address still published elsewhere (a helpline's) is not personal data to remove.
    found = [
        match
        for p in passages
        for pattern in (EMAIL, PHONE)
        for match in pattern.findall(p)
        if not any(match in text for text in kept)
    ]
    # Longest first, so that a passage is replaced whole before the address inside it.
    return sorted(set(passages) | set(found), key=lambda text: (-len(text), text))


def _passages(content: dict) -> list[str]:
    snapshot = snapshot_read(content)
    texts = list(snapshot["foreword"]["paragraphs"])

    def walk(bullets: list[BulletSnapshot]) -> None:
        for bullet in bullets:
            texts.append(bullet["text"])
            walk(bullet["points"])

    for section in snapshot["sections"]:
        walk(section["bullets"])
    return [text for text in texts if len(text) >= MIN_PASSAGE_LENGTH]


def _history_scrub(*, publication: Publication, passages: list[str]) -> None:
    """The edition's history rows (django-simple-history): its editions, bullets, statuses."""
    edition_id = publication.edition_id
    for model, edition_filter in (
        (QuarterlyUpdate, Q(id=edition_id)),
        (ProgressUpdate, Q(edition_id=edition_id)),
        (SectionStatus, Q(edition_id=edition_id)),
    ):
        history = model.history.model  # type: ignore[attr-defined]
        text_scrub(history.objects.filter(edition_filter), passages)


def _messages_scrub(*, publication: Publication, passages: list[str]) -> None:
    """E-mails queued or sent, background jobs' arguments and results, the admin's log."""
    for queryset in (
        OutgoingEmail.objects.all(),
        DBTaskResult.objects.all(),
        LogEntry.objects.all(),
    ):
        text_scrub(queryset, passages)


def text_scrub(queryset: models.QuerySet, passages: Iterable[str]) -> int:
    """Replace each passage by `SCRUBBED` in every text and JSON field of the rows of
    `queryset` that contain one. Rows are updated in place, without `save()`: no new history
    row, no signal, no timestamps. Returns how many rows changed."""
    passages = [p for p in passages if p]
    if not passages:
        return 0
    model = queryset.model
    text_fields = [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField)) and not f.choices
    ]
    json_fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
    annotations = {f"_{name}_text": Cast(name, models.TextField()) for name in json_fields}
    condition = Q()
    for passage in passages:
        for name in text_fields:
            condition |= Q(**{f"{name}__contains": passage})
        # JSON is stored escaped; searching for the JSON-escaped passage finds it there too.
        escaped = json.dumps(passage, ensure_ascii=False)[1:-1]
        for name in json_fields:
            condition |= Q(**{f"_{name}_text__contains": escaped})
            if escaped != passage:
                condition |= Q(**{f"_{name}_text__contains": passage})
    changed = 0
    for row in queryset.annotate(**annotations).filter(condition):
        updates = {}
        for name in text_fields:
            value = getattr(row, name)
            if value and any(p in value for p in passages):
                updates[name] = _replace(value, passages)[: model._meta.get_field(name).max_length]
        for name in json_fields:
            value = getattr(row, name)
            scrubbed = _json_scrub(value, passages)
            if scrubbed != value:
                updates[name] = scrubbed
        if updates:
            model._default_manager.filter(pk=row.pk).update(**updates)
            changed += 1
    return changed


def _replace(text: str, passages: list[str]) -> str:
    for passage in passages:
        text = text.replace(passage, SCRUBBED)
    return text


def _json_scrub(value, passages: list[str]):
    if isinstance(value, str):
        return _replace(value, passages)
    if isinstance(value, list):
        return [_json_scrub(item, passages) for item in value]
    if isinstance(value, dict):
        return {key: _json_scrub(item, passages) for key, item in value.items()}
    return value
