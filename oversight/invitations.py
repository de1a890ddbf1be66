"""Inviting a group member to sign in: a login linked to their `Member`, and a one-time link.

The secretariat invites from the member's admin page. The member gets an e-mail (sent by the
background job, through `oversight.mail.email_queue`) with a link that sets the password of
their new login: it works once, for `INVITATION_VALID_DAYS` days, and a new invitation or a
revoke makes the earlier link useless. Only a hash of the token is stored.
"""

import hashlib
import logging
import re
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from oversight import mail
from oversight.models import Invitation, Member
from oversight.permissions import GROUP_MEMBER, is_member_login, role_groups_sync

logger = logging.getLogger(__name__)

USERNAME_MAX_LENGTH = 150


class InvitationInvalid(Exception):
    """The link is unknown, used, revoked or expired."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _username_for(member: Member) -> str:
    """A free username from the member's e-mail address (or their name)."""
    user_model = get_user_model()
    base = member.email.strip().lower() or re.sub(r"[^a-z0-9]+", ".", member.name.lower())
    base = re.sub(r"[^\w.@+-]", "", base).strip(".")[: USERNAME_MAX_LENGTH - 4] or "member"
    username, suffix = base, 1
    while user_model.objects.filter(username__iexact=username).exists():
        suffix += 1
        username = f"{base}-{suffix}"
    return username


def _login_for(member: Member) -> Any:
    """The member's login, created (with no password yet) if they have none."""
    user = member.user
    if user is None:
        user_model = get_user_model()
        user = user_model(username=_username_for(member), email=member.email, is_active=True)
        user.set_unusable_password()
        user.full_clean()
        user.save()
        member.user = user
        member.full_clean()
        member.save(update_fields=["user"])
    elif not is_member_login(user):
        # Setting a staff login's password through an e-mailed link would hand over its powers.
        raise ValidationError("This member's login is a staff account: a superuser manages it.")
    _, members_group = role_groups_sync()
    if not user.groups.filter(name=GROUP_MEMBER).exists():
        user.groups.add(members_group)
    return user


def _revoke_open(member: Member, now) -> int:
    return member.invitations.open(now).update(revoked_at=now)


@transaction.atomic
def invitation_send(*, member: Member, invited_by: Any, site_url: str) -> Invitation:
    """Create the member's login if needed, and e-mail them a new one-time link.

    Any earlier link of theirs stops working. `site_url` is the service's address, e.g.
    "https://oversight.example.gov.uk", for the link in the e-mail.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not member.email:
        raise ValidationError("Add the member's e-mail address first, then invite them.")
    if member.left_on and member.left_on <= timezone.localdate():
        raise ValidationError("This member has left the group: they cannot be invited.")
    user = _login_for(member)
    now = timezone.now()
    _revoke_open(member, now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        member=member,
        created_by=invited_by,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
        token_hash=token_hash(token),
    )
    invitation.full_clean()
    invitation.save()
    link = site_url.rstrip("/") + reverse("invitation-accept", args=[token])
    mail.email_queue(
        idempotency_key=f"invitation:{invitation.pk}",
        to=[member.email],
        subject="Sign in to the National Oversight Group service",
        body=(
            f"Dear {member.name or member.role},\n\n"
            "The secretariat of the National Oversight Group on domestic abuse has made you a "
            "login, so that you can read and review the force action plans.\n\n"
            f"Your username is: {user.get_username()}\n\n"
            "Choose your password here (the link works once, for "
            f"{settings.INVITATION_VALID_DAYS} days):\n\n{link}\n\n"
            "If the link has expired, ask the secretariat for a new one.\n"
        ),
    )
    logger.info("event=invitation_sent member=%s by=%s", member.pk, getattr(invited_by, "pk", None))
    return invitation


def invitation_resend(*, member: Member, invited_by: Any, site_url: str) -> Invitation:
    """A new link for a member invited before; the old link stops working."""
    if not member.invitations.exists():
        raise ValidationError("This member has not been invited yet.")
    return invitation_send(member=member, invited_by=invited_by, site_url=site_url)


@transaction.atomic
def invitation_revoke(*, member: Member, revoked_by: Any) -> int:
    """Stop the member's open invitation link from working. Returns how many were revoked."""
    revoked = _revoke_open(member, timezone.now())
    logger.info(
        "event=invitation_revoked member=%s by=%s count=%s",
        member.pk,
        getattr(revoked_by, "pk", None),
        revoked,
    )
    return revoked


def invitation_for_token(token: str) -> Invitation:
    """The open invitation the link names, or `InvitationInvalid`."""
    invitation = (
        Invitation.objects.open()
        .select_related("member__user")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None or invitation.member.user is None:
        raise InvitationInvalid
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> Any:
    """Set the invited member's password and use the link up. Returns their login.

    Raises `InvitationInvalid` for a link that no longer works, and `ValidationError` when
    the password fails the password validators (the link then still works).
    """
    found = invitation_for_token(token)
    # Locked, and checked again: two tabs submitting the same link set one password.
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    if invitation.status != "open":
        raise InvitationInvalid
    user = found.member.user
    if not is_member_login(user):
        raise InvitationInvalid
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.used_at = timezone.now()
    invitation.full_clean()
    invitation.save(update_fields=["used_at"])
    logger.info("event=invitation_accepted member=%s user=%s", found.member_id, user.pk)
    return user
