"""The two kinds of signed-in user and what each may do.

Secretariat staff run the admin: they edit every record of the service. Group members sign in
to review force action plans in the browser: they read plans, nothing more.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.db import transaction

SECRETARIAT = "Secretariat"
GROUP_MEMBER = "Group members"

SECRETARIAT_APPS = ("oversight", "recommendations", "forces", "reports")
WRITE_LOADED_RECORD = ("add_loadedrecord", "change_loadedrecord", "delete_loadedrecord")
GROUP_MEMBER_PERMISSIONS = (
    ("forces", "view_force"),
    ("forces", "view_actionplan"),
    ("forces", "view_planaction"),
)


@transaction.atomic
def role_groups_sync() -> tuple[Group, Group]:
    """Create the two role groups, or bring their permissions up to date."""
    secretariat, _ = Group.objects.get_or_create(name=SECRETARIAT)
    # What a data load created is an audit trail: the secretariat may read it, not change it.
    secretariat.permissions.set(
        Permission.objects.filter(content_type__app_label__in=SECRETARIAT_APPS).exclude(
            content_type__model="loadedrecord", codename__in=WRITE_LOADED_RECORD
        )
    )
    members, _ = Group.objects.get_or_create(name=GROUP_MEMBER)
    members.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in={app for app, _ in GROUP_MEMBER_PERMISSIONS},
            codename__in={codename for _, codename in GROUP_MEMBER_PERMISSIONS},
        )
    )
    return secretariat, members


def is_secretariat(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(
        user.is_active
        and user.is_staff
        and (user.is_superuser or user.groups.filter(name=SECRETARIAT).exists())
    )


def is_group_member(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(
        user.is_active and (is_secretariat(user) or user.groups.filter(name=GROUP_MEMBER).exists())
    )
