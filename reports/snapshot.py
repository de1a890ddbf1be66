"""An edition's content as plain data: what a publication freezes and every page renders.

The snapshot holds words, not references: the member list is the members' names as they were
when it was taken, so later edits to the records never reach a published page.
"""

from collections import defaultdict
from typing import Any

from oversight.models import Member
from recommendations.models import Area, Recommendation
from reports.models import ProgressUpdate, QuarterlyUpdate

SNAPSHOT_SCHEMA = 1
NO_UPDATE_TEXT = "No update this quarter."

Snapshot = dict[str, Any]


def edition_snapshot(edition: QuarterlyUpdate) -> Snapshot:
    """The edition's content now, as JSON-ready data (five queries)."""
    recommendations = list(Recommendation.objects.order_by("number"))
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
        "schema": SNAPSHOT_SCHEMA,
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
        "sections": _sections(recommendations, bullets, generated_lists),
    }


def _sections(
    recommendations: list[Recommendation],
    bullets: list[ProgressUpdate],
    generated_lists: dict[str, list[str]],
) -> list[dict[str, Any]]:
    lead_of = {rec.pk: rec.reported_with_id or rec.pk for rec in recommendations}
    children = defaultdict(list)
    for bullet in bullets:  # parents sort first (NULL parent_id), so order within each is kept
        key = bullet.parent_id or ("section", lead_of.get(bullet.recommendation_id))
        children[key].append(bullet)

    def points(key) -> list[dict[str, Any]]:
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
                "heading": _section_heading(numbers),
                "numbers": numbers,
                "recommendations": [
                    {
                        "number": rec.number,
                        "title": rec.title,
                        "text": rec.text,
                        "status": rec.status,
                        "status_label": rec.get_status_display(),
                    }
                    for rec in members
                ],
                "bullets": points(("section", lead.pk)),
            }
        )
    return sections


def _section_heading(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"Recommendation {numbers[0]}"
    listed = ", ".join(str(number) for number in numbers[:-1])
    return f"Recommendations {listed} and {numbers[-1]}"
