import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from oversight.models import Member
from oversight.permissions import CHAIRS_OFFICE, role_groups_sync
from oversight.seed.demo_users import DEMO_USERS

# The seeded member the demo member signs in as, so a newcomer sees the review as they would.
DEMO_MEMBER_ORGANISATION = "Women's Aid"


class Command(BaseCommand):
    help = (
        "Create (or reset) a secretariat, a chair's office and a group-member login for local "
        "use only."
    )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Demo logins are for local use: this refuses to run unless DEBUG=true."
            )
        secretariat_group, members_group = role_groups_sync()
        groups = {
            "secretariat": secretariat_group,
            "members": members_group,
            "chairs_office": Group.objects.get(name=CHAIRS_OFFICE),
        }
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
            if username == "member":
                self._link_demo_member(user)
        if not settings.TWO_FACTOR_REQUIRED:
            self.stdout.write(
                "Two-factor sign-in is off locally (DEBUG is on): no authenticator app needed. "
                "Set TWO_FACTOR_REQUIRED=true to try it."
            )

    def _link_demo_member(self, user) -> None:
        member = (
            Member.objects.filter(organisation__name=DEMO_MEMBER_ORGANISATION, user__isnull=True)
            .order_by("pk")
            .first()
        ) or Member.objects.filter(user=user).first()
        if member is None:
            self.stdout.write("  (no seeded member to link: run load_hmic_2014 first)")
            return
        member.user = user
        member.save(update_fields=["user"])
        self.stdout.write(f"  member signs in as {member.listing_label}")
