"""Publishing in tests, through the sign-off the service requires.

Tests that need a published edition call `publish_for_test` rather than `edition_publish`
directly, so that publishing's steps live in one place: the edition is marked ready by a
preparer, approved by someone else in the chair's office (four eyes), then published.
"""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group
from django.utils import timezone

from oversight.permissions import CHAIRS_OFFICE, SECRETARIAT, role_groups_sync
from reports.checks import edition_problems
from reports.models import EditionSignOffStep, Publication, QuarterlyUpdate
from reports.services import (
    edition_approve,
    edition_mark_ready,
    edition_publish,
    snapshot_fingerprint,
)
from reports.snapshot import edition_snapshot
from tests.oversight.factories import StaffUserFactory


def signoff_users() -> tuple[AbstractBaseUser, AbstractBaseUser]:
    """A preparer (secretariat) and an approver (chair's office), made once per test."""
    role_groups_sync()
    preparer = StaffUserFactory(username="test-preparer")
    preparer.groups.add(Group.objects.get(name=SECRETARIAT))
    approver = StaffUserFactory(username="test-approver")
    approver.groups.add(Group.objects.get(name=CHAIRS_OFFICE))
    return preparer, approver


def approve_for_test(edition: QuarterlyUpdate) -> QuarterlyUpdate:
    """Ready, then approved by a second person: what publishing needs.

    An edition with problems cannot be marked ready, so it is recorded as ready directly
    (as `edition_mark_ready` records it), to show that publishing refuses it too.
    """
    edition.refresh_from_db()
    if edition.signoff_status == QuarterlyUpdate.SignOff.APPROVED:
        return edition
    preparer, approver = signoff_users()
    if edition.signoff_status == QuarterlyUpdate.SignOff.DRAFT:
        content = edition_snapshot(edition)
        if edition_problems(edition, content):
            _recorded_ready(edition, preparer, snapshot_fingerprint(content))
        else:
            edition_mark_ready(edition=edition, marked_by=preparer)
    edition_approve(edition=edition, approved_by=approver)
    edition.refresh_from_db()  # the caller's object sees the approval too
    return edition


def publish_for_test(
    edition: QuarterlyUpdate,
    *,
    by: AbstractBaseUser | None = None,
    change_note: str = "",
    warnings_accepted: bool = False,
    published_at: datetime.datetime | None = None,
) -> Publication:
    edition = approve_for_test(edition)
    return edition_publish(
        edition=edition,
        published_by=by,
        change_note=change_note,
        warnings_accepted=warnings_accepted,
        published_at=published_at,
    )


def _recorded_ready(edition: QuarterlyUpdate, preparer: AbstractBaseUser, fingerprint: str) -> None:
    QuarterlyUpdate.objects.filter(pk=edition.pk).update(
        signoff_status=QuarterlyUpdate.SignOff.READY, ready_by=preparer, signoff_hash=fingerprint
    )
    EditionSignOffStep.objects.create(
        edition=edition,
        action=EditionSignOffStep.Action.READY,
        user=preparer,
        at=timezone.now(),
        snapshot_hash=fingerprint,
    )
