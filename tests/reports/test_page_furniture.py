"""What the public pages show around their content: the edition's metadata, meta descriptions.

The December 2014 publication's stored body never changes (tests/reports/test_snapshot.py): the
page template shows its publisher and dates in GOV.UK's metadata component instead of the
body's one-line "From:" list, and page CSS makes the signature's description its text
alternative.
"""

import datetime
import html
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from reports.models import Publication, QuarterlyUpdate
from reports.services import edition_correction_start
from tests.reports.factories import ReadyToPublishQuarterlyUpdateFactory
from tests.reports.publishing import publish_for_test

pytestmark = pytest.mark.django_db

EDITION_URL = "/updates/2014-12/"
STORED_BODY = (Path(__file__).with_name("data") / "publication-2014-12.body.html").read_text()
META_DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)">')


@pytest.fixture
def loaded_2014(db) -> Publication:
    call_command("load_hmic_2014", stdout=io.StringIO())
    return Publication.objects.get()


def metadata_pairs(page: str) -> list[tuple[str, str]]:
    """The metadata component's (term, definition) pairs, as text."""
    block = page[page.index('<div class="app-metadata">') :]
    block = block[: block.index("</dl>")]
    terms = re.findall(r'<dt class="app-metadata__term">(.*?)</dt>', block, re.S)
    definitions = re.findall(r'<dd class="app-metadata__definition">(.*?)</dd>', block, re.S)
    return [
        (html.unescape(term), " ".join(re.sub(r"<[^>]+>", "", html.unescape(value)).split()))
        for term, value in zip(terms, definitions, strict=True)
    ]


def test_the_edition_shows_its_publisher_and_when_it_was_published(loaded_2014, anonymous_client):
    page = anonymous_client.get(EDITION_URL).content.decode()

    assert metadata_pairs(page) == [
        ("From:", "Home Office"),
        ("Published", "1 December 2014"),
        ("Reports on", "the group's meeting of 4 September 2014"),
    ]
    # Shown once: the stored body's own "From:" list is replaced, not repeated.
    assert page.count("From:") == 1
    assert page.index("National Oversight Group Update Report</h1>") < page.index("app-metadata")
    assert page.index("app-metadata") < page.index('id="contents-heading"')
    assert Publication.objects.get().body_html == STORED_BODY


def test_after_a_correction_the_edition_says_when_it_was_last_updated(
    loaded_2014, anonymous_client, secretariat_user
):
    secretariat = secretariat_user
    edition = QuarterlyUpdate.objects.get(slug="2014-12")
    edition_correction_start(edition=edition, started_by=secretariat)
    publish_for_test(
        edition,
        by=secretariat,
        change_note="Corrected the date of the second meeting.",
        published_at=datetime.datetime(2015, 1, 12, 9, 30, tzinfo=datetime.UTC),
    )

    page = anonymous_client.get(EDITION_URL).content.decode()
    earlier = anonymous_client.get(f"{EDITION_URL}revisions/1/").content.decode()

    assert metadata_pairs(page) == [
        ("From:", "Home Office"),
        ("Published", "1 December 2014"),
        ("Reports on", "the group's meeting of 4 September 2014"),
        ("Last updated", "12 January 2015 — See all updates"),
    ]
    assert '<a class="govuk-link" href="#history-heading">See all updates</a>' in page
    assert 'id="history-heading"' in page
    # The first revision, read at its own address, was not updated yet.
    assert metadata_pairs(earlier) == [
        ("From:", "Home Office"),
        ("Published", "1 December 2014"),
        ("Reports on", "the group's meeting of 4 September 2014"),
    ]


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/", "the 11 recommendations of HMIC's 2014 review"),
        ("/updates/", "the latest December 2014"),
        (EDITION_URL, "National Oversight Group Update Report, December 2014, from Home Office"),
        (f"{EDITION_URL}revisions/1/", "published 1 December 2014"),
        ("/recommendations/", "HMIC's recommendations from its 2014 review"),
        ("/recommendations/3/", "Recommendation 3, Leadership priority: "),
        ("/accounts/sign-in/", "Sign in to the National Oversight Group service"),
        ("/accounts/password-reset/", "Reset the password"),
        ("/accounts/password-reset/sent/", "Check your email"),
        ("/accounts/reset/done/", "has been changed"),
    ],
)
def test_each_public_page_has_a_meta_description_made_from_its_content(
    loaded_2014, anonymous_client, url, words
):
    page = anonymous_client.get(url).content.decode()

    descriptions = META_DESCRIPTION.findall(page)
    assert len(descriptions) == 1
    assert words in html.unescape(descriptions[0])
    assert "**" not in descriptions[0]


def test_the_changes_page_has_a_meta_description(loaded_2014, anonymous_client, secretariat_user):
    secretariat = secretariat_user
    publish_for_test(
        ReadyToPublishQuarterlyUpdateFactory(period=datetime.date(2015, 3, 1)), by=secretariat
    )

    page = anonymous_client.get("/updates/2015-03/changes/").content.decode()

    (description,) = META_DESCRIPTION.findall(page)
    assert "since the December 2014 update" in html.unescape(description)


def test_the_signature_description_is_in_the_page_as_its_text_alternative(
    loaded_2014, anonymous_client
):
    page = anonymous_client.get(EDITION_URL).content.decode()
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()

    assert (
        '<p class="govuk-body app-signature__image-description">A handwritten signature in '
        "black ink" in page
    )
    # Hidden from sight, not from screen readers (GOV.UK's visually hidden pattern): the
    # browser test checks it is not drawn, tests/browser/test_page_furniture.py.
    rule = css[css.index(".app-signature__image-description {") :]
    rule = rule[: rule.index("}")]
    assert "clip-path: inset(50%)" in rule
    assert "display: none" not in rule


def test_the_home_page_says_review_force_action_plans_in_lower_case(loaded_2014, anonymous_client):
    page = anonymous_client.get("/").content.decode()

    assert "sign in</a> to\n      <a" in page
    assert ">review force action plans</a>" in page
    assert "Review force action plans" not in page


def test_each_edition_offers_an_accessible_format_from_the_set_address(
    settings, loaded_2014, anonymous_client
):
    settings.ACCESSIBLE_FORMAT_EMAIL = "formats@example.gov.uk"

    page = anonymous_client.get("/updates/2014-12/").content.decode()

    assert "Request an accessible format" in page
    assert 'href="mailto:formats@example.gov.uk"' in page


def test_the_accessibility_statement_is_linked_from_every_footer(settings, anonymous_client, db):
    settings.ACCESSIBLE_FORMAT_EMAIL = "formats@example.gov.uk"

    home = anonymous_client.get("/").content.decode()
    statement = anonymous_client.get("/accessibility/")

    assert 'href="/accessibility/">Accessibility statement</a>' in home
    assert statement.status_code == 200
    text = statement.content.decode()
    assert '<h1 class="govuk-heading-xl">Accessibility statement</h1>' in text
    assert "partially compliant" in text
    assert "formats@example.gov.uk" in text
    assert "Equality Advisory and Support Service" in text
