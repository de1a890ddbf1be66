"""What must be true before an edition is published, and what to warn the publisher about."""

import re
from collections.abc import Iterator

from reports.models import QuarterlyUpdate
from reports.snapshot import Snapshot

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# UK numbers: 01/02/03/07/08 and 11 digits, or +44, spaced or not.
PHONE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|0)(?:\d\s?){9,10}\b")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")


def edition_problems(edition: QuarterlyUpdate, content: Snapshot) -> list[str]:
    """What is missing: each item says what to do about it."""
    problems = []
    if not content["foreword"]["paragraphs"]:
        problems.append("Write the foreword.")
    if not edition.signatory_name.strip():
        problems.append("Enter who signs the foreword.")
    for section in content["sections"]:
        if not section["bullets"]:
            problems.append(
                f"{section['heading']} has no progress: add a bullet, "
                "or a bullet saying “No update this quarter”."
            )
    return problems


def personal_data_warnings(content: Snapshot) -> list[str]:
    """Text that looks like personal data, which must not reach a public page on domestic abuse."""
    warnings = []
    for where, text in _texts(content):
        for label, pattern in (
            ("an email address", EMAIL),
            ("a phone number", PHONE),
            ("a postcode", POSTCODE),
        ):
            for match in pattern.finditer(text):
                warnings.append(f"{where} contains what looks like {label}: “{match.group(0)}”.")
    return warnings


def _texts(content: Snapshot) -> Iterator[tuple[str, str]]:
    foreword = content["foreword"]
    for paragraph in foreword["paragraphs"]:
        yield "The foreword", paragraph
    for section in content["sections"]:
        yield from ((section["heading"], text) for text in _bullet_texts(section["bullets"]))


def _bullet_texts(bullets: list[dict]) -> Iterator[str]:
    for bullet in bullets:
        yield bullet["text"]
        yield from _bullet_texts(bullet["points"])
