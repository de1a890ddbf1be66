"""Publishing in tests, through the sign-off the service requires.

Tests that need a published edition call `publish_for_test` rather than `edition_publish`
directly, so that publishing's steps live in one place: the edition is marked ready by a
preparer, approved by someone else in the chair's office (four eyes), then published.
"""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group

from oversight.permissions import CHAIRS_OFFICE, SECRETARIAT, role_groups_sync
from reports.models import Publication, QuarterlyUpdate
from reports.services import edition_approve, edition_mark_ready, edition_publish
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
    """Ready, then approved by a second person: what publishing needs."""
    edition.refresh_from_db()
    if edition.signoff_status == QuarterlyUpdate.SignOff.APPROVED:
        return edition
    preparer, approver = signoff_users()
    if edition.signoff_status == QuarterlyUpdate.SignOff.DRAFT:
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
