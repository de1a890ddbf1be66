"""Plan versions and statuses for many forces at once, from and to CSV or XLSX.

django-import-export gives the admin its import page: a dry run lists each row's changes and
errors before anything is saved, and the confirmed import runs in one transaction (all or
nothing). A new version goes through `action_plan_add_version`, which supersedes the force's
earlier ones; history records every row saved, with the importing user.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from import_export import fields, resources
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.widgets import DateWidget, ForeignKeyWidget

from forces.models import ActionPlan, Force
from forces.services import action_plan_add_version

COLUMNS = ("force", "version", "status", "provided_on", "summary")


class ForceWidget(ForeignKeyWidget):
    """A force by its slug, for example `gwent-police`; an unknown one is the row's error."""

    def __init__(self) -> None:
        super().__init__(Force, field="slug")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Force | None:
        try:
            return super().clean(value, row, **kwargs)
        except Force.DoesNotExist:
            raise ValueError(
                f"There is no force “{value}”: use its slug, for example gwent-police."
            ) from None


class StrictDateWidget(DateWidget):
    """Dates as 2014-12-31 (a spreadsheet's own dates are read too)."""

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> datetime.date | None:
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(f"“{value}” is not a date: write it as 2014-12-31.") from None


class ActionPlanResource(resources.ModelResource):
    force = fields.Field(attribute="force", column_name="force", widget=ForceWidget())
    provided_on = fields.Field(
        attribute="provided_on", column_name="provided_on", widget=StrictDateWidget()
    )

    class Meta:
        model = ActionPlan
        fields = COLUMNS
        export_order = COLUMNS
        import_id_fields = ("force", "version")
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    def import_data(self, dataset, *args: Any, **kwargs: Any):
        # All or nothing: a row refused by validation undoes the rows before it too.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, *args, **kwargs)

    def before_import(self, dataset, **kwargs: Any) -> None:
        self._seen: set[tuple[str, str]] = set()

    def before_import_row(self, row, **kwargs: Any) -> None:
        key = (str(row.get("force") or "").strip(), str(row.get("version") or "").strip())
        if key in self._seen:
            raise ValidationError(
                f"Version {key[1]} of {key[0]} is in the file twice: keep one of the rows."
            )
        self._seen.add(key)

    def import_instance(self, instance, row, **kwargs: Any) -> None:
        super().import_instance(instance, row, **kwargs)
        if instance.status not in ActionPlan.Status.values:
            raise ValidationError(
                {
                    "status": f"“{instance.status}” is not a status: use one of "
                    + ", ".join(ActionPlan.Status.values)
                    + "."
                }
            )

    def do_instance_save(self, instance: ActionPlan, is_create: bool) -> None:
        # The one way a version is added: it supersedes the force's earlier ones.
        if is_create:
            action_plan_add_version(plan=instance)
        else:
            instance.save()


class ActionPlanImportExport(ImportExportMixin):
    """The plans' admin: import and export plan versions as CSV or XLSX."""

    resource_classes = (ActionPlanResource,)
    formats = (CSV, XLSX)
