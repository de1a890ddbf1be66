"""Who is signed in, kept by each worker until an account changes.

Every signed-in request needs its login (one query) and, to check a permission, the login's
own and its groups' permissions (two more). Each worker keeps what it loaded, per login,
against the `accounts` token (`oversight.personal_pages.page_version`), which every save or
delete of a login, a member, a group or a permission, and every change of who is in which
group or holds which permission, replaces in the writer's own transaction. A kept sign-in
then costs the token's read, which the request shares with the page it shows (ADR 9).

Only the loading is saved. Every request still has its session read and its password hash
checked (django.contrib.auth), and the login refused if inactive or its member has left the
group by today (`MemberAwareBackend.user_can_authenticate`). Each request gets its own copy,
so nothing one request sets on its user reaches another. Bulk writes send no signals: what
changes accounts in bulk calls `accounts_changed()` afterwards (as `generate_scale_data`).
"""

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.db.models.signals import m2m_changed

from oversight.personal_pages import page_version, page_version_bump, pages_depend_on

ACCOUNTS = "accounts"


def accounts_changed() -> None:
    """After a bulk write to logins, members, groups or permissions: load them again."""
    page_version_bump(ACCOUNTS)


def accounts_depend_on_signals() -> None:
    """Connect the receivers that replace the accounts token (called once, at start-up)."""
    from oversight.models import Member

    user_model = get_user_model()
    # post_save and post_delete of each, and who is in which group.
    pages_depend_on(ACCOUNTS, user_model, Member, Group, Permission)

    def bump_on_change(sender, action: str, **kwargs) -> None:
        if action in ("post_add", "post_remove", "post_clear"):
            accounts_changed()

    for through in (user_model.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(
            bump_on_change,
            sender=through,
            weak=False,
            dispatch_uid=f"accounts-token-{through._meta.label_lower}",
        )


class KeptSignIns:
    """The logins a worker keeps, at most `SIGNED_IN_KEPT`, the least recently used dropped
    first, each with the accounts token it was loaded at and its permissions already loaded.
    Safe to share between a worker's threads."""

    def __init__(self) -> None:
        # str(user id) -> (token, user with its permission caches filled)
        self.users: OrderedDict[str, tuple[str, AbstractBaseUser]] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self.users.clear()

    def user(self, user_id, load: Callable[[], AbstractBaseUser | None]) -> AbstractBaseUser | None:
        """The login `user_id`, kept or loaded by `load` (None if there is none)."""
        limit = settings.SIGNED_IN_KEPT
        if not limit:
            return load()
        token = page_version(ACCOUNTS)  # before loading: never keep a login under a newer one
        key = str(user_id)
        with self._lock:
            kept = self.users.get(key)
            if kept is not None and kept[0] == token:
                self.users.move_to_end(key)
                return copy.deepcopy(kept[1])
        user = load()
        if user is None:
            return None
        if user.is_active:
            user.get_all_permissions()  # fills the backend's caches on the user, kept with it
        with self._lock:
            self.users[key] = (token, copy.deepcopy(user))
            self.users.move_to_end(key)
            while len(self.users) > limit:
                self.users.popitem(last=False)
        return user


KEPT_SIGN_INS = KeptSignIns()
