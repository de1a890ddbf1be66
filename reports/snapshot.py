"""An edition's content as plain data: what a publication freezes and every page renders.

The snapshot holds words, not references: the member list is the members' names as they were
when it was taken, so later edits to the records never reach a published page.

Its shape is written down here, and only here: `edition_snapshot()` builds the current version
and `snapshot_read()` reads any stored version. A publication is never rewritten, so a new
version adds an upgrade step to `_UPGRADES` (filling in defaults for fields the older version
lacked) and old publications are upgraded in memory each time they are read.

Versions:
1. The shape of the December 2014 publication; its version is under the key `schema`.
2. The same fields; the version is under `schema_version`.
3. Adds `forces` (each force and whether its action plan was provided) and `meetings_held`
   (the group's meetings held by then), for the open data. Each recommendation's `status` is
   the delivery status set in the edition (where none was set, the one in the previous
   published edition, else "not_started"), with its `confidence`, `confidence_label` and
   `status_reason` ("" where unset); `reports_on_meeting` is the meeting the edition reports
   on, or None. Upgrading from 2 fills empty lists, "" and None.
4. Each recommendation gains `addressed_to` (the names of the bodies HMIC addressed it to, as
   they were then) and `due_by` (ISO 8601 date, or None); each force gains `plan_url` (the
   address of the force's own published copy of its current plan, or ""). Upgrading from 3
   fills [], None and "".
"""

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any, TypedDict

from django.db.models.fields.json import KT

from oversight.models import Meeting, Member
from oversight.published_facts import published_facts
from recommendations.models import Area, Recommendation
from reports.models import ProgressUpdate, Publication, QuarterlyUpdate, SectionStatus

SCHEMA_VERSION = 4
NO_UPDATE_TEXT = "No update this quarter."


class BulletSnapshot(TypedDict):
    """A bullet as published, with its sub-points."""

    text: str
    points: list["BulletSnapshot"]


class RecommendationSnapshot(TypedDict):
    """A recommendation as it read, and its status, when the edition was published."""

    number: int
    title: str
    text: str
    status: str
    status_label: str
    confidence: str  # "" | "on_track" | "at_risk" | "off_track"
    confidence_label: str  # "" or the label, for example "At risk"
    status_reason: str
    addressed_to: list[str]  # organisation names (version 4)
    due_by: str | None  # ISO 8601 date (version 4)


class SectionSnapshot(TypedDict):
    """One section of the report: one recommendation, or several reported together."""

    anchor: str
    heading: str
    numbers: list[int]
    recommendations: list[RecommendationSnapshot]
    bullets: list[BulletSnapshot]


class ForewordSnapshot(TypedDict):
    heading: str
    paragraphs: list[str]
    signature_description: str
    signatory_name: str
    signatory_role: str


class ForceSnapshot(TypedDict):
    """A force, and whether its current action plan had been provided to HMIC (version 3)."""

    slug: str
    name: str
    nation: str
    nation_label: str
    plan_provided: bool
    plan_provided_on: str | None  # ISO 8601 date; None if not provided or the date is unknown
    plan_url: str  # the force's own published copy of its plan, or "" (version 4)


class MeetingSnapshot(TypedDict):
    """A meeting of the group (version 3): its date only, no papers. Listed in `meetings_held`,
    and as the meeting an edition reports on."""

    date: str  # ISO 8601
    label: str  # "28 October 2014"


class Snapshot(TypedDict):
    """An edition's whole content, as stored in `Publication.content`."""

    schema_version: int
    slug: str
    title: str
    series: str
    period: str
    period_label: str
    publisher: str
    foreword: ForewordSnapshot
    sections: list[SectionSnapshot]
    forces: list[ForceSnapshot]
    meetings_held: list[MeetingSnapshot]
    reports_on_meeting: MeetingSnapshot | None


class UnknownSnapshotVersion(ValueError):
    """Stored by a newer version of the service than this one: refuse rather than misread it."""


def _from_version_1(content: dict[str, Any]) -> dict[str, Any]:
    upgraded = {key: value for key, value in content.items() if key != "schema"}
    return {"schema_version": 2, **upgraded}


def _open_data_defaults(content: dict[str, Any]) -> dict[str, Any]:
    """Version 3's open-data keys: publications made before it kept no forces or meetings."""
    return {"forces": [], "meetings_held": [], **content}


def _from_version_2(content: dict[str, Any]) -> dict[str, Any]:
    """Version 2 knew no forces, meetings, confidence or reason: empty lists, "" and None
    (the status is kept)."""
    sections = [
        {
            **section,
            "recommendations": [
                {**rec, "confidence": "", "confidence_label": "", "status_reason": ""}
                for rec in section["recommendations"]
            ],
        }
        for section in content.get("sections", [])
    ]
    upgraded = {**_open_data_defaults(content), "schema_version": 3, "reports_on_meeting": None}
    if "sections" in content:
        upgraded["sections"] = sections
    return upgraded


def _from_version_3(content: dict[str, Any]) -> dict[str, Any]:
    """Version 3 kept no addressees, due dates or plan addresses: [], None and ""."""
    upgraded = {**content, "schema_version": 4}
    if "sections" in content:
        upgraded["sections"] = [
            {
                **section,
                "recommendations": [
                    {"addressed_to": [], "due_by": None, **rec}
                    for rec in section["recommendations"]
                ],
            }
            for section in content["sections"]
        ]
    upgraded["forces"] = [{"plan_url": "", **force} for force in content.get("forces", [])]
    return upgraded


# Version n -> the step that makes version n + 1 of it. Each step returns a new dict.
_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: _from_version_1,
    2: _from_version_2,
    3: _from_version_3,
}


def snapshot_version(content: Mapping[str, Any]) -> int:
    return content.get("schema_version", content.get("schema", 1))


def snapshot_read(content: Mapping[str, Any]) -> Snapshot:
    """A stored snapshot of any version, as the current version. Never changes `content`."""
    version = snapshot_version(content)
    if version > SCHEMA_VERSION:
        raise UnknownSnapshotVersion(f"Snapshot version {version} is newer than this service's")
    upgraded = dict(content)
    while version < SCHEMA_VERSION:
        upgraded = _UPGRADES[version](upgraded)
        version += 1
    return upgraded  # type: ignore[return-value]


def listing_fields() -> dict[str, KT]:
    """What a list of publications shows, read in the database from their stored content.

    Both keys are in every version so far; a version that renames one must coalesce here.
    """
    return {"title": KT("content__title"), "period_label": KT("content__period_label")}


def edition_snapshot(edition: QuarterlyUpdate) -> Snapshot:
    """The edition's content now, as JSON-ready data (ten queries, eleven with a meeting
    not already fetched with the edition)."""
    recommendations = list(
        Recommendation.objects.prefetch_related("addressed_to").order_by("number")
    )
    statuses = _statuses(edition)
    bullets = list(
        ProgressUpdate.objects.filter(edition=edition).order_by("parent_id", "position", "pk")
    )
    generated_lists = {
        ProgressUpdate.Source.MEMBER_LIST: [
            member.listing_label
            for member in Member.objects.serving_on(edition.period).in_listing_order()
        ],
        ProgressUpdate.Source.AREA_LIST: [f"{area.name}." for area in Area.objects.all()],
    }
    return {
        "schema_version": SCHEMA_VERSION,
        "slug": edition.slug,
        "title": edition.title,
        "series": edition.series,
        "period": edition.period.isoformat(),
        "period_label": edition.period_label,
        "publisher": edition.publisher.name,
        "foreword": {
            "heading": edition.foreword_heading,
            "paragraphs": edition.foreword_paragraphs,
            "signature_description": edition.signature_description,
            "signatory_name": edition.signatory_name,
            "signatory_role": edition.signatory_role,
        },
        "sections": _sections(recommendations, bullets, generated_lists, statuses),
        "reports_on_meeting": _meeting(edition),
        "forces": published_facts("forces"),
        "meetings_held": [
            {"date": meeting.date.isoformat(), "label": meeting.date_label}
            for meeting in Meeting.objects.filter(status=Meeting.Status.HELD).order_by("date")
        ],
    }


class _Status(TypedDict):
    status: str
    status_label: str
    confidence: str
    confidence_label: str
    status_reason: str


def _statuses(edition: QuarterlyUpdate) -> dict[int, _Status]:
    """Each recommendation's status in the edition, by number (two queries).

    Set in the edition, or carried from the previous published edition (delivery status only:
    confidence and its reason are the edition's own judgement), else not started.
    """
    statuses = carried_statuses(edition)
    for row in SectionStatus.objects.filter(edition=edition).select_related("recommendation"):
        statuses[row.recommendation.number] = {
            **_status(row.status),
            "confidence": row.confidence,
            "confidence_label": row.get_confidence_display() if row.confidence else "",
            "status_reason": row.reason,
        }
    return statuses


def carried_statuses(edition: QuarterlyUpdate) -> dict[int, _Status]:
    """Each recommendation's delivery status in the previous published edition, by number:
    what this edition reports where it sets none (one query)."""
    previous = (
        Publication.objects.latest_per_edition()
        .filter(edition__period__lt=edition.period)
        .order_by("-edition__period")
        .values_list("content", flat=True)
        .first()
    )
    statuses: dict[int, _Status] = {}
    if previous is not None:
        for section in snapshot_read(previous)["sections"]:
            for rec in section["recommendations"]:
                statuses[rec["number"]] = {
                    **_status(rec["status"]),
                    "status_label": rec["status_label"],
                }
    return statuses


def _status(status: str) -> _Status:
    label = Recommendation.Status(status).label if status in Recommendation.Status else status
    return {
        "status": status,
        "status_label": label,
        "confidence": "",
        "confidence_label": "",
        "status_reason": "",
    }


def _meeting(edition: QuarterlyUpdate) -> MeetingSnapshot | None:
    meeting = edition.reports_on_meeting
    if meeting is None:
        return None
    return {"date": meeting.date.isoformat(), "label": meeting.date_label}


def _sections(
    recommendations: list[Recommendation],
    bullets: list[ProgressUpdate],
    generated_lists: dict[str, list[str]],
    statuses: dict[int, _Status],
) -> list[SectionSnapshot]:
    lead_of = {rec.pk: rec.reported_with_id or rec.pk for rec in recommendations}
    children = defaultdict(list)
    for bullet in bullets:  # parents sort first (NULL parent_id), so order within each is kept
        key = bullet.parent_id or ("section", lead_of.get(bullet.recommendation_id))
        children[key].append(bullet)

    def points(key) -> list[BulletSnapshot]:
        rendered = []
        for bullet in children.get(key, []):
            if bullet.source in generated_lists:
                rendered.extend(
                    {"text": text, "points": []} for text in generated_lists[bullet.source]
                )
            elif bullet.source == ProgressUpdate.Source.NO_UPDATE:
                rendered.append({"text": NO_UPDATE_TEXT, "points": []})
            else:
                rendered.append({"text": bullet.text, "points": points(bullet.pk)})
        return rendered

    sections = []
    for lead in (rec for rec in recommendations if rec.reported_with_id is None):
        members = [rec for rec in recommendations if lead_of[rec.pk] == lead.pk]
        numbers = [rec.number for rec in members]
        sections.append(
            {
                "anchor": "recommendation-" + "-".join(str(number) for number in numbers),
                "heading": section_heading(numbers),
                "numbers": numbers,
                "recommendations": [
                    {
                        "number": rec.number,
                        "title": rec.title,
                        "text": rec.text,
                        "addressed_to": [org.name for org in rec.addressed_to.all()],
                        "due_by": rec.due_by.isoformat() if rec.due_by else None,
                        **statuses.get(rec.number, _status(Recommendation.Status.NOT_STARTED)),
                    }
                    for rec in members
                ],
                "bullets": points(("section", lead.pk)),
            }
        )
    return sections


def section_heading(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"Recommendation {numbers[0]}"
    listed = ", ".join(str(number) for number in numbers[:-1])
    return f"Recommendations {listed} and {numbers[-1]}"
