"""Put the December 2014 update report and the 43 forces into the database, safely repeatable.

Each seeded row is remembered in `LoadedRecord` under a stable key (“member:zoe-billingham”,
“bullet:2014-12:rec4:1”). Running the load again never overwrites or recreates anything: a row
that still matches the seed is “unchanged”, a row staff have edited is kept as it is and
listed, and a row staff have deleted stays deleted.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.text import slugify

from forces.models import ActionPlan, Force
from oversight.models import LoadedRecord, Meeting, Member, Organisation
from oversight.seed import hmic_2014
from recommendations.models import Area, Recommendation
from reports.models import ProgressUpdate, QuarterlyUpdate, SectionStatus
from reports.services import edition_approval_record_historical, edition_publish

# The order rows are loaded in: each model's foreign keys point at models loaded before it.
LOAD_ORDER: tuple[type[models.Model], ...] = (
    Organisation,
    Member,
    Meeting,
    Area,
    Recommendation,
    Force,
    ActionPlan,
    QuarterlyUpdate,
    ProgressUpdate,
    SectionStatus,
)

# Rows of these models are adopted by the very fields their unique constraints cover, so the
# loader never creates one that clashes; their field values are still checked, and the
# database constraints still apply, but the per-row validation queries (about ten a row) are
# skipped.
CLASHES_RULED_OUT_BY_ADOPTION: frozenset[type[models.Model]] = frozenset(
    {ActionPlan, ProgressUpdate, SectionStatus}
)


class SeedLoadError(Exception):
    """A seeded row could not be saved, for example because it clashes with a staff edit."""


@dataclass
class ModelTally:
    """What happened to one model's seeded rows."""

    label: str
    created: int = 0
    unchanged: int = 0
    kept: int = 0
    deleted: int = 0
    skipped: int = 0
    adopted: int = 0  # rows that existed before their first load; also counted as unchanged or kept

    def line(self) -> str:
        line = (
            f"{self.label}: {self.created} created, {self.unchanged} unchanged, "
            f"{self.kept} kept (edited since loading), "
            f"{self.deleted} deleted since loading (not recreated)"
        )
        if self.skipped:
            line += f", {self.skipped} skipped (they need a deleted record)"
        if self.adopted:
            line += f"; {self.adopted} already existed and were adopted"
        return line


@dataclass
class LoadReport:
    """The outcome of a load, per model, with the rows left alone and why."""

    tallies: dict[type[models.Model], ModelTally] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)

    def tally(self, model: type[models.Model]) -> ModelTally:
        if model not in self.tallies:
            label = str(model._meta.verbose_name_plural).capitalize()
            self.tallies[model] = ModelTally(label=label)
        return self.tallies[model]

    @property
    def created(self) -> int:
        return sum(tally.created for tally in self.tallies.values())

    def lines(self) -> list[str]:
        lines = [tally.line() for tally in self.tallies.values()]
        if self.created:
            lines.append(f"Created {_records(self.created)}.")
        else:
            lines.append("Nothing created: every seeded record was loaded before.")
        lines.extend(f"Published {title}." for title in self.published)
        if self.kept:
            lines.append(
                f"Kept {_records(len(self.kept))} edited since the last load (not overwritten):"
            )
            lines.extend(f"  {description}" for description in self.kept)
        if self.deleted:
            lines.append(f"Not recreated {_records(len(self.deleted))} deleted since loading:")
            lines.extend(f"  {key}" for key in self.deleted)
        if self.skipped:
            lines.append(f"Skipped {_records(len(self.skipped))} that need a deleted record:")
            lines.extend(f"  {description}" for description in self.skipped)
        return lines


def _records(count: int) -> str:
    return f"{count} record" if count == 1 else f"{count} records"


@dataclass(frozen=True)
class _Missing:
    """Stands in for a seeded row that staff deleted, where another row points at it."""

    key: str


class _Loader:
    """Applies the create / adopt / compare rules to one seed row at a time."""

    def __init__(self) -> None:
        self.report = LoadReport()
        self.records: dict[str, LoadedRecord] = {
            record.key: record for record in LoadedRecord.objects.all()
        }
        # Seed key -> its row, or None if deleted since loading (or skipped).
        self.rows: dict[str, models.Model | None] = {}
        self.existing: dict[type[models.Model], dict[Any, models.Model]] = {}
        # Models with rows no load has recorded: only these need a natural-key lookup.
        self.has_unrecorded_rows: set[type[models.Model]] = set()
        self.new_records: list[LoadedRecord] = []

    def prefetch(self, queryset: models.QuerySet) -> None:
        """Fetch, in one query, every row of this model that an earlier load recorded."""
        content_type = ContentType.objects.get_for_model(queryset.model)
        ids = [
            record.object_id
            for record in self.records.values()
            if record.content_type_id == content_type.pk
        ]
        self.existing[queryset.model] = queryset.in_bulk(ids)
        if queryset.model._default_manager.exclude(pk__in=ids).exists():
            self.has_unrecorded_rows.add(queryset.model)

    def ref(self, key: str) -> Any:
        """The row loaded for `key`, or a `_Missing` marker if staff deleted it."""
        row = self.rows[key]
        return _Missing(key) if row is None else row

    def refs(self, keys: Iterable[str]) -> list[models.Model]:
        return [row for key in keys if (row := self.rows[key]) is not None]

    def sync(
        self,
        key: str,
        model: type[models.Model],
        *,
        values: dict[str, Any],
        natural_key: dict[str, Any] | None = None,
        many_to_many: dict[str, list[models.Model]] | None = None,
    ) -> models.Model | None:
        many_to_many = many_to_many or {}
        tally = self.report.tally(model)
        record = self.records.get(key)
        if record is not None:
            row = self.existing[model].get(record.object_id)
            if row is None:
                tally.deleted += 1
                self.report.deleted.append(key)
                self.rows[key] = None
                return None
        else:
            row = self._natural_match(model, natural_key)
            if row is None:
                self.rows[key] = self._create(key, model, values, many_to_many)
                return self.rows[key]
            self._record(key, row)
            tally.adopted += 1
        changed = self._changed_fields(row, values, many_to_many)
        if changed:
            tally.kept += 1
            self.report.kept.append(f"{row} (changed: {', '.join(changed)})")
        else:
            tally.unchanged += 1
        self.rows[key] = row
        return row

    def _natural_match(
        self, model: type[models.Model], natural_key: dict[str, Any] | None
    ) -> models.Model | None:
        if not natural_key or model not in self.has_unrecorded_rows:
            return None
        if any(isinstance(value, _Missing) for value in natural_key.values()):
            return None
        return model._default_manager.filter(**natural_key).first()

    def _create(
        self,
        key: str,
        model: type[models.Model],
        values: dict[str, Any],
        many_to_many: dict[str, list[models.Model]],
    ) -> models.Model | None:
        missing = [value.key for value in values.values() if isinstance(value, _Missing)]
        if missing:
            self.report.tally(model).skipped += 1
            self.report.skipped.append(f"{key} (needs {', '.join(missing)})")
            return None
        row = model(**values)
        try:
            if model in CLASHES_RULED_OUT_BY_ADOPTION:
                foreign_keys = [f.name for f in model._meta.concrete_fields if f.is_relation]
                row.full_clean(
                    exclude=foreign_keys, validate_unique=False, validate_constraints=False
                )
            else:
                row.full_clean()
            row.save()
        except ValidationError as error:
            raise SeedLoadError(f"Cannot load {key}: {' '.join(error.messages)}") from error
        except IntegrityError as error:
            raise SeedLoadError(f"Cannot load {key}: {error}") from error
        for name, related in many_to_many.items():
            getattr(row, name).set(related)
        self._record(key, row)
        self.report.tally(model).created += 1
        return row

    def _record(self, key: str, row: models.Model) -> None:
        self.new_records.append(
            LoadedRecord(
                key=key, content_type=ContentType.objects.get_for_model(row), object_id=row.pk
            )
        )

    def save_records(self) -> None:
        LoadedRecord.objects.bulk_create(self.new_records, batch_size=500)

    def _changed_fields(
        self,
        row: models.Model,
        values: dict[str, Any],
        many_to_many: dict[str, list[models.Model]],
    ) -> list[str]:
        """The fields (by verbose name) where the row no longer says what the seed says."""
        changed = []
        for name, expected in values.items():
            model_field = row._meta.get_field(name)
            if model_field.is_relation:
                current = getattr(row, model_field.attname)
                expected = (
                    None if expected is None or isinstance(expected, _Missing) else expected.pk
                )
            else:
                current = getattr(row, name)
            if current != expected:
                changed.append(str(model_field.verbose_name))
        for name, related in many_to_many.items():
            current_ids = {other.pk for other in getattr(row, name).all()}
            if current_ids != {other.pk for other in related}:
                changed.append(str(row._meta.get_field(name).verbose_name))
        return changed


def _organisation_key(name: str) -> str:
    return f"organisation:{slugify(name)}"


def _load_organisations(loader: _Loader) -> None:
    loader.prefetch(Organisation.objects.all())
    for organisation in hmic_2014.ORGANISATIONS:
        loader.sync(
            _organisation_key(organisation["name"]),
            Organisation,
            values={
                "name": organisation["name"],
                "abbreviation": organisation["abbreviation"],
                "sector": organisation["sector"],
            },
            natural_key={"name": organisation["name"]},
        )


def _load_members(loader: _Loader) -> None:
    loader.prefetch(Member.objects.select_related("organisation"))
    for display_order, member in enumerate(hmic_2014.MEMBERS, start=1):
        organisation = member["organisation"]
        loader.sync(
            member["key"],
            Member,
            values={
                "name": member["name"],
                "honorific": member["honorific"],
                "role": member["role"],
                "organisation": loader.ref(_organisation_key(organisation))
                if organisation
                else None,
                "represents": member["represents"],
                "is_chair": member["is_chair"],
                "display_order": display_order,
                "joined_on": None,
                "left_on": None,
            },
        )


def _load_meetings(loader: _Loader) -> None:
    loader.prefetch(Meeting.objects.all())
    for meeting in hmic_2014.MEETINGS:
        loader.sync(
            meeting["key"],
            Meeting,
            values={
                "date": meeting["date"],
                "date_precision": meeting["date_precision"],
                "status": meeting["status"],
                "focus": meeting["focus"],
            },
        )


def _load_areas(loader: _Loader) -> None:
    loader.prefetch(Area.objects.all())
    for position, name in enumerate(hmic_2014.AREAS, start=1):
        slug = slugify(name)
        loader.sync(
            f"area:{slug}",
            Area,
            values={"name": name, "slug": slug, "position": position},
            natural_key={"slug": slug},
        )


def _load_recommendations(loader: _Loader) -> None:
    loader.prefetch(Recommendation.objects.prefetch_related("addressed_to"))
    for recommendation in hmic_2014.RECOMMENDATIONS:
        lead = recommendation["reported_with"]
        loader.sync(
            f"recommendation:{recommendation['number']}",
            Recommendation,
            values={
                "number": recommendation["number"],
                "title": recommendation["title"],
                "text": recommendation["text"],
                "due_by": recommendation["due_by"],
                "status": hmic_2014.RECOMMENDATION_STATUS,
                "reported_with": loader.ref(f"recommendation:{lead}") if lead else None,
            },
            natural_key={"number": recommendation["number"]},
            many_to_many={
                "addressed_to": loader.refs(
                    _organisation_key(name) for name in recommendation["addressed_to"]
                )
            },
        )


def _load_forces_and_plans(loader: _Loader) -> None:
    loader.prefetch(Force.objects.all())
    forces = hmic_2014.forces()
    for force in forces:
        slug = slugify(force["name"])
        loader.sync(
            f"force:{slug}",
            Force,
            values={"name": force["name"], "slug": slug, "nation": force["nation"].lower()},
            natural_key={"slug": slug},
        )
    loader.prefetch(ActionPlan.objects.select_related("force"))
    plan = hmic_2014.ACTION_PLAN
    for force in forces:
        slug = slugify(force["name"])
        force_row = loader.ref(f"force:{slug}")
        loader.sync(
            f"plan:{slug}:{plan['version']}",
            ActionPlan,
            values={
                "force": force_row,
                "version": plan["version"],
                "status": plan["status"],
                "provided_on": plan["provided_on"],
            },
            natural_key={"force": force_row, "version": plan["version"]},
        )


def _load_edition(loader: _Loader) -> None:
    loader.prefetch(QuarterlyUpdate.objects.all())
    edition = hmic_2014.EDITION
    loader.sync(
        f"edition:{edition['slug']}",
        QuarterlyUpdate,
        values={
            **edition,
            "publisher": loader.ref(_organisation_key(edition["publisher"])),
            "reports_on_meeting": loader.ref(hmic_2014.EDITION_REPORTS_ON_MEETING),
        },
        natural_key={"slug": edition["slug"]},
    )


def _load_bullets(loader: _Loader) -> None:
    loader.prefetch(ProgressUpdate.objects.all())
    edition_key = f"edition:{hmic_2014.EDITION_SLUG}"
    edition = loader.ref(edition_key)
    for section in hmic_2014.SECTIONS:
        number = section["recommendation"]
        recommendation = loader.ref(f"recommendation:{number}")
        for position, bullet in enumerate(section["bullets"], start=1):
            key = f"bullet:{hmic_2014.EDITION_SLUG}:rec{number}:{position}"
            common = {"edition": edition, "recommendation": recommendation}
            loader.sync(
                key,
                ProgressUpdate,
                values={
                    **common,
                    "parent": None,
                    "position": position,
                    "source": ProgressUpdate.Source.WRITTEN,
                    "text": bullet["text"],
                },
                natural_key={**common, "parent__isnull": True, "position": position},
            )
            parent = loader.ref(key)
            for sub_position, sub_point in enumerate(bullet.get("sub_points", ()), start=1):
                loader.sync(
                    f"{key}:{sub_position}",
                    ProgressUpdate,
                    values={
                        **common,
                        "parent": parent,
                        "position": sub_position,
                        "source": sub_point["source"],
                        "text": "",
                    },
                    natural_key={"parent": parent, "position": sub_position},
                )


def _load_section_statuses(loader: _Loader) -> None:
    """Each recommendation's status in the 2014 edition, as the report gave it."""
    loader.prefetch(SectionStatus.objects.all())
    edition = loader.ref(f"edition:{hmic_2014.EDITION_SLUG}")
    for recommendation in hmic_2014.RECOMMENDATIONS:
        number = recommendation["number"]
        common = {"edition": edition, "recommendation": loader.ref(f"recommendation:{number}")}
        loader.sync(
            f"status:{hmic_2014.EDITION_SLUG}:rec{number}",
            SectionStatus,
            values={
                **common,
                "status": hmic_2014.RECOMMENDATION_STATUS,
                "confidence": "",
                "reason": "",
            },
            natural_key=common,
        )


def _publish_edition(loader: _Loader) -> None:
    """Publish the 2014 edition as it was published then, unless it has been already."""
    edition = loader.rows.get(f"edition:{hmic_2014.EDITION_SLUG}")
    if edition is None or edition.is_published or edition.publications.exists():
        return
    # Signed off in 2014, outside this service: recorded as such, then published through the
    # same checks as any edition (approval of exactly this content included).
    edition_approval_record_historical(
        edition=edition,
        approved_at=hmic_2014.EDITION_PUBLISHED_AT,
        note="Published on GOV.UK in 2014, before this service: approved outside it.",
    )
    edition_publish(edition=edition, published_by=None, published_at=hmic_2014.EDITION_PUBLISHED_AT)
    loader.report.published.append(str(edition))


@transaction.atomic
def hmic_2014_load() -> LoadReport:
    """Load the December 2014 report and the 43 forces; create only what was never loaded."""
    loader = _Loader()
    for model in LOAD_ORDER:
        loader.report.tally(model)
    _load_organisations(loader)
    _load_members(loader)
    _load_meetings(loader)
    _load_areas(loader)
    _load_recommendations(loader)
    _load_forces_and_plans(loader)
    _load_edition(loader)
    _load_bullets(loader)
    _load_section_statuses(loader)
    _publish_edition(loader)
    loader.save_records()
    return loader.report
