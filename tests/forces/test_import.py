"""Importing plan versions for many forces: dry run, all or nothing, round trip, history."""

import io
import re

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forces.models import ActionPlan
from forces.resources import ActionPlanResource
from tests.forces.factories import ActionPlanFactory, ForceFactory

pytestmark = pytest.mark.django_db
HEADER = "force,version,status,provided_on,summary\n"


def _dataset(text: str) -> tablib.Dataset:
    return tablib.Dataset().load(text, format="csv")


@pytest.fixture
def forces():
    return ForceFactory(name="Gwent Police", slug="gwent-police"), ForceFactory(
        name="Kent Police", slug="kent-police"
    )


def _errors(result) -> list[str]:
    messages = [str(error.error) for row in result.rows for error in row.errors]
    messages += [str(row.error) for row in result.invalid_rows]
    return messages


def test_a_dry_run_lists_changes_and_saves_nothing(forces) -> None:
    ActionPlanFactory(force=forces[0], version=1, status="provided")
    csv = HEADER + "gwent-police,2,provided,2015-02-01,Refreshed\nkent-police,1,draft,,\n"

    result = ActionPlanResource().import_data(_dataset(csv), dry_run=True)

    assert not result.has_errors() and not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == ["new", "new"]
    assert ActionPlan.objects.count() == 1


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("nowhere-police,1,draft,,", "There is no force “nowhere-police”"),
        ("kent-police,1,draft,31/12/2014,", "is not a date"),
        ("kent-police,1,nonsense,,", "is not a status"),
    ],
)
def test_a_bad_row_is_reported_and_nothing_is_saved(forces, line, message) -> None:
    csv = HEADER + "gwent-police,1,draft,,\n" + line + "\n"

    result = ActionPlanResource().import_data(_dataset(csv), dry_run=False)

    assert any(message in error for error in _errors(result)), _errors(result)
    assert ActionPlan.objects.count() == 0


def test_a_version_twice_in_the_file_is_refused(forces) -> None:
    csv = HEADER + "kent-police,1,draft,,\nkent-police,1,provided,,\n"

    result = ActionPlanResource().import_data(_dataset(csv), dry_run=False)

    assert any("is in the file twice" in error for error in _errors(result)), _errors(result)
    assert ActionPlan.objects.count() == 0


def test_an_older_version_number_than_the_newest_is_refused(forces) -> None:
    ActionPlanFactory(force=forces[1], version=3)
    csv = HEADER + "kent-police,2,draft,,\n"

    result = ActionPlanResource().import_data(_dataset(csv), dry_run=False)

    assert any("already has version 3" in error for error in _errors(result)), _errors(result)
    assert ActionPlan.objects.count() == 1


def test_a_new_version_supersedes_the_old_one(forces) -> None:
    old = ActionPlanFactory(force=forces[0], version=1, status="provided")
    csv = HEADER + "gwent-police,2,provided,2015-02-01,Refreshed\n"

    result = ActionPlanResource().import_data(_dataset(csv), dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors(), _errors(result)
    old.refresh_from_db()
    assert old.status == ActionPlan.Status.SUPERSEDED
    assert ActionPlan.objects.get(force=forces[0], version=2).summary == "Refreshed"


def test_an_export_imports_back_unchanged(forces) -> None:
    ActionPlanFactory(force=forces[0], version=1, status="superseded", summary="Old, “quoted”")
    ActionPlanFactory(force=forces[0], version=2, status="provided", provided_on="2015-02-01")
    ActionPlanFactory(force=forces[1], version=1, status="draft")
    before = list(ActionPlan.objects.values().order_by("pk"))

    exported = ActionPlanResource().export()
    assert exported.headers == ["force", "version", "status", "provided_on", "summary"]
    result = ActionPlanResource().import_data(_dataset(exported.csv), dry_run=False)

    assert {row.import_type for row in result.rows} == {"skip"}
    assert list(ActionPlan.objects.values().order_by("pk")) == before


def test_the_admin_import_is_a_dry_run_then_a_confirmed_import_with_history(
    secretariat_client, secretariat_user, forces
) -> None:
    csv = (HEADER + "gwent-police,1,provided,2015-02-01,First plan\n").encode()
    response = secretariat_client.post(
        reverse("admin:forces_actionplan_import"),
        {"format": "0", "import_file": SimpleUploadedFile("plans.csv", csv), "resource": "0"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "First plan" in page
    assert ActionPlan.objects.count() == 0
    confirm = response.context["confirm_form"].initial

    response = secretariat_client.post(
        reverse("admin:forces_actionplan_process_import"), {**confirm}
    )

    assert response.status_code == 302
    plan = ActionPlan.objects.get()
    assert plan.summary == "First plan"
    assert plan.history.latest().history_user == secretariat_user


def test_the_admin_import_shows_row_errors_and_offers_no_confirm(
    secretariat_client, forces
) -> None:
    csv = (HEADER + "nowhere-police,1,draft,,\n").encode()

    response = secretariat_client.post(
        reverse("admin:forces_actionplan_import"),
        {"format": "0", "import_file": SimpleUploadedFile("plans.csv", csv), "resource": "0"},
    )

    page = response.content.decode()
    assert "There is no force “nowhere-police”" in page
    assert not re.search(r'action="[^"]*process_import', page)


def test_the_admin_exports_xlsx(secretariat_client, forces) -> None:
    ActionPlanFactory(force=forces[0], version=1)

    response = secretariat_client.post(
        reverse("admin:forces_actionplan_export"),
        {
            "format": "1",
            "resource": "0",
            **{
                f"actionplanresource_{c}": "on"
                for c in ("force", "version", "status", "provided_on", "summary")
            },
        },
    )

    assert response.status_code == 200
    data = tablib.Dataset().load(io.BytesIO(response.content).read(), format="xlsx")
    assert data.headers == ["force", "version", "status", "provided_on", "summary"]
    assert data[0][0] == "gwent-police"
