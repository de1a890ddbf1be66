"""The open data: every dataset on /data/, and one edition as structured data.

Built from the publications only (`reports.selectors.published_editions`, which reads each
edition's current publication through `snapshot_read`), never from the live records: editing a
recommendation, a bullet or a member changes no dataset until the next publication.

Field names are part of the published interface: add fields at the end, never rename or remove
one. `DATASETS` documents each field for /data/ as well as producing it.
"""

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from reports.models import Publication
from reports.selectors import PublishedEdition
from reports.snapshot import BulletSnapshot, Snapshot, snapshot_read

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
FORMATS = ("csv", "json")

TEXT = "Text"
INTEGER = "Whole number"
BOOLEAN = "true or false"
DATE = "Date (ISO 8601, 2014-12-01); empty if not known"
DATETIME = "Date and time (ISO 8601, UTC)"
MONTH = "Month (ISO 8601, 2014-12)"
URL = "Web address"
NUMBERS = "List of whole numbers (in the CSV, separated by semicolons: 2;3)"


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Dataset:
    """One dataset: its fields, documented, and how its rows are read from the publications."""

    slug: str
    title: str
    description: str
    changes: str  # how often it changes, in words
    fields: tuple[Field, ...]
    rows: Callable[[list[PublishedEdition], "Links"], Iterator[dict[str, Any]]]

    def filename(self, fmt: str) -> str:
        return f"national-oversight-group-{self.slug}.{fmt}"


class Links:
    """Absolute addresses of the public pages, for the URL fields."""

    def __init__(self, build_absolute_uri: Callable[[str], str]) -> None:
        self._absolute = build_absolute_uri

    def edition(self, slug: str, anchor: str = "") -> str:
        url = self._absolute(reverse("reports:edition-detail", kwargs={"slug": slug}))
        return f"{url}#{anchor}" if anchor else url

    def edition_pdf(self, slug: str) -> str:
        return self._absolute(reverse("reports:edition-pdf", kwargs={"slug": slug}))

    def edition_json(self, slug: str) -> str:
        return self._absolute(reverse("reports:edition-json", kwargs={"slug": slug}))


def iso_datetime(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="seconds")


def iso_month(content: Snapshot) -> str:
    return content["period"][:7]


# ---- Rows of each dataset -----------------------------------------------------------------


def _recommendation_fields(recommendation: dict[str, Any]) -> dict[str, Any]:
    # Version 3 snapshots add the confidence and the reason; older ones read as empty.
    return {
        "status": recommendation["status"],
        "status_label": recommendation["status_label"],
        "confidence": recommendation.get("confidence", ""),
        "confidence_label": recommendation.get("confidence_label", ""),
        "status_reason": recommendation.get("status_reason", ""),
    }


def _recommendations(editions: list[PublishedEdition], links: Links) -> Iterator[dict[str, Any]]:
    if not editions:
        return
    latest = editions[-1]
    for section in latest.content["sections"]:
        for recommendation in section["recommendations"]:
            yield {
                "number": recommendation["number"],
                "title": recommendation["title"],
                "text": recommendation["text"],
                **_recommendation_fields(recommendation),
                "edition": latest.slug,
                "section_url": links.edition(latest.slug, section["anchor"]),
            }


def _bullets(editions: list[PublishedEdition], links: Links) -> Iterator[dict[str, Any]]:
    def walk(bullets: list[BulletSnapshot], parent: str) -> Iterator[tuple[str, int, str, str]]:
        for position, bullet in enumerate(bullets, start=1):
            path = f"{parent}.{position}" if parent else str(position)
            yield path, position, parent, bullet["text"]
            yield from walk(bullet["points"], path)

    for edition in editions:
        for section in edition.content["sections"]:
            for path, position, parent, text in walk(section["bullets"], ""):
                yield {
                    "edition": edition.slug,
                    "section_anchor": section["anchor"],
                    "recommendation_numbers": section["numbers"],
                    "path": path,
                    "position": position,
                    "parent_path": parent,
                    "text": text,
                }


def _editions(editions: list[PublishedEdition], links: Links) -> Iterator[dict[str, Any]]:
    for edition in reversed(editions):  # newest first, as /updates/ lists them
        yield {
            "slug": edition.slug,
            "title": edition.content["title"],
            "period": iso_month(edition.content),
            "period_label": edition.content["period_label"],
            "first_published_at": iso_datetime(edition.first_published_at),
            "last_updated_at": iso_datetime(edition.last_updated_at),
            "revision_count": edition.revision,
            "url": links.edition(edition.slug),
            "pdf_url": links.edition_pdf(edition.slug),
            "json_url": links.edition_json(edition.slug),
        }


def _statuses(editions: list[PublishedEdition], links: Links) -> Iterator[dict[str, Any]]:
    for edition in editions:
        for section in edition.content["sections"]:
            for recommendation in section["recommendations"]:
                yield {
                    "edition": edition.slug,
                    "period": iso_month(edition.content),
                    "number": recommendation["number"],
                    **_recommendation_fields(recommendation),
                }


def _forces(editions: list[PublishedEdition], links: Links) -> Iterator[dict[str, Any]]:
    if not editions:
        return
    latest = editions[-1]
    for force in latest.content["forces"]:
        yield {
            "slug": force["slug"],
            "name": force["name"],
            "nation": force["nation"],
            "nation_label": force["nation_label"],
            "plan_provided": force["plan_provided"],
            "plan_provided_on": force["plan_provided_on"],
            "edition": latest.slug,
        }


def _meetings(editions: list[PublishedEdition], links: Links) -> Iterator[dict[str, Any]]:
    if not editions:
        return
    latest = editions[-1]
    for meeting in latest.content["meetings_held"]:
        yield {"date": meeting["date"], "label": meeting["label"], "edition": latest.slug}


AS_OF_EDITION = Field(
    "edition", TEXT, "The edition this is as published in (its address), for example 2014-12."
)
STATUS_FIELDS = (
    Field("status", TEXT, "not_started, in_progress or complete."),
    Field("status_label", TEXT, "The status in words, for example “In progress”."),
    Field(
        "confidence",
        TEXT,
        "How confident the group is of the status; empty in editions that did not say.",
    ),
    Field("confidence_label", TEXT, "The confidence in words; empty where there is none."),
    Field("status_reason", TEXT, "Why the group gave this status; empty where none was given."),
)
LATEST_EDITION = "Changes when an edition is published or corrected."
EVERY_EDITION = "Grows with each edition published; changes when one is corrected."

DATASETS: dict[str, Dataset] = {
    dataset.slug: dataset
    for dataset in (
        Dataset(
            slug="recommendations",
            title="Recommendations",
            description="HMIC's recommendations, with their status, as the latest edition "
            "published them.",
            changes=LATEST_EDITION,
            fields=(
                Field("number", INTEGER, "The recommendation's number in HMIC's report, 1 to 11."),
                Field("title", TEXT, "Its short title."),
                Field("text", TEXT, "Its full text, with **bold** where HMIC's report has it."),
                *STATUS_FIELDS,
                AS_OF_EDITION,
                Field("section_url", URL, "Its section of that edition."),
            ),
            rows=_recommendations,
        ),
        Dataset(
            slug="progress-updates",
            title="Progress updates",
            description="Every bullet of progress in every published edition, in the order "
            "printed, sub-points after the bullet they belong to.",
            changes=EVERY_EDITION,
            fields=(
                Field("edition", TEXT, "The edition, for example 2014-12."),
                Field(
                    "section_anchor",
                    TEXT,
                    "The section, as in the edition's address: #recommendation-2-3.",
                ),
                Field(
                    "recommendation_numbers", NUMBERS, "The recommendations the section reports."
                ),
                Field(
                    "path", TEXT, "Where the bullet is: 3 is the third, 3.1 its first sub-point."
                ),
                Field("position", INTEGER, "Its place among its siblings, from 1."),
                Field(
                    "parent_path",
                    TEXT,
                    "The path of the bullet it is a sub-point of; empty if none.",
                ),
                Field("text", TEXT, "The bullet as published."),
            ),
            rows=_bullets,
        ),
        Dataset(
            slug="editions",
            title="Editions",
            description="Every published edition of the quarterly update, newest first.",
            changes="Changes when an edition is published or corrected.",
            fields=(
                Field("slug", TEXT, "The edition's address, for example 2014-12."),
                Field("title", TEXT, "Its title."),
                Field("period", MONTH, "The month it reports on."),
                Field("period_label", TEXT, "The month in words, for example “December 2014”."),
                Field("first_published_at", DATETIME, "When it was first published."),
                Field("last_updated_at", DATETIME, "When its latest revision was published."),
                Field(
                    "revision_count",
                    INTEGER,
                    "How many revisions it has had: 1 if never corrected.",
                ),
                Field("url", URL, "Its page."),
                Field("pdf_url", URL, "Its PDF."),
                Field("json_url", URL, "The edition as structured data (described below)."),
            ),
            rows=_editions,
        ),
        Dataset(
            slug="recommendation-statuses",
            title="Status of each recommendation in each edition",
            description="How each edition rated each recommendation, oldest edition first: "
            "follow a recommendation across quarters.",
            changes=EVERY_EDITION,
            fields=(
                Field("edition", TEXT, "The edition, for example 2014-12."),
                Field("period", MONTH, "The month it reports on."),
                Field("number", INTEGER, "The recommendation's number."),
                *STATUS_FIELDS,
            ),
            rows=_statuses,
        ),
        Dataset(
            slug="forces",
            title="Police forces and their action plans",
            description="The 43 forces of England and Wales and whether each had provided its "
            "domestic abuse action plan to HMIC, as at the latest edition.",
            changes=LATEST_EDITION,
            fields=(
                Field(
                    "slug",
                    TEXT,
                    "The force's short name, for example avon-and-somerset-constabulary.",
                ),
                Field("name", TEXT, "Its name."),
                Field("nation", TEXT, "england or wales."),
                Field("nation_label", TEXT, "England or Wales."),
                Field(
                    "plan_provided",
                    BOOLEAN,
                    "Whether its current action plan was provided to HMIC.",
                ),
                Field("plan_provided_on", DATE, "When it was provided."),
                AS_OF_EDITION,
            ),
            rows=_forces,
        ),
        Dataset(
            slug="meetings",
            title="Meetings held",
            description="The meetings the National Oversight Group had held, as at the latest "
            "edition.",
            changes=LATEST_EDITION,
            fields=(
                Field("date", DATE, "The day it was held."),
                Field("label", TEXT, "The date in words, for example “28 October 2014”."),
                AS_OF_EDITION,
            ),
            rows=_meetings,
        ),
    )
}


# ---- Files --------------------------------------------------------------------------------


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    return str(value)


def dataset_render(
    dataset: Dataset,
    fmt: str,
    editions: list[PublishedEdition],
    links: Links,
    last_updated: datetime.datetime | None,
) -> bytes:
    """The dataset as a UTF-8 CSV file (a header row, then a row each) or a JSON document."""
    names = [field.name for field in dataset.fields]
    rows = list(dataset.rows(editions, links))
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(names)
        writer.writerows([_csv_value(row[name]) for name in names] for row in rows)
        return out.getvalue().encode("utf-8")
    document = {
        "dataset": dataset.slug,
        "title": dataset.title,
        "licence": LICENCE_URL,
        "last_updated_at": iso_datetime(last_updated) if last_updated else None,
        "fields": names,
        "rows": rows,
    }
    return _json_bytes(document)


def _json_bytes(document: Any) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---- One edition as structured data (/updates/<slug>.json) --------------------------------

EDITION_FIELDS: tuple[Field, ...] = (
    Field("format_version", INTEGER, "1; a change that could break a reader would make it 2."),
    Field("slug", TEXT, "The edition's address, for example 2014-12."),
    Field("title", TEXT, "Its title."),
    Field("series", TEXT, "The line above the title."),
    Field("period", MONTH, "The month it reports on."),
    Field("period_label", TEXT, "The month in words."),
    Field("publisher", TEXT, "Who published it, for example Home Office."),
    Field("revision", INTEGER, "Which revision this is: 1, or higher after a correction."),
    Field("published_at", DATETIME, "When this revision was published."),
    Field("first_published_at", DATETIME, "When the edition was first published."),
    Field("change_note", TEXT, "What this revision corrected; empty for revision 1."),
    Field("url", URL, "The edition's page."),
    Field(
        "foreword",
        "Object",
        "heading, paragraphs (a list of texts), signature_description, signatory_name, "
        "signatory_role.",
    ),
    Field(
        "sections",
        "List of objects",
        "One a section, in order: anchor, heading, numbers (the recommendations it reports), "
        "recommendations (number, title, text, status, status_label, confidence, "
        "confidence_label, status_reason) and bullets (text, and points: its sub-points, "
        "bullets again).",
    ),
    Field(
        "forces",
        "List of objects",
        "slug, name, nation, nation_label, plan_provided, plan_provided_on: as in the forces "
        "dataset.",
    ),
    Field("meetings_held", "List of objects", "date, label: as in the meetings dataset."),
)


def _section_document(section: dict[str, Any]) -> dict[str, Any]:
    return {
        "anchor": section["anchor"],
        "heading": section["heading"],
        "numbers": section["numbers"],
        "recommendations": [
            {
                "number": recommendation["number"],
                "title": recommendation["title"],
                "text": recommendation["text"],
                **_recommendation_fields(recommendation),
            }
            for recommendation in section["recommendations"]
        ],
        "bullets": section["bullets"],
    }


def edition_document(publication: Publication, links: Links) -> bytes:
    """One publication as JSON, in the documented shape (`EDITION_FIELDS`).

    Written out field by field rather than dumping the snapshot, so that the snapshot's own
    schema can grow without changing a published document.
    """
    content = snapshot_read(publication.content)
    foreword = content["foreword"]
    document = {
        "format_version": 1,
        "slug": content["slug"],
        "title": content["title"],
        "series": content["series"],
        "period": iso_month(content),
        "period_label": content["period_label"],
        "publisher": content["publisher"],
        "revision": publication.revision,
        "published_at": iso_datetime(publication.published_at),
        "first_published_at": iso_datetime(publication.edition.published_at),
        "change_note": publication.change_note,
        "url": links.edition(content["slug"]),
        "foreword": {
            key: foreword[key]
            for key in (
                "heading",
                "paragraphs",
                "signature_description",
                "signatory_name",
                "signatory_role",
            )
        },
        "sections": [_section_document(section) for section in content["sections"]],
        "forces": content["forces"],
        "meetings_held": content["meetings_held"],
    }
    if "withdrawn" in content:
        # Withdrawn (reports/withdrawal.py): {"on": ISO date, "notice": text}. Only then, so
        # that every other published document keeps its bytes.
        document["withdrawn"] = content["withdrawn"]
    return _json_bytes(document)
