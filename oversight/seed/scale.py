"""Synthetic data at N times the seed, for measuring pages at scale (`generate_scale_data`).

Everything is made with bulk inserts (and, for the models with history, their history rows
in bulk too), from a `random.Random(seed)`: the same factor and seed give the same records.
Dates are worked out from fixed dates, not from today. Only the database's own timestamps
(`created_at`-style fields set on insert) differ between two runs.

Every record it makes is recognisable: usernames, force slugs and organisation names start
with `scale-` / "Scale ", editions are in the series `SCALE_SERIES`. `real_data_found` says
what a database holds beyond the seed, the demo logins and such records, so that the command
can refuse to mix synthetic records into real ones.

The editions are made first, so that each publication freezes the seed's eleven
recommendations and members, as a real quarterly update would; the synthetic
recommendations and members come after, for the pages that list them.
"""

import datetime
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from forces import review_outcomes
from forces.models import (
    ActionPlan,
    AreaRating,
    Force,
    ForceConflict,
    ModeratedAreaRating,
    PlanAction,
    PlanModeration,
    PlanReview,
    ReviewAssignment,
    ReviewReopening,
)
from oversight.models import LoadedRecord, Meeting, MeetingAction, Member, Organisation
from oversight.permissions import role_groups_sync
from oversight.personal_pages import MEMBERS_DASHBOARD, PLANS_SUMMARY, page_version_bump
from oversight.seed.demo_users import DEMO_USERS
from oversight.signed_in import accounts_changed
from recommendations.models import Area, Recommendation
from reports.models import ProgressUpdate, Publication, QuarterlyUpdate
from reports.search import search_passages_rebuild_all
from reports.services import edition_body_render
from reports.snapshot import edition_snapshot

PREFIX = "scale-"
SCALE_SERIES = "Synthetic scale data"
BATCH_SIZE = 2000
COPY_BATCH_SIZE = 20000
FIRST_PERIOD = datetime.date(2015, 3, 1)
FIRST_MEETING = datetime.date(2015, 1, 14)
PLAN_VERSIONS = 3  # each synthetic force has provided three versions of its plan
REVIEWERS_PER_PLAN = 2
ACTIONS_PER_PLAN = 5  # one per working-group area
# Per unit of the factor, roughly what the seed has: 11 recommendations, 43 forces, the
# group's members and organisations, a few meetings a year.
PER_FACTOR = {
    "editions": 1,
    "recommendations": 11,
    "forces": 43,
    "organisations": 10,
    "members": 15,
    "meetings": 4,
}
ACTIONS_PER_MEETING = 5
ATTENDEES_PER_MEETING = 12
# Unusable for signing in: these logins exist to own reviews, not to be used.
UNUSABLE_PASSWORD = make_password(None)

Progress = Callable[[str, int, int], None]


class ScaleDataRefused(Exception):
    """The database holds records this command must not mix synthetic ones into."""


@dataclass
class Made:
    """How many records of each kind were made, in the order they were made."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, label: str, count: int) -> None:
        self.counts[label] = self.counts.get(label, 0) + count


def real_data_found() -> list[str]:
    """What the database holds beyond the seed, the demo logins and synthetic records.

    Each entry names a kind of record and how many, e.g. "3 logins". Empty: safe to fill.
    """
    user_model = get_user_model()
    found = {
        "logins": user_model.objects.exclude(username__in=DEMO_USERS)
        .exclude(username__startswith=PREFIX)
        .count(),
        "plan reviews": PlanReview.objects.exclude(reviewer__username__startswith=PREFIX).count(),
        "publications": Publication.objects.exclude(edition__series=SCALE_SERIES)
        .exclude(edition__in=_loaded_ids(QuarterlyUpdate))
        .count(),
        "meetings": Meeting.objects.exclude(focus__startswith=PREFIX)
        .exclude(pk__in=_loaded_ids(Meeting))
        .count(),
    }
    return [f"{count} {label}" for label, count in found.items() if count]


def _loaded_ids(model: type[models.Model]) -> models.QuerySet:
    """The ids of the rows of `model` that the seed load made (`LoadedRecord`)."""
    return LoadedRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(model)
    ).values("object_id")


def synthetic_data_found() -> bool:
    return Force.objects.filter(slug__startswith=PREFIX).exists()


def _batches(items: Sequence[Any], size: int = BATCH_SIZE) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Generator:
    """Makes the records, kind by kind, reporting progress after each batch."""

    def __init__(self, *, factor: int, seed: int, progress: Progress) -> None:
        self.factor = factor
        self.random = random.Random(seed)  # noqa: S311 synthetic test data, reproducible on purpose
        self.progress = progress
        self.made = Made()
        self.areas = list(Area.objects.order_by("position", "name"))
        if not self.areas:
            raise ScaleDataRefused("No working-group areas: run `manage.py load_hmic_2014` first.")
        self.publisher = Organisation.objects.order_by("pk").first()
        if self.publisher is None:
            raise ScaleDataRefused("No organisations: run `manage.py load_hmic_2014` first.")
        self.when = timezone.make_aware(datetime.datetime(2015, 1, 1, 9, 0))

    def count(self, kind: str) -> int:
        return PER_FACTOR[kind] * self.factor

    def insert(self, label: str, model: type[models.Model], objects: list[Any]) -> list[Any]:
        """Bulk insert, with history rows where the model keeps history."""
        has_history = hasattr(model._meta, "simple_history_manager_attribute")
        done = 0
        for batch in _batches(objects):
            if has_history:
                bulk_create_with_history(
                    list(batch), model, batch_size=BATCH_SIZE, default_date=self.when
                )
            else:
                model.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            done += len(batch)
            self.progress(label, done, len(objects))
        self.made.add(label, len(objects))
        return objects

    def copy(self, label: str, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
        """Insert rows with PostgreSQL's COPY, for the largest tables, whose ids nothing needs.

        Each row names its fields by attribute (`review_id`); a field left out takes its
        default, and a field set on insert (`auto_now_add`) the generator's fixed time. On
        another database it falls back to `bulk_create`.
        """
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        if connection.vendor != "postgresql":
            self.insert(label, model, [model(**row) for row in rows])
            return

        def value(field: models.Field, row: dict[str, Any]) -> Any:
            if field.attname in row:
                return row[field.attname]
            if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
                return self.when
            return field.get_default()

        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        done = 0
        with connection.cursor() as cursor:
            for batch in _batches(rows, COPY_BATCH_SIZE):
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row([value(field, row) for field in fields])
                done += len(batch)
                self.progress(label, done, len(rows))
        self.made.add(label, len(rows))

    def review_outcomes(self) -> None:
        """Each plan's review status and counted ratings: bulk inserts send no signals."""
        review_outcomes.refresh_all(
            progress=lambda done, total: self.progress("review outcomes", done, total)
        )
        page_version_bump(MEMBERS_DASHBOARD)
        page_version_bump(PLANS_SUMMARY)
        accounts_changed()  # the logins, members and group memberships made in bulk

    # ---- The kinds of record, in the order they are made ----

    def editions(self) -> None:
        recommendations = list(Recommendation.objects.order_by("number"))
        editions = []
        for index in range(self.count("editions")):
            month = FIRST_PERIOD.month - 1 + 3 * index
            period = datetime.date(FIRST_PERIOD.year + month // 12, month % 12 + 1, 1)
            published_at = timezone.make_aware(
                datetime.datetime.combine(period, datetime.time(10)) + datetime.timedelta(days=45)
            )
            editions.append(
                QuarterlyUpdate(
                    series=SCALE_SERIES,
                    period=period,
                    slug=f"{period:%Y-%m}",
                    publisher=self.publisher,
                    foreword=f"Synthetic foreword for {period:%B %Y}.\n\nA second paragraph.",
                    signatory_name="A. N. Other",
                    signatory_role="Home Secretary",
                    status=QuarterlyUpdate.Status.PUBLISHED,
                    published_at=published_at,
                )
            )
        self.insert("editions", QuarterlyUpdate, editions)
        bullets = []
        for edition in editions:
            for recommendation in recommendations:
                if recommendation.reported_with_id is not None:
                    continue
                for position in range(self.random.randint(1, 3)):
                    bullets.append(
                        ProgressUpdate(
                            edition=edition,
                            recommendation=recommendation,
                            position=position,
                            source=ProgressUpdate.Source.WRITTEN,
                            text=(
                                f"Progress on recommendation {recommendation.number} in "
                                f"{edition.period:%B %Y}: {self.random.randint(1, 43)} forces "
                                "have trained their call handlers."
                            ),
                        )
                    )
        self.insert("bullets", ProgressUpdate, bullets)
        publications = []
        for done, edition in enumerate(editions, start=1):
            content = edition_snapshot(edition)
            publications.append(
                Publication(
                    edition=edition,
                    revision=1,
                    published_at=edition.published_at,
                    content=content,
                    body_html=edition_body_render(content),
                )
            )
            self.progress("publications (rendered)", done, len(editions))
        self.insert("publications", Publication, publications)
        search_passages_rebuild_all()

    def recommendations(self) -> None:
        start = (Recommendation.objects.aggregate(last=models.Max("number"))["last"] or 0) + 1
        statuses = Recommendation.Status.values
        self.insert(
            "recommendations",
            Recommendation,
            [
                Recommendation(
                    number=number,
                    title=f"Synthetic recommendation {number}",
                    text=f"By {2015 + number % 10}, every force should review case {number}.",
                    due_by=datetime.date(2015 + number % 10, 1 + number % 12, 1),
                    status=self.random.choice(statuses),
                )
                for number in range(start, start + self.count("recommendations"))
            ],
        )

    def members(self) -> None:
        sectors = Organisation.Sector.values
        organisations = self.insert(
            "organisations",
            Organisation,
            [
                Organisation(
                    name=f"Scale organisation {index:05d}",
                    abbreviation=f"SO{index}",
                    sector=sectors[index % len(sectors)],
                )
                for index in range(self.count("organisations"))
            ],
        )
        user_model = get_user_model()
        users = self.insert(
            "logins",
            user_model,
            [
                user_model(
                    username=f"{PREFIX}member-{index:05d}",
                    email=f"{PREFIX}member-{index:05d}@example.org",
                    password=UNUSABLE_PASSWORD,
                    is_active=True,
                )
                for index in range(self.count("members"))
            ],
        )
        secretariat_group, members_group = role_groups_sync()
        self.secretariat = user_model(
            username=f"{PREFIX}secretariat",
            email=f"{PREFIX}secretariat@example.org",
            password=UNUSABLE_PASSWORD,
            is_staff=True,
        )
        self.insert("logins", user_model, [self.secretariat])
        membership = members_group.user_set.through
        membership.objects.bulk_create(
            [
                *(membership(user=user, group=members_group) for user in users),
                membership(user=self.secretariat, group=secretariat_group),
            ],
            batch_size=BATCH_SIZE,
        )
        self.members_made = self.insert(
            "members",
            Member,
            [
                Member(
                    name=f"Synthetic Member {index:05d}",
                    role="Member",
                    organisation=self.random.choice(organisations),
                    display_order=1000 + index % 30000,
                    email=user.email,
                    user=user,
                    joined_on=datetime.date(2015, 1, 1),
                )
                for index, user in enumerate(users)
            ],
        )
        self.reviewers = users

    def forces(self) -> None:
        forces = self.insert(
            "forces",
            Force,
            [
                Force(
                    name=f"Synthetic Force {index:05d}",
                    slug=f"{PREFIX}force-{index:05d}",
                    nation=Force.Nation.WALES if index % 11 == 0 else Force.Nation.ENGLAND,
                )
                for index in range(self.count("forces"))
            ],
        )
        plans = []
        for force in forces:
            for version in range(1, PLAN_VERSIONS + 1):
                current = version == PLAN_VERSIONS
                plans.append(
                    ActionPlan(
                        force=force,
                        version=version,
                        provided_on=datetime.date(2015, 1, 1)
                        + datetime.timedelta(days=120 * version + self.random.randint(0, 60)),
                        status=(
                            ActionPlan.Status.PROVIDED if current else ActionPlan.Status.SUPERSEDED
                        ),
                        summary=f"Version {version} of the plan of {force.name}.",
                    )
                )
        self.insert("plan versions", ActionPlan, plans)
        self.copy(
            "plan actions",
            PlanAction,
            [
                {
                    "plan_id": plan.pk,
                    "area_id": area.pk,
                    "description": f"{plan.force.name}, v{plan.version}: act on {area.name}.",
                    "position": position,
                }
                for plan in plans
                for position, area in enumerate(self.areas[:ACTIONS_PER_PLAN])
            ],
        )
        self.plans = plans

    def reviewers_for(self, plan: ActionPlan) -> list[Any]:
        """Two reviewers, neither with a declared conflict with the plan's force."""
        while True:
            chosen = self.random.sample(self.reviewers, REVIEWERS_PER_PLAN)
            if not any((user.pk, plan.force_id) in self.conflicted for user in chosen):
                return chosen

    def reviews(self) -> None:
        judgements = PlanReview.Judgement.values
        ratings = PlanReview.Rating.values
        assignments, reviews = [], []
        for plan in self.plans:
            for reviewer in self.reviewers_for(plan):
                current = plan.status != ActionPlan.Status.SUPERSEDED
                if current:
                    assignments.append(
                        ReviewAssignment(
                            plan=plan,
                            reviewer=reviewer,
                            due_on=plan.provided_on + datetime.timedelta(days=60),
                        )
                    )
                submitted = not current or self.random.random() < 0.7
                reviews.append(
                    PlanReview(
                        plan=plan,
                        reviewer=reviewer,
                        status=PlanReview.Status.SUBMITTED if submitted else "draft",
                        version=1,
                        overall_judgement=self.random.choice(judgements),
                        leadership_rating=self.random.choice(ratings),
                        leadership_comment="A chief officer leads the work.",
                        strengths="Clear training plan.",
                        gaps="No dates for refreshers.",
                        advice="Set the dates.",
                        submitted_at=(
                            timezone.make_aware(
                                datetime.datetime.combine(plan.provided_on, datetime.time(12))
                            )
                            + datetime.timedelta(days=30)
                            if submitted
                            else None
                        ),
                    )
                )
        self.insert("assignments", ReviewAssignment, assignments)
        self.reviews_made = self.insert("reviews", PlanReview, reviews)
        self.copy(
            "area ratings",
            AreaRating,
            [
                {
                    "review_id": review.pk,
                    "area_id": area.pk,
                    "rating": self.random.choice(ratings),
                    "comment": f"{area.name}: some dates missing.",
                }
                for review in reviews
                for area in self.areas
            ],
        )

    def conflicts(self) -> None:
        """Each member declares a conflict with one force; reviews() never assigns them it."""
        forces = [plan.force for plan in self.plans if plan.version == PLAN_VERSIONS]
        conflicts = self.insert(
            "force conflicts",
            ForceConflict,
            [
                ForceConflict(
                    member=member,
                    force=self.random.choice(forces),
                    reason="Sits on the force's domestic abuse board.",
                )
                for member in self.members_made
            ],
        )
        self.conflicted = {(c.member.user_id, c.force.pk) for c in conflicts}

    def moderation(self) -> None:
        """An agreed outcome for every fourth current plan whose two reviews are in; a
        reopening (then submitted again) for every fiftieth review."""
        judgements = PlanReview.Judgement.values
        ratings = PlanReview.Rating.values
        submitted_by_plan: dict[int, int] = {}
        for review in self.reviews_made:
            if review.status == PlanReview.Status.SUBMITTED:
                submitted_by_plan[review.plan_id] = submitted_by_plan.get(review.plan_id, 0) + 1
        moderated = [
            plan
            for plan in self.plans
            if plan.version == PLAN_VERSIONS
            and plan.force_id % 4 == 0
            and submitted_by_plan.get(plan.pk) == REVIEWERS_PER_PLAN
        ]
        moderations = self.insert(
            "moderated outcomes",
            PlanModeration,
            [
                PlanModeration(
                    plan=plan,
                    overall_judgement=self.random.choice(judgements),
                    leadership_rating=self.random.choice(ratings),
                    note="Agreed with both reviewers at the meeting.",
                    decided_by=self.secretariat,
                    decided_at=self.when,
                )
                for plan in moderated
            ],
        )
        self.copy(
            "moderated area ratings",
            ModeratedAreaRating,
            [
                {
                    "moderation_id": moderation.pk,
                    "area_id": area.pk,
                    "rating": self.random.choice(ratings),
                }
                for moderation in moderations
                for area in self.areas
            ],
        )
        self.insert(
            "review reopenings",
            ReviewReopening,
            [
                ReviewReopening(
                    review=review,
                    reopened_by=self.secretariat,
                    reopened_at=self.when,
                    reason="Please rate Risk Assessment again.",
                )
                for review in self.reviews_made[::50]
                if review.status == PlanReview.Status.SUBMITTED
            ],
        )

    def meetings(self) -> None:
        meetings = self.insert(
            "meetings",
            Meeting,
            [
                Meeting(
                    date=FIRST_MEETING + datetime.timedelta(days=91 * index),
                    status=Meeting.Status.HELD,
                    focus=f"{PREFIX}meeting {index}: progress on the force plans",
                    agenda="Minutes of the last meeting\nForce action plans\nAny other business",
                    decisions="Agreed the next steps.",
                )
                for index in range(self.count("meetings"))
            ],
        )
        attendance = Meeting.attendees.through
        self.copy(
            "meeting attendances",
            attendance,
            [
                {"meeting_id": meeting.pk, "member_id": member.pk}
                for meeting in meetings
                for member in self.random.sample(self.members_made, ATTENDEES_PER_MEETING)
            ],
        )
        self.insert(
            "meeting actions",
            MeetingAction,
            [
                MeetingAction(
                    meeting=meeting,
                    what=f"Action {number} of the meeting on {meeting.date:%d %B %Y}",
                    owner_member=self.random.choice(self.members_made),
                    due_on=meeting.date + datetime.timedelta(days=60),
                    done=number % 2 == 0,
                    done_on=meeting.date + datetime.timedelta(days=30) if number % 2 == 0 else None,
                )
                for meeting in meetings
                for number in range(1, ACTIONS_PER_MEETING + 1)
            ],
        )


@transaction.atomic
def scale_data_generate(*, factor: int, seed: int, force: bool, progress: Progress) -> Made:
    """Fill the database with `factor` times the seed's records; all or nothing.

    Refused (`ScaleDataRefused`) when the database holds real data (unless `force`), or
    synthetic data from an earlier run (always: generate into a fresh database).
    """
    if factor < 1:
        raise ScaleDataRefused("The factor must be 1 or more.")
    if synthetic_data_found():
        raise ScaleDataRefused(
            "This database holds generated data already: generate into a fresh database."
        )
    found = real_data_found()
    if found and not force:
        raise ScaleDataRefused(
            "This database holds real data ("
            + ", ".join(found)
            + "): use a fresh database (with only `manage.py load_hmic_2014`), or --force."
        )
    generator = Generator(factor=factor, seed=seed, progress=progress)
    generator.editions()
    generator.recommendations()
    generator.members()
    generator.forces()
    generator.conflicts()
    generator.reviews()
    generator.moderation()
    generator.meetings()
    generator.review_outcomes()
    return generator.made
