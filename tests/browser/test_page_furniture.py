"""The published edition's furniture as a reader sees it: the signature's text alternative."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible


@pytest.fixture
def hmic_2014(transactional_db) -> None:
    call_command("load_hmic_2014", stdout=io.StringIO())


def test_the_signature_description_is_read_out_but_not_shown(page: Page, hmic_2014) -> None:
    page.goto("/updates/2014-12/")
    description = page.locator(".app-signature__image-description")

    # In the accessibility tree (a screen reader reads it before the signatory's name)...
    expect(description).to_have_text(
        "A handwritten signature in black ink, which appears to read 'Theresa May'."
    )
    expect(page.get_by_text("A handwritten signature in black ink")).to_have_count(1)
    # ...but drawn nowhere: one clipped pixel, as GOV.UK's visually hidden text.
    box = description.bounding_box()
    assert box is not None and box["width"] <= 1 and box["height"] <= 1
    assert description.evaluate("element => getComputedStyle(element).clipPath") == "inset(50%)"
    metadata = page.locator(".app-metadata")
    expect(metadata).to_be_visible()
    expect(metadata).to_have_text(re.compile(r"From:\s+Home Office\s+Published\s+1 December 2014"))


def test_the_accessibility_statement_is_accessible_from_the_footer(page, transactional_db) -> None:
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement").click()

    expect(page.locator("h1")).to_have_text("Accessibility statement")
    assert_accessible(page)
