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
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.views import PasswordResetView
from django.core import checks
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import loader
from django.utils import timezone

from oversight import mail
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
