"""Counting requests per client or per address in the database, which every worker shares.

A fixed window per key: the first request starts an hour (say), each request adds one, and
beyond the limit requests are refused until the window ends. Each count is one conditional
UPDATE, which the database applies atomically, so concurrent requests cannot overshoot the
limit. Keys are stored as an HMAC under SECRET_KEY, never as the address itself.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from oversight.models import RateLimitBucket


@dataclass(frozen=True)
class RateLimit:
    scope: str
    limit: int
    window: timedelta


def rate_limit_key(*, scope: str, value: str) -> str:
    return salted_hmac(f"oversight.throttle.{scope}", value, algorithm="sha256").hexdigest()


def rate_limit_hit(*, rate: RateLimit, value: str) -> bool:
    """Count one request for `value`. False, and nothing counted, once the limit is reached."""
    key_hash = rate_limit_key(scope=rate.scope, value=value)
    buckets = RateLimitBucket.objects.filter(scope=rate.scope, key_hash=key_hash)
    for _ in range(2):
        now = timezone.now()
        window_open = now - rate.window
        if buckets.filter(window_started_at__gt=window_open, count__lt=rate.limit).update(
            count=F("count") + 1
        ):
            return True
        if buckets.filter(window_started_at__lte=window_open).update(
            count=1, window_started_at=now
        ):
            return True
        if buckets.exists():
            return False  # within its window, and full
        bucket = RateLimitBucket(
            scope=rate.scope, key_hash=key_hash, window_started_at=now, count=1
        )
        bucket.full_clean(validate_unique=False, validate_constraints=False)  # the insert checks
        try:
            with transaction.atomic():
                bucket.save()
        except IntegrityError:
            continue  # a concurrent request made it first: count against theirs
        return True
    return False


def rate_limit_prune(*, older_than: timedelta) -> int:
    """Delete windows that ended long ago, so the table holds only the last few hours."""
    deleted, _ = RateLimitBucket.objects.filter(
        window_started_at__lt=timezone.now() - older_than
    ).delete()
    return deleted
