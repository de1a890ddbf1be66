"""Signing in and staying signed in: client addresses, the staff idle timeout, auth event logs,
and password reset (limited per address and per client, its mail sent by a background job).

Every authentication event (sign-in, failure, sign-out, lockout, idle timeout) and every 403 is
written to the log as one `key=value` line, e.g. `event=login_failed username=alice ip=192.0.2.1`.
Passwords are never logged. Values a visitor typed are cut short and quoted with their control
characters escaped, so a username with a newline in it cannot forge a second log line.
"""

import ipaddress
import json
import logging
import re
import unicodedata
from collections.abc import Callable
from datetime import timedelta

from axes.signals import user_locked_out
from django import forms
from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.views import PasswordResetView
from django.core import checks
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View

from oversight import invitations, mail, two_factor
from oversight.tasks import send_password_reset
from oversight.throttle import RateLimit, rate_limit_hit

logger = logging.getLogger(__name__)

# Where the time of a staff user's latest request is kept in their session (seconds since 1970).
LAST_ACTIVITY_KEY = "oversight_last_activity"
# The latest request is noted at most once a minute, so a busy page does not rewrite the session.
LAST_ACTIVITY_RESOLUTION_SECONDS = 60
MAX_LOGGED_VALUE_LENGTH = 64
# Django's User.username is at most 150 characters.
USERNAME_MAX_LENGTH = 150
_BARE_VALUE = re.compile(r"[A-Za-z0-9._@+:/-]+")


def client_ip(request: HttpRequest) -> str:
    """The visitor's IP address: from X-Forwarded-For only behind the configured trusted proxies.

    With `TRUSTED_PROXY_COUNT = n` each of the n proxies appends the address it saw, so the
    client is the n-th address from the right; anything further left was sent by the client and
    may be forged. With no trusted proxy the header is ignored: REMOTE_ADDR is the client.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass  # A proxy that writes junk is misconfigured: fall back to what we saw.
    return remote_addr


def login_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username a sign-in attempt gave, as django-axes records it.

    Cut to the longest username there can be: Django's login form does not enforce its own
    limit, and axes keeps attempts in a 255-character column (a longer one was a 500).
    """
    source = credentials if credentials else getattr(request, "POST", {})
    username = source.get("username")
    return None if username is None else str(username)[:USERNAME_MAX_LENGTH]


def log_value(value: object) -> str:
    """One value for a `key=value` log line: bare if plainly safe, otherwise cut and quoted."""
    if value is None or value == "":
        return "-"
    text = str(value)
    if _BARE_VALUE.fullmatch(text) and len(text) <= MAX_LOGGED_VALUE_LENGTH:
        return text
    # json.dumps quotes and escapes newlines, quotes and every non-ASCII character.
    return json.dumps(text[:MAX_LOGGED_VALUE_LENGTH])


def log_event(event: str, *, level: int = logging.INFO, **fields: object) -> None:
    line = " ".join([f"event={event}", *(f"{key}={log_value(v)}" for key, v in fields.items())])
    logger.log(level, "%s", line)


def _ip(request: HttpRequest | None) -> str | None:
    return client_ip(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="oversight_log_login")
def _log_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        # Start the idle clock now, so the first request after signing in need not write.
        request.session[LAST_ACTIVITY_KEY] = timezone.now().timestamp()
    log_event("login_succeeded", user=user.pk, ip=_ip(request))


@receiver(user_login_failed, dispatch_uid="oversight_log_login_failed")
def _log_login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    # Django has already replaced the password in `credentials`; only the username is read.
    log_event(
        "login_failed",
        level=logging.WARNING,
        username=credentials.get("username"),
        ip=_ip(request),
    )


@receiver(user_logged_out, dispatch_uid="oversight_log_logout")
def _log_logout(sender, request: HttpRequest | None, user, **kwargs) -> None:
    log_event("logout", user=user.pk if user else None, ip=_ip(request))


@receiver(user_locked_out, dispatch_uid="oversight_log_locked_out")
def _log_locked_out(sender, request: HttpRequest | None, username, ip_address, **kwargs) -> None:
    log_event("login_locked_out", level=logging.WARNING, username=username, ip=ip_address)


class StaffIdleTimeoutMiddleware:
    """Sign staff out after `STAFF_IDLE_TIMEOUT_SECONDS` without a request.

    Goes after AuthenticationMiddleware. A request without a session cookie is left alone: no
    session is read or written, so published pages get no cookie and no `Vary: Cookie`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_staff:
            self._check_idle(request)
        return self.get_response(request)

    @staticmethod
    def _check_idle(request: HttpRequest) -> None:
        now = timezone.now().timestamp()
        last_activity = request.session.get(LAST_ACTIVITY_KEY)
        if last_activity is not None:
            idle_seconds = now - last_activity
            if idle_seconds > settings.STAFF_IDLE_TIMEOUT_SECONDS:
                log_event(
                    "session_idle_timeout",
                    user=request.user.pk,
                    idle_minutes=int(idle_seconds // 60),
                    ip=client_ip(request),
                )
                logout(request)  # flushes the session; the view sees an anonymous visitor
                return
            if idle_seconds < LAST_ACTIVITY_RESOLUTION_SECONDS:
                return
        request.session[LAST_ACTIVITY_KEY] = now


class PermissionDeniedLogMiddleware:
    """Log every 403 response: admin permission checks, CSRF failures, `PermissionDenied`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            user = getattr(request, "user", None)
            log_event(
                "permission_denied",
                level=logging.WARNING,
                user=user.pk if user is not None and user.is_authenticated else None,
                method=request.method,
                path=request.path,
                ip=client_ip(request),
            )
        return response


CONSOLE_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@checks.register(checks.Tags.security, deploy=True)
def check_email_backend(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """`check --deploy`: without EMAIL_URL, password-reset links would be written to the logs."""
    if settings.EMAIL_BACKEND in CONSOLE_EMAIL_BACKENDS:
        return [
            checks.Warning(
                "Email is printed to the console: password-reset links would end up in the logs.",
                hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587.",
                id="oversight.W001",
            )
        ]
    return []


IMMEDIATE_TASK_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"


@checks.register(checks.Tags.security, deploy=True)
def check_tasks_backend(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """`check --deploy`: jobs run inside requests would make reset answers tell addresses apart."""
    if settings.TASKS["default"]["BACKEND"] == IMMEDIATE_TASK_BACKEND:
        return [
            checks.Warning(
                "Background jobs run inside the request: password-reset mail is sent while "
                "the visitor waits, so a known address answers more slowly than an unknown one.",
                hint="Leave TASKS_BACKEND unset (or set it to database) and run `manage.py db_worker`.",
                id="oversight.W010",
            )
        ]
    return []


# ---- Password reset ------------------------------------------------------------------------

PASSWORD_RESET_WINDOW = timedelta(hours=1)
TOO_MANY_RESETS_MESSAGE = (
    "You have asked for too many password reset links. Wait an hour, then try again. "
    "If you cannot sign in before then, contact the secretariat."
)


class PasswordResetThrottled(Exception):
    """Too many reset requests for one address, or from one client, within the hour."""


def normalise_email(email: str) -> str:
    """One form of an address, so that `Alice@Example.org ` counts as `alice@example.org`."""
    return unicodedata.normalize("NFKC", email).strip().casefold()


def password_reset_rate_limits() -> tuple[RateLimit, RateLimit]:
    """(per client, per address), read from the settings at each request."""
    return (
        RateLimit(
            "password-reset-client",
            settings.PASSWORD_RESET_PER_CLIENT_PER_HOUR,
            PASSWORD_RESET_WINDOW,
        ),
        RateLimit(
            "password-reset-address",
            settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR,
            PASSWORD_RESET_WINDOW,
        ),
    )


@transaction.atomic
def password_reset_request(*, email: str, client: str, domain: str, use_https: bool) -> None:
    """Queue the job that mails a reset link to `email`, if the limits allow.

    The same work whatever the address: whether it has an account is found out by the job,
    after the answer has gone. Raises `PasswordResetThrottled` beyond either limit, and then
    nothing is counted or queued (the transaction is rolled back).
    """
    per_client, per_address = password_reset_rate_limits()
    if not (
        rate_limit_hit(rate=per_client, value=client)
        and rate_limit_hit(rate=per_address, value=normalise_email(email))
    ):
        raise PasswordResetThrottled
    send_password_reset.enqueue(email=email, domain=domain, use_https=use_https)


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, its messages recorded and sent by `oversight.mail` (used by the job)."""

    def __init__(self, *args, idempotency_prefix: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.idempotency_prefix = idempotency_prefix
        self.queued = 0

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        _, created = mail.email_queue(
            idempotency_key=f"{self.idempotency_prefix}:{context['user'].pk}",
            to=[to_email],
            subject=subject,
            body=body,
        )
        self.queued += created


class PasswordResetRequestView(PasswordResetView):
    """Django's reset page, except that requests are limited and the mail is a background job."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        client = client_ip(self.request)
        try:
            password_reset_request(
                email=form.cleaned_data["email"],
                client=client,
                domain=self.request.get_host(),
                use_https=self.request.is_secure(),
            )
        except PasswordResetThrottled:
            # No address in the log: the client's is enough to see a flood.
            log_event("password_reset_throttled", level=logging.WARNING, ip=client)
            form.add_error("email", TOO_MANY_RESETS_MESSAGE)
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(int(PASSWORD_RESET_WINDOW.total_seconds()))
            return response
        log_event("password_reset_requested", ip=client)
        return HttpResponseRedirect(self.get_success_url())


# ---- Invitations: a member sets the password of the login the secretariat made ------------


class InvitationAcceptView(View):
    """The link in an invitation: choose a password (twice), then signed in."""

    template_name = "registration/invitation_accept.html"
    invalid_template_name = "registration/invitation_invalid.html"

    def dispatch(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            self.invitation = invitations.invitation_for_token(token)
        except invitations.InvitationInvalid:
            log_event("invitation_link_invalid", level=logging.WARNING, ip=client_ip(request))
            return render(request, self.invalid_template_name)
        self.token = token
        return super().dispatch(request, token)

    def _render(self, form: SetPasswordForm) -> HttpResponse:
        return render(
            self.request, self.template_name, {"form": form, "invitation": self.invitation}
        )

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return self._render(SetPasswordForm(self.invitation.member.user))

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        form = SetPasswordForm(self.invitation.member.user, request.POST)
        if not form.is_valid():
            return self._render(form)
        try:
            user = invitations.invitation_accept(
                token=token, password=form.cleaned_data["new_password1"]
            )
        except invitations.InvitationInvalid:
            return render(request, self.invalid_template_name)
        login(request, user, backend="oversight.auth_backends.MemberAwareBackend")
        return redirect(
            two_factor.next_step_url(request) or f"{reverse('two-factor-set-up')}?offer=1"
        )


# ---- Two-factor: set up an app, give a code at sign-in, recovery codes ---------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code", max_length=20, error_messages={"required": "Enter the code"}
    )


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label="Recovery code", max_length=20, error_messages={"required": "Enter a recovery code"}
    )


def _refused_message(refused: two_factor.CodeRefused, wrong: str) -> str:
    if refused.wait_until:
        seconds = max(1, int((refused.wait_until - timezone.now()).total_seconds()) + 1)
        return f"Too many wrong codes. Wait {seconds} seconds, then try again."
    return wrong


class TwoFactorPage(LoginRequiredMixin, View):
    """Signed-in users only; anonymous visitors are sent to sign in."""

    template_name = ""

    def _render(self, context: dict, status: int = 200) -> HttpResponse:
        next_url = two_factor.safe_next(self.request, "")
        return render(
            self.request, self.template_name, {"next": next_url, **context}, status=status
        )

    def _done(self) -> HttpResponse:
        return redirect(
            two_factor.safe_next(self.request, resolve_url(settings.LOGIN_REDIRECT_URL))
        )


class TwoFactorSetUpView(TwoFactorPage):
    """Scan the QR code (or type the key), then confirm with a code; recovery codes follow."""

    template_name = "registration/two_factor_set_up.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated and two_factor.has_second_factor(request.user):
            # An app is set up already: a half-signed-in session may not swap it for another.
            if two_factor.owes_second_factor(request):
                return redirect("two-factor-verify")
            return redirect("two-factor-recovery-codes")
        return super().dispatch(request, *args, **kwargs)

    def _page(self, form: CodeForm, status: int = 200) -> HttpResponse:
        device = two_factor.app_device_for_set_up(self.request.user)
        return self._render(
            {
                "form": form,
                "qr_code": mark_safe(two_factor.qr_code_svg(device)),  # noqa: S308 segno's SVG, no user text
                "manual_key": two_factor.manual_key(device),
                "required": two_factor.needs_second_factor(self.request.user),
                "skip_url": two_factor.safe_next(
                    self.request, resolve_url(settings.LOGIN_REDIRECT_URL)
                ),
            },
            status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(CodeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                codes = two_factor.two_factor_set_up(
                    request=request, code=form.cleaned_data["code"]
                )
            except two_factor.CodeRefused as refused:
                form.add_error(
                    "code",
                    _refused_message(
                        refused, "The code is not right. Enter the 6-digit code your app shows now."
                    ),
                )
            else:
                log_event("two_factor_set_up", user=request.user.pk, ip=client_ip(request))
                return render(
                    request,
                    "registration/two_factor_recovery_codes.html",
                    {
                        "codes": codes,
                        "continue_url": two_factor.safe_next(
                            request, resolve_url(settings.LOGIN_REDIRECT_URL)
                        ),
                    },
                )
        return self._page(form)


class TwoFactorVerifyView(TwoFactorPage):
    """The second step of signing in: the code from the app."""

    template_name = "registration/two_factor_verify.html"
    form_class = CodeForm
    wrong_message = "The code is not right. Enter the 6-digit code your app shows now."
    event = "two_factor_verified"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated and not two_factor.owes_second_factor(request):
            return self._done()
        return super().dispatch(request, *args, **kwargs)

    def verify(self, code: str) -> None:
        two_factor.two_factor_verify(request=self.request, code=code)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render({"form": self.form_class()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.verify(form.cleaned_data["code"])
            except two_factor.CodeRefused as refused:
                log_event(
                    "two_factor_failed",
                    level=logging.WARNING,
                    user=request.user.pk,
                    ip=client_ip(request),
                )
                form.add_error("code", _refused_message(refused, self.wrong_message))
            else:
                log_event(self.event, user=request.user.pk, ip=client_ip(request))
                return self._done()
        return self._render({"form": form})


class TwoFactorRecoveryView(TwoFactorVerifyView):
    """Signing in with a recovery code when the phone is not to hand: each code works once."""

    template_name = "registration/two_factor_recovery.html"
    form_class = RecoveryCodeForm
    wrong_message = "The recovery code is not right, or it has been used already."
    event = "two_factor_recovery_code_used"

    def verify(self, code: str) -> None:
        two_factor.two_factor_recover(request=self.request, code=code)


class TwoFactorRecoveryCodesView(TwoFactorPage):
    """How many recovery codes are left, and a button for ten new ones (shown once)."""

    template_name = "registration/two_factor_recovery_codes.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated and not two_factor.has_second_factor(request.user):
            return redirect("two-factor-set-up")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render({"codes_left": two_factor.recovery_codes_left(request.user)})

    def post(self, request: HttpRequest) -> HttpResponse:
        codes = two_factor.recovery_codes_make(user=request.user)
        log_event("two_factor_recovery_codes_made", user=request.user.pk, ip=client_ip(request))
        return self._render(
            {"codes": codes, "continue_url": resolve_url(settings.LOGIN_REDIRECT_URL)}
        )
