"""Pages made for one signed-in person, kept by each worker until what they show changes.

The members' dashboard is a function of who is asking (their account and permissions), the
day, its address, and rows that many writes change (plans, reviews, meetings...). Each worker
keeps the page it made, against the `PageVersion` token of those rows at the time; every save
or delete of one of them gives the token a new value in the writer's own transaction
(`pages_depend_on`), so the next request anywhere makes the page again. The token is read
before the page is made: a page is never kept under a token newer than the rows it shows.

Only the making is saved. Every request still passes the middleware (session, CSRF, the
second factor, the idle time-out) and the view's permission check before it gets here, and
costs one query for the token. A page is kept only if nothing about it is for this request
alone: no messages waiting to be shown, a CSRF cookie already set (the page's form tokens are
made from it, and it is part of the key), a 200 that sets no cookie. Bulk writes send no
signals: what writes in bulk calls `page_version_bump` afterwards (as `generate_scale_data`).
"""

import hashlib
import secrets
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from oversight.kept_pages import KeptPages
from oversight.models import PageVersion

# The members' dashboard (`forces.member_views.dashboard`).
MEMBERS_DASHBOARD = "members-dashboard"
# The summary of counted ratings (`forces.member_views.plan_summary`).
PLANS_SUMMARY = "plans-summary"


class _TokensRead:
    """The tokens one request has read: all of them, on its first `page_version`."""

    def __init__(self) -> None:
        self.tokens: dict[str, str] | None = None


# Set for each request by `PageVersionsMiddleware`: every page and sign-in a request checks
# against a token costs one query between them, not one each. None outside a request.
_tokens_read: ContextVar[_TokensRead | None] = ContextVar("tokens_read", default=None)


def page_version(name: str) -> str:
    """The current token of the pages called `name`.

    In a request, the first call reads every token at once (one query) and later calls cost
    none; elsewhere, one query. One more the first time a name is used anywhere.
    """
    read = _tokens_read.get()
    if read is None:
        token = PageVersion.objects.filter(name=name).values_list("token", flat=True).first()
    else:
        if read.tokens is None:
            read.tokens = dict(PageVersion.objects.values_list("name", "token"))
        token = read.tokens.get(name)
    if token is None:
        token = PageVersion.objects.get_or_create(
            name=name, defaults={"token": secrets.token_hex(16)}
        )[0].token
        if read is not None:
            read.tokens[name] = token
    return token


class PageVersionsMiddleware:
    """Gives each request its own record of the tokens it has read (`page_version`).

    A token read early in a request is the right one for what the request makes later: a
    page made after a change is then kept under the older token, and made again next time.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reset = _tokens_read.set(_TokensRead())
        try:
            return self.get_response(request)
        finally:
            _tokens_read.reset(reset)


def page_version_bump(name: str) -> None:
    """Give the pages called `name` a new token: every worker makes them again."""
    token = secrets.token_hex(16)
    if not PageVersion.objects.filter(name=name).update(token=token):
        PageVersion.objects.update_or_create(name=name, defaults={"token": token})
    read = _tokens_read.get()
    if read is not None:
        read.tokens = None  # this request reads its own change from now on


def pages_depend_on(
    name: str,
    *models: type[Model],
    memberships: tuple = (),
    unless_only: frozenset[str] = frozenset(),
) -> None:
    """Connect the receivers that bump `name` on every save or delete of a row of `models`,
    and on every change to who is in which group or to the `memberships` (m2m tables); not
    on a save of only the fields `unless_only` names (`save(update_fields=...)`)."""

    def bump(sender, update_fields=None, **kwargs) -> None:
        if update_fields and update_fields <= unless_only:
            return
        page_version_bump(name)

    def bump_on_change(sender, action: str, **kwargs) -> None:
        if action in ("post_add", "post_remove", "post_clear"):
            page_version_bump(name)

    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(
                bump,
                sender=model,
                weak=False,
                dispatch_uid=f"page-version-{name}-{model._meta.label_lower}",
            )
    # A page may show what a role allows (a secretariat's links); the key holds the user's
    # permissions, but a move between groups that grant the same ones would not change it.
    for through in (get_user_model().groups.through, *memberships):
        m2m_changed.connect(
            bump_on_change,
            sender=through,
            weak=False,
            dispatch_uid=f"page-version-{name}-{through._meta.label_lower}",
        )


class PersonalPages:
    """The pages a worker keeps (`oversight.kept_pages.KeptPages`, at most
    `PERSONAL_PAGES_KEPT`), each under a digest of who asked, where, on what day and with
    which CSRF secret, with the token it was made at."""

    def __init__(self) -> None:
        self.kept = KeptPages("PERSONAL_PAGES_KEPT")

    def clear(self) -> None:
        self.kept.clear()

    def response(
        self, request: HttpRequest, name: str, make: Callable[[], HttpResponse]
    ) -> HttpResponse:
        csrf_secret = request.META.get("CSRF_COOKIE")
        if (
            not settings.PERSONAL_PAGES_KEPT
            or not csrf_secret
            or len(messages.get_messages(request))
        ):
            return make()
        token = page_version(name)  # before the page is made: see above
        get_token(request)  # as the page's forms do, whether it is made or kept
        return self.kept.response(request, token, make, key=_digest(request, name, csrf_secret))


def _digest(request: HttpRequest, name: str, csrf_secret: str) -> str:
    user = request.user
    parts = [
        name,
        request.get_host() + request.get_full_path(),
        str(user.pk),
        str(user.is_staff),
        str(user.is_superuser),
        *sorted(user.get_all_permissions()),  # already loaded by the permission check
        timezone.localdate().isoformat(),
        csrf_secret,
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


PERSONAL_PAGES = PersonalPages()
