"""Downloading plan documents and meeting papers: who may, and what they get.

Uploads have no public URL; these two views, keyed by the record's id, are the only way out.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from forces.models import ActionPlan
from oversight.models import MeetingPaper
from tests.documents import MINIMAL_PDF, docx
from tests.forces.factories import ActionPlanFactory, ForceFactory
from tests.object_storage import stored_keys
from tests.oversight.factories import (
    MeetingFactory,
    MeetingPaperFactory,
    StaffUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def plan() -> ActionPlan:
    return ActionPlanFactory(
        force=ForceFactory(name="Gwent Police", slug="gwent-police"),
        version=2,
        document=SimpleUploadedFile("FINAL plan (3).pdf", MINIMAL_PDF),
    )


@pytest.fixture
def paper() -> MeetingPaper:
    return MeetingPaperFactory(
        meeting=MeetingFactory(date=datetime.date(2014, 6, 10)),
        title="Terms of Reference",
        document=SimpleUploadedFile("tor.docx", docx()),
    )


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def outsider_client(db) -> Client:
    """Signed in, in neither role."""
    return _signed_in(UserFactory(username="outsider"))


@pytest.fixture
def stray_staff_client(db) -> Client:
    """Staff, but not in the secretariat group."""
    return _signed_in(StaffUserFactory(username="stray-staff"))


@pytest.fixture
def deactivated_member_client(member_user) -> Client:
    """A member whose account was switched off after they signed in."""
    client = _signed_in(member_user)
    member_user.is_active = False
    member_user.save()
    return client


def _document_url(record: ActionPlan | MeetingPaper) -> str:
    if isinstance(record, ActionPlan):
        return reverse("forces:plan-document", args=[record.pk])
    return reverse("meeting-paper-document", args=[record.pk])


@pytest.mark.parametrize("record", ["plan", "paper"])
@pytest.mark.parametrize(
    ("persona", "expected_status"),
    [
        ("anonymous_client", 302),
        ("deactivated_member_client", 302),
        ("outsider_client", 403),
        ("stray_staff_client", 403),
        ("member_client", 200),
        ("secretariat_client", 200),
    ],
)
def test_only_group_members_and_the_secretariat_download(request, record, persona, expected_status):
    url = _document_url(request.getfixturevalue(record))
    client = request.getfixturevalue(persona)

    response = client.get(url)

    assert response.status_code == expected_status
    if expected_status == 302:
        assert response["Location"] == f"{reverse('sign-in')}?next={url}"


def test_a_plan_downloads_under_a_name_made_from_the_record(member_client, plan):
    response = member_client.get(_document_url(plan))

    assert response["Content-Disposition"] == (
        'attachment; filename="gwent-police-action-plan-v2.pdf"'
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Length"] == str(len(MINIMAL_PDF))
    assert b"".join(response.streaming_content) == MINIMAL_PDF


def test_a_meeting_paper_downloads_with_the_type_read_from_its_content(member_client, paper):
    response = member_client.get(_document_url(paper))

    assert response["Content-Disposition"] == (
        'attachment; filename="meeting-2014-06-10-terms-of-reference.docx"'
    )
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_a_paper_for_a_month_only_meeting_is_named_by_the_month(member_client, paper):
    paper.meeting.date_precision = paper.meeting.DatePrecision.MONTH
    paper.meeting.save()

    response = member_client.get(_document_url(paper))

    assert 'filename="meeting-2014-06-terms-of-reference.docx"' in response["Content-Disposition"]


@pytest.mark.parametrize(
    "make_record",
    [
        pytest.param(ActionPlanFactory, id="plan"),
        pytest.param(MeetingPaperFactory, id="paper"),
    ],
)
def test_a_record_without_a_document_is_not_found(member_client, make_record):
    assert member_client.get(_document_url(make_record())).status_code == 404


def test_a_record_that_does_not_exist_is_not_found_by_members_only(member_client, anonymous_client):
    url = reverse("forces:plan-document", args=[999_999])

    assert member_client.get(url).status_code == 404
    # Anonymous visitors are sent to sign in whether or not the record exists.
    assert anonymous_client.get(url).status_code == 302


def test_a_document_gone_from_the_disk_is_not_found(member_client, plan, media_root):
    (media_root / plan.document.name).unlink()

    assert member_client.get(_document_url(plan)).status_code == 404


def test_a_stored_file_that_is_not_a_document_is_not_handed_out(member_client, plan, media_root):
    # As if written before uploads were checked.
    (media_root / "action-plans" / "old.html").write_bytes(b"<script>alert(1)</script>")
    ActionPlan.objects.filter(pk=plan.pk).update(document="action-plans/old.html")

    assert member_client.get(_document_url(plan)).status_code == 404


@pytest.mark.parametrize("stored_name", ["../secret.pdf", "/etc/passwd"])
def test_a_stored_name_pointing_outside_the_media_folder_is_refused(
    member_client, plan, media_root, stored_name
):
    (media_root.parent / "secret.pdf").write_bytes(MINIMAL_PDF)
    ActionPlan.objects.filter(pk=plan.pk).update(document=stored_name)

    response = member_client.get(_document_url(plan))

    assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/forces/plans/..%2F..%2Foversight%2Fsettings.py/document/",
        "/forces/plans/1/../../oversight/settings.py",
        "/forces/plans/action-plans%2Fx.pdf/document/",
    ],
)
def test_the_url_takes_an_id_not_a_path(member_client, plan, path):
    assert member_client.get(path).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_downloads_are_read_only(member_client, plan, method):
    assert getattr(member_client, method)(_document_url(plan)).status_code == 405


# ---- The same downloads with files in object storage (S3_BUCKET set): a real SeaweedFS ----
# The file streams from the bucket through the view, behind the same check: no bucket URL.


@pytest.mark.object_storage
def test_from_object_storage_a_plan_streams_through_the_view(member_client, file_storage):
    plan = ActionPlanFactory(
        force=ForceFactory(name="Gwent Police", slug="gwent-police"),
        version=2,
        document=SimpleUploadedFile("FINAL plan (3).pdf", MINIMAL_PDF),
    )
    assert stored_keys(file_storage) == [plan.document.name]

    response = member_client.get(_document_url(plan))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="gwent-police-action-plan-v2.pdf"'
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == MINIMAL_PDF


@pytest.mark.object_storage
def test_from_object_storage_a_paper_downloads_with_its_type(member_client, file_storage):
    paper = MeetingPaperFactory(
        meeting=MeetingFactory(date=datetime.date(2014, 6, 10)),
        title="Terms of Reference",
        document=SimpleUploadedFile("tor.docx", docx()),
    )

    response = member_client.get(_document_url(paper))

    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert b"".join(response.streaming_content) == paper.document.open("rb").read()


@pytest.mark.object_storage
@pytest.mark.parametrize(
    ("persona", "expected_status"), [("anonymous_client", 302), ("outsider_client", 403)]
)
def test_from_object_storage_only_members_download(request, file_storage, persona, expected_status):
    plan = ActionPlanFactory(document=SimpleUploadedFile("plan.pdf", MINIMAL_PDF))

    response = request.getfixturevalue(persona).get(_document_url(plan))

    assert response.status_code == expected_status


@pytest.mark.object_storage
def test_from_object_storage_a_document_gone_from_the_bucket_is_not_found(
    member_client, file_storage
):
    plan = ActionPlanFactory(document=SimpleUploadedFile("plan.pdf", MINIMAL_PDF))
    file_storage.client().delete_object(Bucket=file_storage.bucket, Key=plan.document.name)

    assert member_client.get(_document_url(plan)).status_code == 404


@pytest.mark.object_storage
def test_from_object_storage_a_stored_object_that_is_not_a_document_is_not_handed_out(
    member_client, file_storage
):
    plan = ActionPlanFactory(document=SimpleUploadedFile("plan.pdf", MINIMAL_PDF))
    file_storage.client().put_object(
        Bucket=file_storage.bucket, Key="action-plans/old.html", Body=b"<script>x</script>"
    )
    ActionPlan.objects.filter(pk=plan.pk).update(document="action-plans/old.html")

    assert member_client.get(_document_url(plan)).status_code == 404


@pytest.mark.object_storage
@pytest.mark.parametrize("stored_name", ["../secret.pdf", "/etc/passwd"])
def test_from_object_storage_a_name_outside_the_bucket_folder_is_refused(
    member_client, file_storage, stored_name
):
    plan = ActionPlanFactory(document=SimpleUploadedFile("plan.pdf", MINIMAL_PDF))
    ActionPlan.objects.filter(pk=plan.pk).update(document=stored_name)

    assert member_client.get(_document_url(plan)).status_code in (400, 404)
