"""Two-factor sign-in with an authenticator app (TOTP), and single-use recovery codes.

django-otp keeps the devices and checks the codes, throttling wrong ones (each failure
doubles the wait before the next try). This module adds what the service needs around it:

- A session "owes" a second factor when its user has set up an app (noted at sign-in) or must
  have one (`needs_second_factor`: staff while `TWO_FACTOR_REQUIRED` is on). Until it is paid,
  `SecondFactorMiddleware` sends every request except the two-factor pages and signing out to
  set-up or verify, so the admin (and every other page) refuses such a session.
- Services to set up an app, verify a code or a recovery code, and make new recovery codes.
"""

from base64 import b32encode
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.permissions import needs_second_factor

# Set at sign-in when the user has an authenticator app: this session must give a code.
PENDING_KEY = "oversight_second_factor_pending"
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"

# Pages a session that owes its second factor may still reach.
ALLOWED_URL_NAMES = (
    "two-factor-set-up",
    "two-factor-verify",
    "two-factor-recovery",
    "sign-out",
    "admin:logout",
    "healthz",
)


class CodeRefused(Exception):
    """A wrong code, or too many wrong codes lately (`wait_until` says until when)."""

    def __init__(self, wait_until=None) -> None:
        super().__init__()
        self.wait_until = wait_until


def confirmed_app(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def has_second_factor(user: Any) -> bool:
    return confirmed_app(user) is not None


def owes_second_factor(request: HttpRequest) -> bool:
    """Signed in with a password only, where a code is needed too."""
    user = request.user
    # A user just signed in by login() is a fresh object, without OTPMiddleware's is_verified.
    if not user.is_authenticated or (hasattr(user, "is_verified") and user.is_verified()):
        return False
    return bool(request.session.get(PENDING_KEY)) or needs_second_factor(user)


def next_step_url(request: HttpRequest, next_url: str = "") -> str | None:
    """Where a session that owes its second factor goes: verify (if set up) or set up."""
    if not owes_second_factor(request):
        return None
    name = "two-factor-verify" if has_second_factor(request.user) else "two-factor-set-up"
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@receiver(user_logged_in, dispatch_uid="oversight_second_factor_pending")
def _note_pending_second_factor(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """Any sign-in (ours, the admin's, an accepted invitation) of a user with an app owes a code."""
    if request is not None and hasattr(request, "session") and has_second_factor(user):
        request.session[PENDING_KEY] = True


class SecondFactorMiddleware:
    """Send a session that owes its second factor to set-up or verify. After OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._allowed_paths: set[str] | None = None

    def allowed_paths(self) -> set[str]:
        if self._allowed_paths is None:
            self._allowed_paths = {reverse(name) for name in ALLOWED_URL_NAMES}
        return self._allowed_paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # No session cookie, no session read: published pages keep no `Vary: Cookie`.
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and request.user.is_authenticated
            and request.path_info not in self.allowed_paths()
            and owes_second_factor(request)
        ):
            return redirect(next_step_url(request, next_url=request.get_full_path()))
        return self.get_response(request)


# ---- Setting up an app, and signing in with it ---------------------------------------------


def app_device_for_set_up(user: Any) -> TOTPDevice:
    """The user's unconfirmed app device, made if needed: its key goes in the QR code."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice(user=user, name=APP_DEVICE_NAME, confirmed=False)
        device.full_clean()
        device.save()
    return device


def manual_key(device: TOTPDevice) -> str:
    """The key as the apps ask for it when typed in: base32, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The set-up QR code as inline SVG (no image request, nothing for the CSP to allow)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, title="QR code to scan with your authenticator app", border=2
    )


def _check(device: Any, code: str) -> CodeRefused | None:
    """None if the code is right; else the refusal, returned so that the caller raises it
    outside its transaction (raising inside would roll back django-otp's failure count)."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return CodeRefused(wait_until=(details or {}).get("locked_until"))
    if not device.verify_token(code):
        return CodeRefused()
    return None


def _normalise(code: str) -> str:
    return "".join(code.split()).lower()


@transaction.atomic
def recovery_codes_make(*, user: Any) -> list[str]:
    """Ten new single-use recovery codes; the old ones stop working. Shown once, stored as given."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_set_up(*, request: HttpRequest, code: str) -> list[str]:
    """Confirm the new app with a code from it; the session counts as verified. Returns codes."""
    with transaction.atomic():
        if has_second_factor(request.user):
            refused: CodeRefused | None = CodeRefused()
        else:
            device = TOTPDevice.objects.select_for_update().get(
                pk=app_device_for_set_up(request.user).pk
            )
            refused = _check(device, _normalise(code))
        if refused is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = recovery_codes_make(user=request.user)
    if refused is not None:
        raise refused
    _verified(request, device)
    return codes


def _verified(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)
    request.session.pop(PENDING_KEY, None)
    # A new session key once the second factor is given, as Django does at sign-in.
    request.session.cycle_key()


def two_factor_verify(*, request: HttpRequest, code: str) -> None:
    """A code from the user's app; raises `CodeRefused` (throttled by django-otp)."""
    with transaction.atomic():
        app = confirmed_app(request.user)
        device = app and TOTPDevice.objects.select_for_update().get(pk=app.pk)
        refused = _check(device, _normalise(code)) if device else CodeRefused()
    if refused is not None:
        raise refused
    _verified(request, device)


def two_factor_recover(*, request: HttpRequest, code: str) -> None:
    """A recovery code instead of the app's: each works once (django-otp deletes it)."""
    with transaction.atomic():
        device = (
            StaticDevice.objects.select_for_update()
            .filter(user=request.user, confirmed=True)
            .first()
        )
        refused = _check(device, _normalise(code)) if device else CodeRefused()
    if refused is not None:
        raise refused
    _verified(request, device)
