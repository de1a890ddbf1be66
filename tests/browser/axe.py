"""Accessibility checks with the vendored axe-core (tests/browser/vendor/axe.min.js)."""

from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE_SOURCE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
# WCAG 2.2 AA, the level public sector websites must meet (and the GOV.UK Service Standard).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TARGETS_SHOWN = 3

# Only what the message needs crosses back from the page, not axe's whole result tree.
RUN_AXE = """
options => axe.run(document, options).then(results => results.violations.map(violation => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    targets: violation.nodes.map(node => node.target),
})))
"""


@cache
def _axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page as it is now, against the WCAG 2.2 A and AA rules."""
    if page.evaluate("typeof window.axe") == "undefined":
        page.add_script_tag(content=_axe_source())
    return page.evaluate(RUN_AXE, {"runOnly": {"type": "tag", "values": WCAG_TAGS}})


def assert_accessible(page: Page) -> None:
    """Fail with one readable entry per axe-core violation on the current page."""
    __tracebackhide__ = True
    violations = axe_violations(page)
    if not violations:
        return
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {page.url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        targets = violation["targets"]
        for target in targets[:TARGETS_SHOWN]:
            # A target is a list of selectors: one per iframe or shadow root crossed.
            lines.append(f"    {' >>> '.join(map(str, target))}")
        if len(targets) > TARGETS_SHOWN:
            lines.append(f"    ... and {len(targets) - TARGETS_SHOWN} more")
    raise AssertionError("\n".join(lines))
