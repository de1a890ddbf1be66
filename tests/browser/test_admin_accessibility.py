"""The secretariat's most used admin pages pass axe-core's WCAG 2.2 A and AA rules.

The index, every change list they may see, the publish page, a force's action plan and a
meeting. (The edition's own editing page is being rebuilt separately, issue 12.)
"""

from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page

from forces.models import ActionPlan
from oversight.models import Meeting
from tests.browser.axe import axe_violations
from tests.browser.test_narrow_screens import SECRETARIAT, world  # noqa: F401 (a fixture)
from tests.browser.test_plan_review import sign_in


def _changelists(user) -> list[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_view_permission(request)
    ]


def _violations(page: Page, urls: list[str]) -> list[str]:
    found = []
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        for violation in axe_violations(page):
            targets = "; ".join(" ".join(map(str, target)) for target in violation["targets"][:3])
            found.append(f"{url}: {violation['id']} ({violation['help']}) at {targets}")
    return found


def test_the_secretariats_main_admin_pages_have_no_accessibility_violations(
    page: Page,
    context: BrowserContext,
    live_server,
    world: dict,  # noqa: F811
) -> None:
    secretariat = world["users"][SECRETARIAT]
    sign_in(context, secretariat, live_server.url)
    urls = [
        reverse("admin:index"),
        reverse("admin:reports_quarterlyupdate_publish", args=[world["ids"]["draft"]]),
        reverse(
            "admin:forces_actionplan_change", args=[ActionPlan.objects.order_by("pk").first().pk]
        ),
        reverse("admin:oversight_meeting_change", args=[Meeting.objects.order_by("pk").first().pk]),
        *_changelists(secretariat),
    ]

    violations = _violations(page, urls)

    assert not violations, "axe-core violations:\n" + "\n".join(violations)
