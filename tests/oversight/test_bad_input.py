"""Junk in, no server error out; staff-typed markup out as text, never as markup.

The sweep walks every URL pattern outside the admin (so pages added later are swept too),
fills its path converters with real and junk values, and sends junk, null bytes and
10,000-character values in query parameters and in every field of every form the page shows,
as each persona. Any 5xx fails. `benchmarks/bad_input_sweep.py` sends the same requests to a
live gunicorn, through its HTTP parser.

The XSS tests store script payloads in every text field staff fill in for an edition (and the
records it draws on), publish it through the service, and read every page that shows them.
"""

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils.html import escape

from oversight.models import Member, Organisation
from recommendations.models import Area, Recommendation
from reports.models import ProgressUpdate, QuarterlyUpdate
from reports.services import edition_correction_start
from tests.oversight.factories import OrganisationFactory
from tests.reports.factories import QuarterlyUpdateFactory
from tests.reports.publishing import publish_for_test

LONG = "x" * 10_000
# Values for query parameters and form fields.
PAYLOADS = [
    "junk'\"<>;--",
    "\x00",
    "before\x00after",
    LONG,
    "-1",
    "9" * 30,
    "%00%ff%",
    "{{ 7|add:7 }}{% debug %}",
    "../../../../etc/passwd",
    "２０１４-１２",  # fullwidth digits
    "",
]
# Query parameters any page might read, besides the fields of its own forms.
COMMON_PARAMETERS = ["page", "q", "o", "p", "sort", "format", "revision", "next", "e", "all"]
# Path converter values: one that exists (see `sweep_data`), junk ones, a very long one.
CONVERTER_VALUES = {
    "slug": ["2014-12", "2015-03", "no-such-thing", "a" * 10_000],
    "int": ["1", "0", "9" * 30],
    "revision": ["1", "0", "01", "9" * 30],
    "str": ["MQ", "set-password", "junk\x00", "<script>", LONG],
    "path": ["a/b", "..%2f..", LONG],
    "uuid": ["00000000-0000-0000-0000-000000000000"],
    "data_format": ["csv", "json"],
}
CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
# The admin's changelists: junk in each filter's parameters, and in the date hierarchy.
FILTER_PAYLOADS = ["\x00", "junk\x00junk", "9" * 30, "junk'\"<>"]
HUGE_YEAR = "9" * 20
# Public pages in the admin's namespace that a stranger reaches: swept like the rest.
ADMIN_PUBLIC_PATHS = ["/admin/login/"]
PERSONAS = ["anonymous_client", "member_client", "secretariat_client"]


def route_templates(
    patterns: list | None = None, prefix: str = "", namespace: str | None = None
) -> Iterator[str]:
    """Every route outside the admin, such as `updates/<slug:slug>/revisions/<int:revision>/`."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        if not isinstance(pattern.pattern, RoutePattern):
            raise AssertionError(f"Not a path() route, so not swept: {pattern}")
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin" or namespace == "admin":
                continue
            yield from route_templates(pattern.url_patterns, route, pattern.namespace)
        elif isinstance(pattern, URLPattern):
            yield route


def sweep_paths() -> dict[str, bool]:
    """Each route with its converters filled every way, quoted: {path: whether to probe it}.

    The first filling uses values that exist (see `sweep_data`) and is probed with junk
    parameters and forms; the junk fillings are requested plainly.
    """
    paths = {}
    for route in route_templates():
        slots = CONVERTER.findall(route)
        choices = [CONVERTER_VALUES[converter or "str"] for converter, _ in slots]
        for number, values in enumerate(itertools.product(*choices)):
            filled = iter(values)
            path = CONVERTER.sub(lambda _match, filled=filled: quote(next(filled), safe=""), route)
            paths["/" + path] = number == 0
    return {**paths, **dict.fromkeys(ADMIN_PUBLIC_PATHS, True)}


def admin_changelist_sweep(user) -> list[str]:
    """Every changelist `user` may see, with junk in each of its filters' parameters, impossible
    dates in its date hierarchy, a bad ordering, page and search: the URLs, quoted."""
    request = RequestFactory().get("/")
    request.user = user
    urls = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_or_change_permission(request):
            continue  # e.g. django-axes' records: superusers only
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        changelist = model_admin.get_changelist_instance(request)
        queries = [
            {name: payload}
            for list_filter in changelist.filter_specs
            for name in list_filter.expected_parameters()
            for payload in FILTER_PAYLOADS
        ]
        if field := model_admin.date_hierarchy:
            queries += [
                {f"{field}__year": HUGE_YEAR},
                {f"{field}__year": "9999", f"{field}__month": "12"},
                {f"{field}__year": "2014", f"{field}__month": HUGE_YEAR},
                {f"{field}__year": "2014", f"{field}__month": "2", f"{field}__day": "31"},
                {f"{field}__year": "\x00"},
            ]
        queries += [{"o": "999.-x.junk"}, {"o": "\x00"}, {"p": "999999"}, {"p": "\x00"}]
        queries += [{"q": payload} for payload in ("\x00", LONG)]
        urls += [f"{url}?{urlencode(query)}" for query in queries]
    return urls


def query_string(values: dict[str, str]) -> str:
    return "&".join(
        f"{quote(name, safe='')}={quote(value, safe='')}" for name, value in values.items()
    )


@dataclass
class Form:
    """A form found on a page: where it goes, how, and the names of its fields."""

    action: str
    method: str
    fields: list[str] = field(default_factory=list)


class FormFinder(HTMLParser):
    """The forms in a page, with their field names."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.forms: list[Form] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            action = attributes.get("action") or self.page_path
            self.forms.append(Form(action, (attributes.get("method") or "get").lower()))
        elif tag in ("input", "select", "textarea", "button") and self.forms:
            name = attributes.get("name")
            if name and name != "csrfmiddlewaretoken" and name not in self.forms[-1].fields:
                self.forms[-1].fields.append(name)


def forms_in(html: str, page_path: str) -> list[Form]:
    finder = FormFinder(page_path)
    finder.feed(html)
    return [form for form in finder.forms if urlsplit(form.action).netloc in ("", "testserver")]


@dataclass(frozen=True)
class Probe:
    """One request of the sweep."""

    method: str
    path: str
    query: str = ""
    data: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        what = f"{self.method.upper()} {self.path[:120]}"
        if self.query:
            what += f"?{self.query[:80]}"
        if self.data:
            what += f" with {[name for name, _ in self.data]}"
        return what


def probes_for(path: str, forms: list[Form]) -> Iterator[Probe]:
    """Junk in the query string and in each form: all fields at once, then one at a time."""
    for payload in PAYLOADS:
        yield Probe("get", path, query_string(dict.fromkeys(COMMON_PARAMETERS, payload)))
    yield Probe("post", path, data=tuple((name, "junk\x00") for name in COMMON_PARAMETERS))
    for form in forms:
        action = urlsplit(form.action).path or path
        probes = [tuple((name, payload) for name in form.fields) for payload in PAYLOADS]
        probes += [((name, payload),) for name in form.fields for payload in ("\x00", LONG)]
        for values in probes:
            if form.method == "post":
                yield Probe("post", action, data=values)
            else:
                yield Probe("get", action, query_string(dict(values)))


def send(client: Client, probe: Probe):
    """The response to `probe`, over HTTPS as in production."""
    if probe.method == "post":
        return client.post(probe.path, dict(probe.data), secure=True)
    path = f"{probe.path}?{probe.query}" if probe.query else probe.path
    return client.get(path, secure=True)


@pytest.fixture
def sweep_data(db, settings) -> None:
    """The 2014 data published and a draft to preview; quick password hashing for the logins."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_hmic_2014", stdout=StringIO())
    # Its PDF, as the task worker makes it after publishing (before that, the .pdf address
    # answers a deliberate 503 "not ready yet", which tests/reports/test_pdf.py checks).
    call_command("make_publication_pdfs", stdout=StringIO())
    QuarterlyUpdateFactory(period="2015-03-01", slug="2015-03")


def test_no_server_error_from_junk_anywhere(sweep_data, request):
    failures = []
    requests = 0
    for persona in PERSONAS:
        client = request.getfixturevalue(persona)
        client.raise_request_exception = False
        for path, probed in sweep_paths().items():
            page = client.get(path, secure=True)
            requests += 1
            if page.status_code >= 500:
                failures.append(f"{persona}: {page.status_code} GET {path[:120]}")
            if not probed or page.status_code >= 500:
                continue
            forms = []
            if page.status_code == 200 and "html" in page.get("Content-Type", ""):
                forms = forms_in(page.content.decode(errors="replace"), path)
            for probe in probes_for(path, forms):
                if "logout" in probe.path:
                    continue  # would end the persona's session for the rest of the sweep
                response = send(client, probe)
                requests += 1
                if response.status_code >= 500:
                    failures.append(f"{persona}: {response.status_code} {probe}")

    assert not failures, f"{len(failures)} of {requests} requests failed:\n" + "\n".join(
        failures[:40]
    )
    assert requests > 700  # the sweep found the pages, and their forms


def test_the_sweep_reaches_public_and_members_pages():
    paths = sweep_paths()

    for expected in (
        "/",
        "/updates/2014-12/",
        "/updates/2015-03/preview/",
        "/updates/2014-12/revisions/1/",
        "/updates/2014-12.json",
        "/data/no-such-thing.csv",
        "/email-alerts/",
        "/recommendations/1/",
        "/forces/plans/1/document/",
        "/healthz",
        "/admin/login/",
    ):
        assert expected in paths
    assert not any(path.startswith("/admin/") for path in paths if path not in ADMIN_PUBLIC_PATHS)


# --- Stored XSS: what staff type is shown as text -------------------------------------------


SCRIPT = "<script>alert('xss-{}')</script>"
ATTRIBUTE = '"><img src=x onerror=alert("xss-{}")>'


def payloads(label: str) -> str:
    """Both payloads, marked with where they were typed, so a failure names the field."""
    return SCRIPT.format(label) + " " + ATTRIBUTE.format(label)


def raw_payloads_in(html: str) -> list[str]:
    """Any payload that reached the page as markup rather than as text."""
    return re.findall(
        r"<script>alert\('xss-[^']*'\)|<img src=x onerror=alert\(\"xss-[^\"]*\"\)>", html
    )


@pytest.fixture
def edition_full_of_payloads(db) -> QuarterlyUpdate:
    """A draft whose every staff-typed text, and every record it shows, carries the payloads."""
    publisher = OrganisationFactory(name=payloads("publisher"))
    organisation = Organisation.objects.create(
        name=payloads("organisation"), abbreviation="<b>x</b>"
    )
    Member.objects.create(
        name="Jane " + payloads("member-name"),
        honorific=payloads("honorific")[:100],
        role=payloads("member-role"),
        organisation=organisation,
        represents=payloads("represents"),
    )
    Member.objects.create(role=payloads("chair-role"), is_chair=True)
    Area.objects.create(name=payloads("area")[:100], slug="area", description=payloads("area-d"))
    first = Recommendation.objects.create(
        number=1, title=payloads("rec-title")[:120], text="**" + payloads("rec-text") + "**"
    )
    Recommendation.objects.create(
        number=2,
        title=payloads("rec2-title")[:120],
        text=payloads("rec2-text"),
        reported_with=first,
    )
    edition = QuarterlyUpdate.objects.create(
        title=payloads("title"),
        series=payloads("series"),
        period="2015-03-01",
        slug="2015-03",
        publisher=publisher,
        foreword_heading=payloads("foreword-heading"),
        foreword=payloads("foreword-1") + "\n\n" + payloads("foreword-2"),
        signature_description=payloads("signature"),
        signatory_name=payloads("signatory-name"),
        signatory_role=payloads("signatory-role"),
    )
    bullet = ProgressUpdate.objects.create(
        edition=edition, recommendation=first, position=1, text=payloads("bullet")
    )
    ProgressUpdate.objects.create(
        edition=edition,
        recommendation=first,
        parent=bullet,
        position=1,
        text=payloads("sub-point"),
    )
    for position, source in enumerate(
        (ProgressUpdate.Source.MEMBER_LIST, ProgressUpdate.Source.AREA_LIST), start=2
    ):
        ProgressUpdate.objects.create(
            edition=edition, recommendation=first, position=position, source=source
        )
    return edition


def assert_shown_as_text(html: str, *labels: str) -> None:
    assert raw_payloads_in(html) == []
    for label in labels:
        assert escape(SCRIPT.format(label)) in html, f"{label} missing or not escaped"


def test_a_draft_preview_shows_typed_markup_as_text(edition_full_of_payloads, secretariat_client):
    html = secretariat_client.get(
        reverse("reports:edition-preview", kwargs={"slug": "2015-03"}), secure=True
    ).content.decode()

    assert_shown_as_text(
        html, "title", "foreword-1", "bullet", "sub-point", "member-name", "area", "rec-text"
    )


def test_published_pages_show_typed_markup_as_text(
    edition_full_of_payloads, secretariat_user, anonymous_client, secretariat_client
):
    edition = edition_full_of_payloads
    publish_for_test(edition, by=secretariat_user, warnings_accepted=True)
    # A correction whose change note, too, was typed by staff.
    edition_correction_start(edition=edition, started_by=secretariat_user)
    ProgressUpdate.objects.filter(text=payloads("bullet")).update(text=payloads("corrected"))
    publish_for_test(
        edition,
        by=secretariat_user,
        change_note=payloads("change-note"),
        warnings_accepted=True,
    )
    # A later edition, so the changes page compares the two.
    later = QuarterlyUpdate.objects.create(
        period="2015-06-01",
        slug="2015-06",
        publisher=edition.publisher,
        foreword=payloads("later-foreword"),
        signatory_name="Someone",
        signatory_role=payloads("later-role"),
    )
    ProgressUpdate.objects.create(
        edition=later,
        recommendation=Recommendation.objects.get(number=1),
        text=payloads("later-bullet"),
    )
    publish_for_test(later, by=secretariat_user, warnings_accepted=True)

    pages = {
        reverse("reports:edition-detail", kwargs={"slug": "2015-03"}): [
            "title",
            "series",
            "publisher",
            "foreword-heading",
            "foreword-2",
            "signature",
            "signatory-name",
            "signatory-role",
            "corrected",
            "sub-point",
            "member-name",
            "honorific",
            "represents",
            "chair-role",
            "area",
            "rec-text",
            "rec2-text",
        ],
        reverse("reports:edition-revision", kwargs={"slug": "2015-03", "revision": 1}): ["bullet"],
        reverse("reports:edition-changes", kwargs={"slug": "2015-06"}): ["later-bullet"],
        reverse("reports:edition-list"): ["title"],
        reverse("home"): [],
        reverse("recommendations:recommendation-list"): [],
        reverse("recommendations:recommendation-detail", kwargs={"number": 1}): ["rec-text"],
    }
    for path, labels in pages.items():
        response = anonymous_client.get(path, secure=True)
        assert response.status_code == 200, path
        assert_shown_as_text(response.content.decode(), *labels)

    feed = anonymous_client.get(reverse("reports:edition-feed"), secure=True)
    assert raw_payloads_in(feed.content.decode()) == []

    # The secretariat's admin shows the same records; Django escapes there too.
    for path in (
        reverse("admin:reports_quarterlyupdate_changelist"),
        reverse("admin:reports_quarterlyupdate_change", args=[edition.pk]),
        reverse("admin:oversight_member_changelist"),
        reverse("admin:recommendations_recommendation_changelist"),
    ):
        response = secretariat_client.get(path, secure=True)
        assert response.status_code == 200, path
        assert raw_payloads_in(response.content.decode()) == [], path
