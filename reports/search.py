"""The public search across published editions (issue 11): passages, their index, and queries.

Passages are a derived table, `SearchPassage`: one row per foreword paragraph, recommendation
text, bullet and sub-point of each edition's CURRENT publication, read from its snapshot only
(`snapshot_read`), never from live records. Publishing replaces the edition's passages
(`search_passages_rebuild_for`, called by `edition_publish`); `rebuild_search_index` remakes
them all.

On PostgreSQL the search is full text (English configuration: "assessments" finds
"assessment"), ranked, with the database's headline marking the matches. Elsewhere (SQLite, in
development) every word must appear in the passage, and the words are marked in Python. Either
way the text is escaped before the marks go in: nothing stored or typed is trusted as HTML.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from oversight.pagination import paginate
from reports.models import Publication, SearchPassage
from reports.snapshot import BulletSnapshot, snapshot_read

RESULTS_PER_PAGE = 20
MAX_QUERY_LENGTH = 200
FOREWORD_ANCHOR = "foreword"

# Marks around each match in a headline: control characters no passage keeps (they are removed
# from the text when passages are built), so they cannot be forged by stored text.
START_SEL, STOP_SEL = "\x02", "\x03"
_SENTINELS = str.maketrans("", "", START_SEL + STOP_SEL)
_WORD = re.compile(r"\w+")


def _clean(text: str) -> str:
    """Passage text as readers see it: without the `**key phrase**` marks or sentinels."""
    return text.replace("**", "").translate(_SENTINELS).strip()


def _bullet_texts(bullets: list[BulletSnapshot]) -> list[str]:
    texts = []
    for bullet in bullets:
        texts.append(bullet["text"])
        texts.extend(_bullet_texts(bullet.get("points", [])))
    return texts


def passages_from_content(content: dict[str, Any]) -> list[dict[str, Any]]:
    """The passages of one stored snapshot (any version), in reading order, as field values
    (all but the publication and edition slug). Also used by migration 0011."""
    snapshot = snapshot_read(content)
    edition = {
        "edition_period": datetime.date.fromisoformat(snapshot["period"]),
        "edition_label": f"{snapshot['title']}: {snapshot['period_label']}",
    }
    foreword = snapshot["foreword"]
    parts = [(FOREWORD_ANCHOR, foreword["heading"], text) for text in foreword["paragraphs"]]
    for section in snapshot["sections"]:
        texts = [rec["text"] for rec in section["recommendations"]]
        texts += _bullet_texts(section["bullets"])
        parts += [(section["anchor"], section["heading"], text) for text in texts]
    passages = []
    for anchor, heading, text in parts:
        text = _clean(text)
        if text:
            passages.append(
                {
                    **edition,
                    "section_anchor": anchor,
                    "section_heading": heading,
                    "position": len(passages),
                    "text": text,
                }
            )
    return passages


@transaction.atomic
def search_passages_rebuild_for(publication: Publication) -> int:
    """Replace the passages of `publication`'s edition with this publication's: how many."""
    SearchPassage.objects.filter(publication__edition_id=publication.edition_id).delete()
    slug = publication.edition.slug
    made = SearchPassage.objects.bulk_create(
        SearchPassage(publication=publication, edition_slug=slug, **fields)
        for fields in passages_from_content(publication.content)
    )
    return len(made)


def search_passages_after_withdrawal(*, publication: Publication, passages: list[str]) -> None:
    """A revision was withdrawn (`reports.withdrawal`): its edition's passages are made
    again from the edition's current publication as it now reads, which is the notice if the
    withdrawn revision was the current one."""
    current = (
        Publication.objects.filter(edition_id=publication.edition_id)
        .select_related("edition")
        .order_by("-revision")
        .first()
    )
    search_passages_rebuild_for(current)


@transaction.atomic
def search_passages_rebuild_all() -> int:
    """Remake every passage from each edition's current publication: how many."""
    SearchPassage.objects.all().delete()
    total = 0
    for publication in Publication.objects.latest_per_edition().select_related("edition"):
        total += search_passages_rebuild_for(publication)
    return total


def query_words(query: str) -> list[str]:
    """The words of a query, in order, each once: what a passage must hold."""
    return list(dict.fromkeys(word.lower() for word in _WORD.findall(query)))


@dataclass
class SearchResult:
    """One matching passage: where it is, and its text with the matches marked (safe HTML)."""

    section_heading: str
    url: str
    highlighted: SafeString


@dataclass
class EditionResults:
    """The matching passages of one edition, in the order they were found."""

    slug: str
    label: str
    results: list[SearchResult] = field(default_factory=list)


@dataclass
class SearchResults:
    """One page of results, grouped by edition (newest first), and the page for pagination."""

    page: Page
    editions: list[EditionResults]

    @property
    def count(self) -> int:
        return self.page.paginator.count


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _matches(query: str) -> QuerySet:
    if _is_postgresql():
        ts_query = SearchQuery(query, config="english", search_type="websearch")
        return (
            SearchPassage.objects.filter(search_vector=ts_query)
            .annotate(
                rank=SearchRank(F("search_vector"), ts_query),
                headline=SearchHeadline(
                    "text",
                    ts_query,
                    config="english",
                    start_sel=START_SEL,
                    stop_sel=STOP_SEL,
                    highlight_all=True,
                ),
            )
            .order_by("-edition_period", "-rank", "position")
        )
    words = query_words(query)
    matching = Q()
    for word in words:
        matching &= Q(text__icontains=word)
    return SearchPassage.objects.filter(matching).order_by("-edition_period", "position")


def _highlight_headline(headline: str) -> SafeString:
    """The database's headline, escaped, with its sentinels turned into <mark>."""
    marked = escape(headline).replace(START_SEL, "<mark>").replace(STOP_SEL, "</mark>")
    return mark_safe(marked)  # noqa: S308 - escaped above; only our own tags are added


def highlight_words(text: str, words: list[str]) -> SafeString:
    """`text` escaped, with each occurrence of any of `words` (any case) in <mark>."""
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above


def search(query: str, page: str | int | None = 1) -> SearchResults:
    """Page `page` of the passages matching `query`, grouped by edition, newest first.

    Two queries: the count, then the page (with ranks and headlines on PostgreSQL).
    """
    page_of = paginate(
        _matches(query).defer("search_vector"), number=page, per_page=RESULTS_PER_PAGE
    )
    words = query_words(query)
    editions: list[EditionResults] = []
    for passage in page_of.object_list:
        if not editions or editions[-1].slug != passage.edition_slug:
            editions.append(EditionResults(slug=passage.edition_slug, label=passage.edition_label))
        highlighted = (
            _highlight_headline(passage.headline)
            if hasattr(passage, "headline")
            else highlight_words(passage.text, words)
        )
        editions[-1].results.append(
            SearchResult(
                section_heading=passage.section_heading,
                url=passage.get_absolute_url(),
                highlighted=highlighted,
            )
        )
    return SearchResults(page=page_of, editions=editions)
