"""Publishing in tests, through whatever sign-off the service requires.

Tests that need a published edition call `publish_for_test` rather than `edition_publish`
directly, so that when publishing gains steps (sign-off by a second person) one place changes.
"""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser

from reports.models import Publication, QuarterlyUpdate
from reports.services import edition_publish


def publish_for_test(
    edition: QuarterlyUpdate,
    *,
    by: AbstractBaseUser | None = None,
    change_note: str = "",
    warnings_accepted: bool = False,
    published_at: datetime.datetime | None = None,
) -> Publication:
    return edition_publish(
        edition=edition,
        published_by=by,
        change_note=change_note,
        warnings_accepted=warnings_accepted,
        published_at=published_at,
    )
