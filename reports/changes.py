"""What changed between two published editions, worked out from their snapshots alone.

Sections are matched by the recommendations they report on, so a section that starts or stops
reporting two recommendations together is still compared with what it was. Within a section,
bullets are paired by identical wording first, then by similar wording (a rewording), and their
points are compared the same way, one level at a time. Nothing here is HTML: word differences
are (kind, text) tokens, and the template escapes every one of them.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Literal

from django.utils.text import Truncator

from recommendations.templatetags.recommendation_text import without_key_phrase_marks
from reports.snapshot import (
    BulletSnapshot,
    RecommendationSnapshot,
    SectionSnapshot,
    Snapshot,
    section_heading,
)

# Enough of a parent bullet's words to recognise it by, when saying where a point sits.
WHERE_WORDS = 12

# Two bullets at least this alike (difflib ratio, over words) are one bullet reworded.
REWORDED_MIN_RATIO = 0.5

# A word or a punctuation mark, with the spaces before it; trailing spaces end the text.
WORD_PATTERN = re.compile(r"\s*(?:\w+|[^\w\s])|\s+$")

# A snapshot's bullet; when sections were regrouped, also the "section" it sits in.
Bullet = BulletSnapshot | dict[str, Any]


@dataclass(frozen=True)
class DiffToken:
    """A run of text in a word-level difference: the same in both, added, or removed."""

    kind: Literal["same", "added", "removed"]
    text: str


@dataclass(frozen=True)
class BulletChange:
    """One bullet (or point) that is new, removed, reworded or unchanged.

    `context` is the wording of the bullets it sits under, outermost first, so a change deep in
    a list (a new member of the group) still says where it is; `section` names the section it
    is (or was) in when recommendations were regrouped. `points` are the bullet's own points,
    shown with it when the bullet is new, removed or unchanged as a whole.
    """

    text: str
    context: tuple[str, ...] = ()
    section: str = ""
    points: tuple[Bullet, ...] = ()
    previous_text: str = ""
    words: tuple[DiffToken, ...] = ()

    @property
    def where(self) -> str:
        """Where it sits, in words, unless at the top of its section: “Under “The members are:””."""
        parents = " › ".join(f"“{Truncator(text).words(WHERE_WORDS)}”" for text in self.context)
        if self.section and parents:
            return f"In {self.section}, under {parents}"
        if self.section:
            return f"In {self.section}"
        return f"Under {parents}" if parents else ""


@dataclass(frozen=True)
class StatusChange:
    """A recommendation whose status moved, for example In progress to Complete."""

    number: int
    previous_status: str
    previous_label: str
    status: str
    status_label: str


@dataclass(frozen=True)
class RecommendationTextChange:
    """A recommendation whose words changed (rare: HMIC's words are meant to stay as written)."""

    number: int
    words: tuple[DiffToken, ...]


@dataclass
class SectionComparison:
    """One report section, or a set of sections merged or split, compared across editions."""

    heading: str
    anchor: str
    numbers: list[int]
    current_headings: list[str]
    previous_headings: list[str]
    recommendations: list[RecommendationSnapshot]
    status_changes: list[StatusChange] = field(default_factory=list)
    text_changes: list[RecommendationTextChange] = field(default_factory=list)
    added: list[BulletChange] = field(default_factory=list)
    removed: list[BulletChange] = field(default_factory=list)
    reworded: list[BulletChange] = field(default_factory=list)
    unchanged: list[BulletChange] = field(default_factory=list)

    @property
    def is_new(self) -> bool:
        return not self.previous_headings

    @property
    def is_gone(self) -> bool:
        return not self.current_headings

    @property
    def is_regrouped(self) -> bool:
        """Recommendations now reported together that were apart, or the other way round."""
        return bool(self.current_headings and self.previous_headings) and (
            self.current_headings != self.previous_headings
        )

    @property
    def has_changes(self) -> bool:
        return bool(
            self.is_new
            or self.is_gone
            or self.is_regrouped
            or self.status_changes
            or self.text_changes
            or self.added
            or self.removed
            or self.reworded
        )


@dataclass
class EditionComparison:
    """Two editions compared: the sections, and totals for the summary at the top."""

    title: str
    period_label: str
    previous_title: str
    previous_period_label: str
    sections: list[SectionComparison]

    @property
    def changed_sections(self) -> list[SectionComparison]:
        return [section for section in self.sections if section.has_changes]

    @property
    def unchanged_sections(self) -> list[SectionComparison]:
        return [section for section in self.sections if not section.has_changes]

    @property
    def unchanged_heading(self) -> str:
        """The unchanged sections in a few words: “Recommendations 4, 5 and 7”."""
        numbers = sorted(n for section in self.unchanged_sections for n in section.numbers)
        return section_heading(numbers) if numbers else ""

    @property
    def has_changes(self) -> bool:
        return bool(self.changed_sections)

    @property
    def added_count(self) -> int:
        return sum(len(section.added) for section in self.sections)

    @property
    def removed_count(self) -> int:
        return sum(len(section.removed) for section in self.sections)

    @property
    def reworded_count(self) -> int:
        return sum(len(section.reworded) for section in self.sections)

    @property
    def status_change_count(self) -> int:
        return sum(len(section.status_changes) for section in self.sections)

    @property
    def text_change_count(self) -> int:
        return sum(len(section.text_changes) for section in self.sections)


def editions_compare(previous: Snapshot, current: Snapshot) -> EditionComparison:
    """What changed from the previous edition's snapshot to the current one's."""
    previous_recommendations = _recommendations_by_number(previous["sections"])
    sections = []
    for previous_group, current_group in _sections_match(previous["sections"], current["sections"]):
        sections.append(_section_compare(previous_group, current_group, previous_recommendations))
    sections.sort(key=lambda section: min(section.numbers, default=0))
    return EditionComparison(
        title=current["title"],
        period_label=current["period_label"],
        previous_title=previous["title"],
        previous_period_label=previous["period_label"],
        sections=sections,
    )


def words_diff(previous: str, current: str) -> tuple[DiffToken, ...]:
    """The word-level difference between two texts, as runs of same, removed and added text."""
    old, new = _words(previous), _words(current)
    tokens: list[DiffToken] = []
    # Words are matched without their spacing ("Home" opening one text is " Home" in another).
    matcher = SequenceMatcher(
        None, [word.strip() for word in old], [word.strip() for word in new], autojunk=False
    )
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            _token_append(tokens, "same", "".join(new[new_start:new_end]))
            continue
        removed, added = "".join(old[old_start:old_end]), "".join(new[new_start:new_end])
        # A space before the change on both sides stays outside it, so the strike-through and
        # underline cover words only ("met on removed: 10 June", not " 10 June").
        spaces = {text[: len(text) - len(text.lstrip())] for text in (removed, added) if text}
        if len(spaces) == 1:
            space = spaces.pop()
            _token_append(tokens, "same", space)
            removed, added = removed[len(space) :], added[len(space) :]
        _token_append(tokens, "removed", removed)
        # "10 June 9 September", not "10 June9 September"; a replaced mark needs no space.
        if removed[-1:].isalnum() and added[:1].isalnum():
            _token_append(tokens, "same", " ")
        _token_append(tokens, "added", added)
    return tuple(tokens)


def wording_similarity(previous: str, current: str) -> float:
    """How alike two bullets read, from 0 to 1, comparing words and punctuation."""
    old = _words(previous, stripped=True)
    new = _words(current, stripped=True)
    return SequenceMatcher(None, old, new, autojunk=False).ratio()


def _words(text: str, *, stripped: bool = False) -> list[str]:
    """The text cut into words and punctuation marks, each with the spaces before it."""
    words = WORD_PATTERN.findall(text)
    return [word.strip() for word in words if not word.isspace()] if stripped else words


def _same_words(text: str) -> str:
    """The text with its spacing evened out: a changed space is not a changed bullet."""
    return " ".join(text.split())


def _token_append(tokens: list[DiffToken], kind: str, text: str) -> None:
    if not text:
        return
    if tokens and tokens[-1].kind == kind:
        tokens[-1] = DiffToken(kind, tokens[-1].text + text)
    else:
        tokens.append(DiffToken(kind, text))


def _recommendations_by_number(
    sections: Iterable[SectionSnapshot],
) -> dict[int, RecommendationSnapshot]:
    return {rec["number"]: rec for section in sections for rec in section["recommendations"]}


def _sections_match(
    previous: list[SectionSnapshot], current: list[SectionSnapshot]
) -> list[tuple[list[SectionSnapshot], list[SectionSnapshot]]]:
    """Pair sections reporting the same recommendations; group those that merged or split.

    Sections with exactly the same numbers pair one to one. The rest are grouped with every
    section they share a number with, so Recommendations 2 and 3 reported together in one
    edition and apart in the next are compared as one group. A section sharing no number with
    the other edition is new, or no longer reported.
    """
    groups: list[tuple[list[SectionSnapshot], list[SectionSnapshot]]] = []
    current_by_numbers = {frozenset(section["numbers"]): section for section in current}
    paired_current = set()
    unpaired_previous = []
    for section in previous:
        numbers = frozenset(section["numbers"])
        if numbers in current_by_numbers and numbers not in paired_current:
            groups.append(([section], [current_by_numbers[numbers]]))
            paired_current.add(numbers)
        else:
            unpaired_previous.append(section)
    unpaired_current = [
        section for section in current if frozenset(section["numbers"]) not in paired_current
    ]
    # Grow each group until no unpaired section on either side shares a number with it.
    while unpaired_previous or unpaired_current:
        if unpaired_previous:
            group: tuple[list, list] = ([unpaired_previous.pop(0)], [])
        else:
            group = ([], [unpaired_current.pop(0)])
        numbers = {n for section in group[0] + group[1] for n in section["numbers"]}
        grown = True
        while grown:
            grown = False
            for side, unpaired in ((0, unpaired_previous), (1, unpaired_current)):
                for section in list(unpaired):
                    if numbers.intersection(section["numbers"]):
                        group[side].append(section)
                        unpaired.remove(section)
                        numbers.update(section["numbers"])
                        grown = True
        groups.append(group)
    return groups


def _section_compare(
    previous: list[SectionSnapshot],
    current: list[SectionSnapshot],
    previous_recommendations: dict[int, RecommendationSnapshot],
) -> SectionComparison:
    numbers = sorted({n for section in previous + current for n in section["numbers"]})
    recommendations = [rec for section in current for rec in section["recommendations"]]
    comparison = SectionComparison(
        heading=section_heading(numbers),
        anchor="changes-recommendation-" + "-".join(str(number) for number in numbers),
        numbers=numbers,
        current_headings=[section["heading"] for section in current],
        previous_headings=[section["heading"] for section in previous],
        recommendations=recommendations,
    )
    for rec in recommendations:
        before = previous_recommendations.get(rec["number"])
        if before is None:
            continue
        if before["status"] != rec["status"]:
            comparison.status_changes.append(
                StatusChange(
                    number=rec["number"],
                    previous_status=before["status"],
                    previous_label=before["status_label"],
                    status=rec["status"],
                    status_label=rec["status_label"],
                )
            )
        old_text = without_key_phrase_marks(before["text"])
        new_text = without_key_phrase_marks(rec["text"])
        if old_text != new_text:
            comparison.text_changes.append(
                RecommendationTextChange(rec["number"], words_diff(old_text, new_text))
            )
    _bullets_compare(_section_bullets(previous), _section_bullets(current), (), "", comparison)
    return comparison


def _section_bullets(sections: list[SectionSnapshot]) -> list[Bullet]:
    """The sections' bullets in order; each labelled with its section if there are several."""
    if len(sections) == 1:
        return sections[0]["bullets"]
    return [
        {**bullet, "section": section["heading"]}
        for section in sections
        for bullet in section["bullets"]
    ]


def _bullets_compare(
    previous: Sequence[Bullet],
    current: Sequence[Bullet],
    context: tuple[str, ...],
    section: str,
    into: SectionComparison,
) -> None:
    """Sort one level of bullets into added, removed, reworded and unchanged; then their points."""
    pairs = _bullets_pair(previous, current)
    paired_previous = set(pairs.values())
    for index, bullet in enumerate(current):
        where = bullet.get("section", section)
        if index not in pairs:
            into.added.append(_change(bullet, context, where))
            continue
        before = previous[pairs[index]]
        reworded = _same_words(before["text"]) != _same_words(bullet["text"])
        if reworded:
            into.reworded.append(
                BulletChange(
                    text=bullet["text"],
                    context=context,
                    section=where,
                    previous_text=before["text"],
                    words=words_diff(before["text"], bullet["text"]),
                )
            )
        if _same_bullets(before["points"], bullet["points"]):
            if not reworded:
                into.unchanged.append(_change(bullet, context, where))
        else:
            points_context = (*context, bullet["text"])
            _bullets_compare(before["points"], bullet["points"], points_context, where, into)
    for index, bullet in enumerate(previous):
        if index not in paired_previous:
            into.removed.append(_change(bullet, context, bullet.get("section", section)))


def _bullets_pair(previous: Sequence[Bullet], current: Sequence[Bullet]) -> dict[int, int]:
    """Current bullet index -> previous bullet index: the same words first, then alike words."""
    pairs: dict[int, int] = {}
    waiting: dict[str, list[int]] = {}
    for index, bullet in enumerate(previous):
        waiting.setdefault(_same_words(bullet["text"]), []).append(index)
    for index, bullet in enumerate(current):
        if waiting.get(key := _same_words(bullet["text"])):
            pairs[index] = waiting[key].pop(0)
    left_previous = [index for indexes in waiting.values() for index in indexes]
    left_current = [index for index in range(len(current)) if index not in pairs]
    candidates = sorted(
        (
            (wording_similarity(previous[old]["text"], current[new]["text"]), old, new)
            for old in left_previous
            for new in left_current
        ),
        # Most alike first; among equals, keep the editions' order.
        key=lambda candidate: (-candidate[0], candidate[1], candidate[2]),
    )
    taken_previous: set[int] = set()
    for ratio, old, new in candidates:
        if ratio < REWORDED_MIN_RATIO:
            break
        if old in taken_previous or new in pairs:
            continue
        pairs[new] = old
        taken_previous.add(old)
    return pairs


def _same_bullets(previous: Sequence[Bullet], current: Sequence[Bullet]) -> bool:
    return len(previous) == len(current) and all(
        _same_words(old["text"]) == _same_words(new["text"])
        and _same_bullets(old["points"], new["points"])
        for old, new in zip(previous, current, strict=True)
    )


def _change(bullet: Bullet, context: tuple[str, ...], section: str) -> BulletChange:
    return BulletChange(
        text=bullet["text"], context=context, section=section, points=tuple(bullet["points"])
    )
