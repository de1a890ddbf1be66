"""The e-mail alert pages: sign up, confirm, unsubscribe, and the privacy notice. Public.

Thin: the rules are in reports/alerts.py. No page shows the address it is about: the
"check your email" page is the same whether or not the address was subscribed already.
"""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from oversight.accounts import client_ip, log_event
from oversight.permissions import allow_public
from reports.alerts import (
    CONFIRM_DAYS,
    SIGNUP_WINDOW,
    AlertLinkInvalid,
    AlertSignupThrottled,
    alert_confirm,
    alert_signup,
    alert_unsubscribe,
    subscription_for_unsubscribe,
)
from reports.forms import AlertSignupForm

TOO_MANY_SIGNUPS = "You have asked too many times. Wait an hour, then try again."


def _private(response: HttpResponse) -> HttpResponse:
    # Pages reached by a personal link are kept by no cache.
    patch_cache_control(response, private=True, no_store=True)
    return response


@allow_public
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = AlertSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        client = client_ip(request)
        try:
            alert_signup(
                email=form.cleaned_data["email"],
                client=client,
                site_url=request.build_absolute_uri("/"),
            )
        except AlertSignupThrottled:
            log_event("alert_signup_throttled", level=logging.WARNING, ip=client)
            form.add_error("email", TOO_MANY_SIGNUPS)
            response = render(request, "reports/alerts/signup.html", {"form": form}, status=429)
            response["Retry-After"] = str(int(SIGNUP_WINDOW.total_seconds()))
            return response
        return redirect("alerts:signup-sent")
    return render(request, "reports/alerts/signup.html", {"form": form})


@allow_public
@require_safe
def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/alerts/signup_sent.html", {"confirm_days": CONFIRM_DAYS})


@allow_public
@require_safe
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation e-mail: following it subscribes the address."""
    try:
        alert_confirm(token=token)
    except AlertLinkInvalid:
        return _private(render(request, "reports/alerts/link_invalid.html"))
    return _private(render(request, "reports/alerts/confirmed.html"))


@allow_public
@csrf_exempt  # mail clients' one-click unsubscribe (RFC 8058) POSTs with no token
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The link in every alert: a page with one button (link checkers only GET), or the POST
    a mail client sends for `List-Unsubscribe-Post`. Either POST deletes the address."""
    try:
        if request.method == "POST":
            alert_unsubscribe(pk=pk, token=token)
            return redirect("alerts:unsubscribed")
        subscription_for_unsubscribe(pk=pk, token=token)
    except AlertLinkInvalid:
        return _private(render(request, "reports/alerts/link_invalid.html"))
    return _private(render(request, "reports/alerts/unsubscribe.html"))


@allow_public
@require_safe
def unsubscribed(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/alerts/unsubscribed.html")


@allow_public
@require_safe
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/alerts/privacy.html",
        {"contact_email": settings.PRIVACY_CONTACT_EMAIL, "confirm_days": CONFIRM_DAYS},
    )
