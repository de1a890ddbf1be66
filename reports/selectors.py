"""Reads of published editions, for every page built from them (here and in other apps' pages).

Public pages read publications only, never the live records: a draft or a correction in
progress stays out of them. Each selector is one query.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef
from django.db.models.fields.json import KT

from reports.models import Publication, PublicationQuerySet, QuarterlyUpdate
from reports.snapshot import (
    NO_UPDATE_TEXT,
    RecommendationSnapshot,
    SectionSnapshot,
    Snapshot,
    listing_fields,
    snapshot_read,
)


def published_listing() -> PublicationQuerySet:
    """Each edition's current publication, newest edition first, with its title and period.

    For lists: the stored content and page are left in the database.
    """
    return (
        Publication.objects.latest_per_edition()
        .annotate(**listing_fields())
        .select_related("edition")
        .defer("content", "body_html")
        .order_by("-edition__period")
    )


def latest_publication() -> Publication | None:
    """The current publication of the newest published edition, for the home page."""
    return published_listing().first()


def current_publication(slug: str) -> Publication | None:
    """The edition's latest revision, content included, with its edition; None if unpublished."""
    return (
        Publication.objects.filter(edition__slug=slug)
        .select_related("edition")
        .order_by("-revision")
        .first()
    )


def previous_publication(edition: QuarterlyUpdate) -> Publication | None:
    """The current publication of the newest edition published before `edition`'s period."""
    return (
        Publication.objects.latest_per_edition()
        .filter(edition__period__lt=edition.period)
        .select_related("edition")
        .order_by("-edition__period")
        .first()
    )


def publication_revisions(slug: str) -> list[Publication]:
    """Every revision of an edition, newest first, for its page and change history.

    Each has its title, period, publisher, the meeting it reports on, and `has_previous` (an earlier edition is
    published, so there is a changes page); the stored content stays in the database.
    """
    return list(
        Publication.objects.filter(edition__slug=slug)
        .annotate(
            **listing_fields(),
            publisher=KT("content__publisher"),
            reports_on_meeting=KT("content__reports_on_meeting__label"),
            has_previous=Exists(
                Publication.objects.filter(edition__period__lt=OuterRef("edition__period"))
            ),
        )
        .defer("content")
        .order_by("-revision")
    )


@dataclass(frozen=True)
class PublishedEdition:
    """An edition as its current publication has it: for the open data."""

    slug: str
    revision: int  # also how many revisions it has: they are numbered from 1
    first_published_at: datetime.datetime
    last_updated_at: datetime.datetime
    content: Snapshot


def published_editions() -> list[PublishedEdition]:
    """Each published edition's current publication, oldest edition first (one query)."""
    publications = (
        Publication.objects.latest_per_edition()
        .select_related("edition")
        .only("revision", "published_at", "content", "edition__slug", "edition__published_at")
        .order_by("edition__period")
    )
    return [
        PublishedEdition(
            slug=publication.edition.slug,
            revision=publication.revision,
            first_published_at=publication.edition.published_at,
            last_updated_at=publication.published_at,
            content=snapshot_read(publication.content),
        )
        for publication in publications
    ]


def publications_version() -> tuple[int, datetime.datetime | None]:
    """(the newest publication's id, when the newest was published or any withdrawn): what
    the open data is made of changes exactly when these do. (0, None) before anything is
    published. One query."""
    latest = Publication.objects.aggregate(
        latest=Max("pk"), published=Max("published_at"), withdrawn=Max("withdrawn_at")
    )
    updated = max(filter(None, (latest["published"], latest["withdrawn"])), default=None)
    return latest["latest"] or 0, updated


def shared_draft() -> QuarterlyUpdate | None:
    """The newest draft (or correction) the secretariat has shared with the group for comment."""
    return (
        QuarterlyUpdate.objects.editable()
        .filter(shared_at__isnull=False)
        .order_by("-period")
        .first()
    )


def latest_snapshot() -> Snapshot | None:
    """The content of the newest published edition's current publication; None before any."""
    content = (
        Publication.objects.latest_per_edition()
        .order_by("-edition__period")
        .values_list("content", flat=True)
        .first()
    )
    return None if content is None else snapshot_read(content)


@dataclass(frozen=True)
class RecommendationInEdition:
    """One recommendation as one published edition had it, with the section that reported it."""

    slug: str
    title: str
    period_label: str
    published_at: datetime.datetime
    updated_at: datetime.datetime | None  # when corrected since it was first published
    recommendation: RecommendationSnapshot
    section: SectionSnapshot

    @property
    def reported_progress(self) -> bool:
        """The section said something this quarter (not only "No update this quarter.")."""
        return any(bullet["text"] != NO_UPDATE_TEXT for bullet in self.section["bullets"])


def recommendation_timelines(
    editions: list[PublishedEdition],
) -> dict[int, list[RecommendationInEdition]]:
    """Each recommendation number -> what each of `editions` published on it, oldest first.

    Made from `published_editions()` (no query of its own); an edition whose snapshot lacks a
    number (added since) is left out of that number's timeline.
    """
    timelines: dict[int, list[RecommendationInEdition]] = defaultdict(list)
    for edition in editions:
        for section in edition.content["sections"]:
            for rec in section["recommendations"]:
                timelines[rec["number"]].append(
                    RecommendationInEdition(
                        slug=edition.slug,
                        title=edition.content["title"],
                        period_label=edition.content["period_label"],
                        published_at=edition.first_published_at,
                        updated_at=(edition.last_updated_at if edition.revision > 1 else None),
                        recommendation=rec,
                        section=section,
                    )
                )
    return dict(timelines)
