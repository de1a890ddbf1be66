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
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, Permission

from oversight.kept_pages import KeptByVersion
from oversight.personal_pages import page_version, page_version_bump, pages_depend_on

ACCOUNTS = "accounts"


def accounts_changed() -> None:
    """After a bulk write to logins, members, groups or permissions: load them again."""
    page_version_bump(ACCOUNTS)


def accounts_depend_on_signals() -> None:
    """Connect the receivers that replace the accounts token (called once, at start-up)."""
    from oversight.models import Member

    user_model = get_user_model()
    # Each one's saves and deletes; who is in which group, who holds which permission. Not
    # the time of a sign-in, which Django saves alone on every one: a kept login's copy of it
    # is older, and nothing that decides what a request may do reads it.
    pages_depend_on(
        ACCOUNTS,
        user_model,
        Member,
        Group,
        Permission,
        memberships=(user_model.user_permissions.through, Group.permissions.through),
        unless_only=frozenset({"last_login"}),
    )


class KeptSignIns:
    """The logins a worker keeps (a `KeptByVersion` under `SIGNED_IN_KEPT`), each with the
    accounts token it was loaded at and its permissions already loaded."""

    def __init__(self) -> None:
        self.store = KeptByVersion("SIGNED_IN_KEPT")
        # str(user id) -> (token, user with its permission caches filled)
        self.users = self.store.entries

    def clear(self) -> None:
        self.store.clear()

    def user(self, user_id, load: Callable[[], AbstractBaseUser | None]) -> AbstractBaseUser | None:
        """The login `user_id`, kept or loaded by `load` (None if there is none)."""
        if not self.store.limit:
            return load()
        token = page_version(ACCOUNTS)  # before loading: never keep a login under a newer one
        key = str(user_id)
        kept = self.store.get(key, token)
        if kept is not None:
            return copy.deepcopy(kept)
        user = load()
        if user is None:
            return None
        if user.is_active:
            user.get_all_permissions()  # fills the backend's caches on the user, kept with it
        self.store.put(key, token, copy.deepcopy(user))
        return user


KEPT_SIGN_INS = KeptSignIns()
