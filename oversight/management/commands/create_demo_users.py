import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from oversight.permissions import role_groups_sync

DEMO_USERS = {
    # username: (is_staff, role group)
    "secretariat": (True, "secretariat"),
    "member": (False, "members"),
}


class Command(BaseCommand):
    help = "Create (or reset) a secretariat and a group-member login for local use only."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Demo logins are for local use: this refuses to run unless DEBUG=true."
            )
        secretariat_group, members_group = role_groups_sync()
        groups = {"secretariat": secretariat_group, "members": members_group}
        user_model = get_user_model()
        self.stdout.write("Demo logins (local use only; passwords change each time):")
        for username, (is_staff, group_key) in DEMO_USERS.items():
            password = secrets.token_urlsafe(12)
            user, _ = user_model.objects.get_or_create(username=username)
            user.is_staff = is_staff
            user.is_active = True
            user.set_password(password)
            user.save()
            user.groups.set([groups[group_key]])
            self.stdout.write(f"  {username:<12} password: {password}")
