"""Journeys in a real headless Chromium, driven by Playwright's sync API against `live_server`.

Written by hand rather than with pytest-playwright: it cannot download browsers here, and we
use Debian's `chromium` package instead (see scripts/ensure_chromium.sh).
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

# Playwright's sync API runs an event loop in this thread, so Django's ORM would refuse to run
# in the test body (SynchronousOnlyOperation). Nothing here is actually async.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BROWSER_TESTS_DIR = Path(__file__).resolve().parent
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The machine reaches package registries only: without these Chromium keeps trying to reach
# Google's services and fills the logs with refused connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS_DIR = Path("test-artifacts") / "screenshots"
DEFAULT_TIMEOUT_MS = 10_000

phase_reports_key = pytest.StashKey[dict[str, pytest.TestReport]]()


def _is_browser_test(item: pytest.Item) -> bool:
    return item.path.is_relative_to(BROWSER_TESTS_DIR)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder `browser`, before `-m` selects (hence tryfirst)."""
    for item in items:
        if _is_browser_test(item):
            item.add_marker(pytest.mark.browser)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Stop the whole run with one line if browser tests are selected but Chromium is missing."""
    if session.config.option.collectonly:
        return
    if not any(_is_browser_test(item) for item in session.items):
        return
    if not os.access(CHROMIUM_PATH, os.X_OK):
        pytest.exit(
            f"Chromium not found at {CHROMIUM_PATH}: run scripts/ensure_chromium.sh "
            "(apt-get install chromium) or set CHROMIUM_PATH",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Keep each phase's report on the item, so the page fixture knows if the test failed."""
    report = yield
    item.stash.setdefault(phase_reports_key, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, live_server) -> Iterator[BrowserContext]:
    """A fresh profile per test; CSP bypassed so axe-core can be injected into any page."""
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, locale="en-GB", timezone_id="Europe/London"
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page that leaves a full-page screenshot in test-artifacts/screenshots/ on failure."""
    page = context.new_page()
    yield page
    failed = [
        report for report in request.node.stash.get(phase_reports_key, {}).values() if report.failed
    ]
    if failed:
        path = request.config.rootpath / SCREENSHOTS_DIR / f"{_safe_name(request.node.name)}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=path, full_page=True)
        except Exception as error:  # a crashed page must not hide the test's own failure
            note = f"could not save a screenshot: {error}"
        else:
            note = f"saved to {path}"
        # The failure summary is printed at the end of the run from these same report objects.
        failed[0].sections.append(("screenshot", note))
    page.close()


def _safe_name(test_name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", test_name).strip("_")
