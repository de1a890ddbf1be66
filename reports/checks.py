"""What must be true before an edition is published, and what to warn the publisher about.

Problems stop publishing: each says what to do, and names the field to fix it in. Warnings
point at text that looks like personal data (an email address, a phone number, a postcode, a
person's name that is not a group member's), which must not reach a public page on domestic
abuse unless the publisher has checked it. Both are plain strings, so `PublishRefused` can
carry them, with the details the admin shows as attributes.
"""

import functools
import re
from collections.abc import Iterator
from pathlib import Path

from oversight.models import Member
from reports.models import QuarterlyUpdate
from reports.snapshot import BulletSnapshot, Snapshot

GIVEN_NAMES_FILE = Path(__file__).parent / "data" / "given_names.txt"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# UK numbers: 01/02/03/07/08 and 11 digits, or +44, spaced or not.
PHONE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|0)(?:\d\s?){8,9}\d\b")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")

# Titles and ranks written before a name: “Mrs Smith”, “DC Jones”, “Chief Constable Sir Jon
# Murphy”. Case-sensitive, so “dr” or “pc” in running text never count.
HONORIFICS = (
    "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Professor", "Sir", "Dame", "Lord", "Lady",
    "Baroness", "Baron", "Rev", "Revd", "Reverend", "Cllr", "Councillor", "Rt Hon", "Hon",
    "PC", "PCSO", "DC", "DS", "DI", "DCI", "DSI", "DSU", "DCS", "Sgt", "Sergeant", "Insp",
    "Inspector", "Chief Inspector", "Supt", "Superintendent", "Chief Superintendent",
    "Detective", "Constable", "Chief Constable", "Deputy Chief Constable", "DCC",
    "Assistant Chief Constable", "ACC", "Commander", "Cdr",
)  # fmt: skip
# Words that follow a title but are an office, not a name: “Lord Chancellor”, “Lady Justice”.
OFFICES = frozenset({"Chancellor", "Chief", "Justice", "Mayor", "Lieutenant", "Advocate"})
# Words that end a place or a body, not a name: “Victoria Street”, “Christian Aid”.
NOT_SURNAMES = frozenset({
    "Act", "Aid", "Alert", "Avenue", "Award", "Board", "Bridge", "Centre", "Close", "College",
    "Commission", "Committee", "Council", "Court", "Crescent", "Day", "Drive", "Foundation",
    "Fund", "Gardens", "Group", "Hall", "Hospital", "House", "Inquiry", "Lane", "Line", "Lodge",
    "Park", "Partnership", "Place", "Programme", "Project", "Review", "Road", "School",
    "Service", "Services", "Square", "Station", "Street", "Team", "Terrace", "Trust", "Unit",
    "University", "Way", "Week",
})  # fmt: skip

# A capitalised word as names are written: “Smith”, “O'Brien”, “McDonald”, “Hogan-Howe”.
_NAME_WORD = r"(?:O['’]|Mc|Mac)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_NOT_IN_A_WORD = r"(?<![\w'’-])"
_WORD_ENDS = r"(?!\w)"
_TITLE = "|".join(
    re.escape(honorific).replace(r"\ ", r"\s+")
    for honorific in sorted(HONORIFICS, key=len, reverse=True)
)
# One title or more (“Chief Constable Sir”), then one or two name words.
TITLED_NAME = re.compile(
    rf"{_NOT_IN_A_WORD}(?:(?:{_TITLE})\.?\s+)+"
    rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD})?){_WORD_ENDS}"
)

CONTEXT_CHARS = 40


class Problem(str):
    """Why an edition cannot be published yet, saying what to do; `field` is where to do it."""

    field: str

    def __new__(cls, message: str, *, field: str = "") -> "Problem":
        problem = super().__new__(cls, message)
        problem.field = field
        return problem


class PersonalDataWarning(str):
    """Text that looks like personal data: what it is, where, and the words around it."""

    where: str
    label: str
    found: str
    before: str
    after: str
    field: str

    def __new__(
        cls, *, where: str, label: str, text: str, start: int, end: int, field: str = ""
    ) -> "PersonalDataWarning":
        before, found, after = _in_context(text, start, end)
        warning = super().__new__(
            cls,
            f"{where} contains what looks like {label}: “{found}”, in “{before}{found}{after}”.",
        )
        warning.where, warning.label, warning.found = where, label, found
        warning.before, warning.after, warning.field = before, after, field
        return warning


def edition_problems(edition: QuarterlyUpdate, content: Snapshot) -> list[Problem]:
    """What is missing: each item says what to do about it, and where."""
    problems = []
    if not content["foreword"]["paragraphs"]:
        problems.append(
            Problem("Write the foreword: the words that open the update.", field="foreword")
        )
    if not edition.signatory_name.strip():
        problems.append(
            Problem(
                "Enter who signs the foreword, for example “The Rt Hon Theresa May MP”.",
                field="signatory_name",
            )
        )
    if not edition.signatory_role.strip():
        problems.append(
            Problem(
                "Enter the role of who signs the foreword, for example “Home Secretary”.",
                field="signatory_role",
            )
        )
    for section in content["sections"]:
        if not section["bullets"]:
            titles = "; ".join(rec["title"] for rec in section["recommendations"])
            problems.append(
                Problem(
                    f"Add progress for {section['heading']} ({titles}): at least one bullet, "
                    "or one with the source “No update this quarter”.",
                    # The section's own page, where its bullets are edited.
                    field=f"section:{section['numbers'][0]}",
                )
            )
    return problems


def personal_data_warnings(content: Snapshot) -> list[PersonalDataWarning]:
    """Text that looks like personal data, which must not reach a public page on domestic abuse.

    Names are those of people who are neither members of the group (now or in the past) nor
    the edition's signatory; the members are read from the database only if a name is found.
    """
    warnings = []
    known = _KnownPeople(content["foreword"]["signatory_name"])
    for where, field, text in _texts(content):
        for label, pattern in (
            ("an email address", EMAIL),
            ("a phone number", PHONE),
            ("a postcode", POSTCODE),
        ):
            for match in pattern.finditer(text):
                warnings.append(
                    PersonalDataWarning(
                        where=where,
                        label=label,
                        text=text,
                        start=match.start(),
                        end=match.end(),
                        field=field,
                    )
                )
        for start, end, name, titled in _names(text):
            if not known.includes(name, titled=titled):
                warnings.append(
                    PersonalDataWarning(
                        where=where,
                        label="the name of someone who is not a group member",
                        text=text,
                        start=start,
                        end=end,
                        field=field,
                    )
                )
    return warnings


@functools.cache
def given_names() -> frozenset[str]:
    lines = GIVEN_NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@functools.cache
def _given_name_pattern() -> re.Pattern[str]:
    """A common given name, then one or two name words: “Jane Smith”, “Mary Ann Jones”."""
    given = "|".join(sorted(given_names(), key=len, reverse=True))
    return re.compile(
        rf"{_NOT_IN_A_WORD}(?P<name>(?:{given})\s+{_NAME_WORD}(?:\s+{_NAME_WORD})?){_WORD_ENDS}"
    )


def _names(text: str) -> Iterator[tuple[int, int, str, bool]]:
    """Likely people's names in `text`: (start, end, the name without its title, titled)."""
    taken: list[tuple[int, int]] = []
    for pattern, titled in ((TITLED_NAME, True), (_given_name_pattern(), False)):
        for match in pattern.finditer(text):
            words = match.group("name").split()
            if titled and words[0] in OFFICES:
                continue
            while words and words[-1] in NOT_SURNAMES:
                words.pop()
            if len(words) < (1 if titled else 2):
                continue
            start = match.start() if titled else match.start("name")
            end = match.start("name") + len(_rejoin(match.group("name"), len(words)))
            if any(start < other_end and other_start < end for other_start, other_end in taken):
                continue
            taken.append((start, end))
            yield start, end, " ".join(words), titled


def _rejoin(name: str, words: int) -> str:
    """The first `words` words of `name`, with its own spacing."""
    return re.match(rf"\S+(?:\s+\S+){{{words - 1}}}", name).group(0)


class _KnownPeople:
    """Group members, past and present, and the signatory: names that may be published."""

    def __init__(self, signatory: str) -> None:
        self._signatory = signatory
        self._names: set[str] = set()
        self._surnames: set[str] = set()
        self._loaded = False

    def includes(self, name: str, *, titled: bool) -> bool:
        """Whether `name` is a known person's, titled names also by surname (“ACC Rolfe”)."""
        if not self._loaded:
            self._load()
        key = _key(name)
        # A name read with one word too many (“Jane Smith Chief”) is still Jane Smith.
        shorter = key.rsplit(" ", 1)[0] if key.count(" ") > 1 else key
        return key in self._names or shorter in self._names or (titled and key in self._surnames)

    def _load(self) -> None:
        members = Member.objects.exclude(name="").values_list("name", flat=True)
        signatory = (name for _, _, name, _ in _names(self._signatory))
        for person in (*members, *signatory):
            key = _key(person)
            self._names.add(key)
            self._surnames.add(key.rsplit(" ", 1)[-1])
        self._loaded = True


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _in_context(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The found text with up to CONTEXT_CHARS either side, cut at whole words."""
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    if start > CONTEXT_CHARS:
        before = "…" + before.split(" ", 1)[-1] if " " in before else "…" + before
    if end + CONTEXT_CHARS < len(text):
        after = after.rsplit(" ", 1)[0] + "…" if " " in after else after + "…"
    return before, text[start:end], after


def _texts(content: Snapshot) -> Iterator[tuple[str, str, str]]:
    """(where, the field to fix it in, text) for every text an edition's staff write."""
    foreword = content["foreword"]
    for paragraph in foreword["paragraphs"]:
        yield "The foreword", "foreword", paragraph
    if foreword.get("signature_description"):
        yield (
            "The signature description",
            "signature_description",
            foreword["signature_description"],
        )
    for section in content["sections"]:
        where_to_fix = f"section:{section['numbers'][0]}"
        for rec in section["recommendations"]:
            if rec.get("status_reason"):
                yield (
                    f"The reason given for Recommendation {rec['number']}'s status",
                    where_to_fix,
                    rec["status_reason"],
                )
        yield from (
            (section["heading"], where_to_fix, text) for text in _bullet_texts(section["bullets"])
        )


def _bullet_texts(bullets: list[BulletSnapshot]) -> Iterator[str]:
    for bullet in bullets:
        yield bullet["text"]
        yield from _bullet_texts(bullet["points"])
