"""Every page the project serves fits a 320 CSS pixel wide screen: it never scrolls sideways.

WCAG 1.4.10 (reflow): at 320 CSS pixels nothing but a wide table (in its own labelled scroll
region, `{% scroll_region %}`) may need scrolling in two directions. The pages are worked out
from the URL conf and the admin's registry, so a new page is checked without anyone adding it
here: `test_every_page_pattern_is_visited_or_skipped` fails until a new URL pattern is either
given the arguments to visit it with or named as not a page (a download, a POST-only view).

Each audience is one test (the 2014 load takes a few seconds, once), visiting every page and
reporting all the pages that overflow at once.
"""

import datetime
import io
from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from playwright.sync_api import BrowserContext, Page

from forces.models import ActionPlan, PlanModeration, ReviewAssignment
from oversight.models import Meeting
from oversight.permissions import role_groups_sync
from reports.models import QuarterlyUpdate
from tests.browser.test_plan_review import sign_in
from tests.forces.factories import SubmittedPlanReviewFactory
from tests.oversight.factories import (
    InvitationFactory,
    MeetingActionFactory,
    MemberFactory,
    StaffUserFactory,
    UserFactory,
)
from tests.reports.factories import ReadyToPublishQuarterlyUpdateFactory
from tests.reports.publishing import publish_for_test

WIDTH = 320

# URL name -> (who visits it, its arguments from the seeded `world`).
ANONYMOUS, MEMBER, SECRETARIAT = "anonymous", "member", "secretariat"
PAGES = {
    "home": (ANONYMOUS, {}),
    "reports:edition-list": (ANONYMOUS, {}),
    "reports:edition-detail": (ANONYMOUS, {"slug": "2014-12"}),
    "reports:edition-changes": (ANONYMOUS, {"slug": "2015-03"}),
    "reports:edition-revision": (ANONYMOUS, {"slug": "2014-12", "revision": 1}),
    "reports:edition-preview": (SECRETARIAT, {"slug": "2015-06"}),
    "recommendations:recommendation-list": (ANONYMOUS, {}),
    "recommendations:recommendation-detail": (ANONYMOUS, {"number": 2}),
    "forces:plan-list": (MEMBER, {}),
    "forces:plan-summary": (MEMBER, {}),
    "forces:plan-detail": (MEMBER, {"pk": "reviewed_plan"}),
    "forces:plan-review": (MEMBER, {"pk": "reviewed_plan"}),
    "members:dashboard": (MEMBER, {}),
    "sign-in": (ANONYMOUS, {}),
    "admin_password_reset": (ANONYMOUS, {}),
    "password_reset_done": (ANONYMOUS, {}),
    # A link that is not (or no longer) valid: the page that says so.
    "password_reset_confirm": (ANONYMOUS, {"uidb64": "MQ", "token": "not-a-token"}),
    "password_reset_complete": (ANONYMOUS, {}),
    "invitation-accept": (ANONYMOUS, {"token": "not-a-token"}),
    # Two-factor pages, for a member who has not set it up yet.
    "two-factor-set-up": (MEMBER, {}),
    "two-factor-verify": (MEMBER, {}),
    "two-factor-recovery": (MEMBER, {}),
    "two-factor-recovery-codes": (MEMBER, {}),
    "alerts:signup": (ANONYMOUS, {}),
    "alerts:signup-sent": (ANONYMOUS, {}),
    # Links that are not (or no longer) valid: the pages that say so.
    "alerts:confirm": (ANONYMOUS, {"token": "not-a-token"}),
    "alerts:unsubscribe": (ANONYMOUS, {"pk": 1, "token": "not-a-token"}),
    "alerts:unsubscribed": (ANONYMOUS, {}),
    "data:data-index": (ANONYMOUS, {}),
    "privacy": (ANONYMOUS, {}),
    "accessibility": (ANONYMOUS, {}),
    "public-forces:force-list": (ANONYMOUS, {}),
    "public-forces:force-detail": (ANONYMOUS, {"slug": "avon-and-somerset-constabulary"}),
    "search": (ANONYMOUS, {}),
}
NOT_PAGES = {
    "reports:edition-feed": "an Atom feed",
    "reports:edition-pdf": "a PDF download",
    "forces:reviews-csv": "a CSV download",
    "forces:reviews-xlsx": "a spreadsheet download",
    "forces:plan-document": "a document download",
    "meeting-paper-document": "a document download",
    "healthz": "a health check for load balancers",
    "sign-out": "POST only",
    "reports:edition-comment": "POST only (the form is on the shared draft's preview)",
    "reports:edition-json": "a JSON download",
    "data:dataset": "a CSV or JSON download",
    "": "unnamed: the favicon redirect",
}
# The secretariat's own admin pages beyond the index, app lists, change lists and change forms.
ADMIN_EXTRA_PAGES = {
    "admin:reports_quarterlyupdate_publish": ("draft",),
    "admin:reports_quarterlyupdate_history": ("published",),
    "admin:forces_planmoderation_needed": (),
    "admin:forces_planmoderation_moderate": ("moderated_plan",),
    "admin:forces_planreview_reopen": ("submitted_review",),
}


def _patterns(resolver: URLResolver, namespaces: tuple[str, ...] = ()) -> Iterator[str]:
    """The names of every URL pattern outside the admin (the admin is listed from its registry)."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _patterns(pattern, inner)
        else:
            assert isinstance(pattern, URLPattern)
            yield ":".join((*namespaces, pattern.name)) if pattern.name else ""


def test_every_page_pattern_is_visited_or_skipped() -> None:
    names = set(_patterns(get_resolver()))

    assert not names - PAGES.keys() - NOT_PAGES.keys(), "give each new page its arguments"
    assert not (PAGES.keys() | NOT_PAGES.keys()) - names, "a listed page no longer exists"


@pytest.fixture
def world(transactional_db) -> dict:
    """The 2014 load, a correction-free second edition, a draft, and a member's review."""
    call_command("load_hmic_2014", stdout=io.StringIO())
    secretariat_group, members_group = role_groups_sync()
    secretariat = StaffUserFactory(username="secretariat-staff")
    secretariat.groups.add(secretariat_group)
    member = UserFactory(username="group-member")
    member.groups.add(members_group)
    MemberFactory(user=member, name="Polly Neate")

    publish_for_test(
        ReadyToPublishQuarterlyUpdateFactory(period=datetime.date(2015, 3, 1)), by=secretariat
    )
    draft = ReadyToPublishQuarterlyUpdateFactory(period=datetime.date(2015, 6, 1))
    plans = ActionPlan.objects.filter(version=1).order_by("force__name")
    review = SubmittedPlanReviewFactory(plan=plans[0], reviewer=member)
    ReviewAssignment.objects.create(
        plan=plans[1], reviewer=member, due_on=datetime.date.today() + datetime.timedelta(days=7)
    )
    PlanModeration.objects.create(
        plan=plans[2],
        overall_judgement="good",
        leadership_rating="fully",
        note="Agreed.",
        decided_by=secretariat,
    )
    MeetingActionFactory(meeting=Meeting.objects.order_by("date").first())
    InvitationFactory(created_by=secretariat)
    return {
        "users": {MEMBER: member, SECRETARIAT: secretariat},
        "ids": {
            "reviewed_plan": review.plan_id,
            "submitted_review": review.pk,
            "moderated_plan": plans[0].pk,
            "draft": draft.pk,
            "published": QuarterlyUpdate.objects.get(slug="2014-12").pk,
        },
    }


def _page_urls(world: dict, audience: str) -> list[str]:
    urls = []
    for name, (visitor, arguments) in PAGES.items():
        if visitor == audience:
            kwargs = {key: world["ids"].get(value, value) for key, value in arguments.items()}
            urls.append(reverse(name, kwargs=kwargs))
    return urls


def _admin_urls(world: dict) -> list[str]:
    """The index, each app's list, and each model's change list and a change (or add) form.

    Only what the secretariat may see: the superuser's extra screens are not theirs.
    """
    request = RequestFactory().get("/admin/")
    request.user = world["users"][SECRETARIAT]
    urls = [reverse("admin:index")]
    app_labels = set()
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        info = (model._meta.app_label, model._meta.model_name)
        app_labels.add(model._meta.app_label)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
        elif model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
    urls += [reverse("admin:app_list", args=[label]) for label in sorted(app_labels)]
    for name, arguments in ADMIN_EXTRA_PAGES.items():
        urls.append(reverse(name, args=[world["ids"][argument] for argument in arguments]))
    editions = [world["ids"]["draft"], world["ids"]["published"]]
    urls += [reverse("admin:reports_quarterlyupdate_change", args=[pk]) for pk in editions]
    urls += [reverse("admin:reports_quarterlyupdate_section", args=[world["ids"]["draft"], 1])]
    return list(dict.fromkeys(urls))


# The innermost elements that reach past the viewport's right edge, to say what to fix.
WIDEST_ELEMENTS = """
() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.body.querySelectorAll("*")].filter(
        element => element.getBoundingClientRect().right > width + 0.5
    );
    const innermost = wide.filter(element => !wide.some(
        other => other !== element && element.contains(other)
    ));
    return innermost.slice(0, 3).map(element =>
        element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
        + [...element.classList].map(name => "." + name).join("")
    );
}
"""


def _overflowing(page: Page, urls: list[str]) -> list[str]:
    """Visit each page at 320 pixels; what overflows, and any page that did not open."""
    page.set_viewport_size({"width": WIDTH, "height": 640})
    problems = []
    for url in urls:
        response = page.goto(url)
        if response is None or response.status >= 400:
            problems.append(f"{url}: answered {response and response.status}")
            continue
        scroll_width, client_width = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll_width > client_width:
            culprits = ", ".join(page.evaluate(WIDEST_ELEMENTS))
            problems.append(
                f"{url}: {scroll_width}px wide at a {client_width}px viewport ({culprits})"
            )
    return problems


def test_public_pages_fit_a_320_pixel_screen(page: Page, world: dict) -> None:
    problems = _overflowing(page, _page_urls(world, ANONYMOUS))

    assert not problems, "Pages that scroll sideways:\n" + "\n".join(problems)


def test_members_pages_fit_a_320_pixel_screen(
    page: Page, context: BrowserContext, live_server, world: dict
) -> None:
    sign_in(context, world["users"][MEMBER], live_server.url)

    problems = _overflowing(page, _page_urls(world, MEMBER))

    assert not problems, "Pages that scroll sideways:\n" + "\n".join(problems)


def test_the_secretariats_admin_pages_fit_a_320_pixel_screen(
    page: Page, context: BrowserContext, live_server, world: dict
) -> None:
    sign_in(context, world["users"][SECRETARIAT], live_server.url)
    urls = _admin_urls(world) + _page_urls(world, SECRETARIAT)
    assert len(urls) > 50, "every change list and change form the secretariat uses"

    problems = _overflowing(page, urls)

    assert not problems, "Pages that scroll sideways:\n" + "\n".join(problems)
