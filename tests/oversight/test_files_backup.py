"""`files_backup DIR` copies every stored file out, `files_restore DIR` puts them back: against
the real object store (SeaweedFS) production uses, and the local disk `make run` uses."""

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from tests.documents import MINIMAL_PDF, docx
from tests.forces.factories import ActionPlanFactory
from tests.object_storage import stored_bytes, stored_keys
from tests.oversight.factories import MeetingPaperFactory

pytestmark = pytest.mark.django_db


def _store_files() -> dict[str, bytes]:
    """A plan document, a meeting paper and a publication PDF, as the service stores them."""
    plan = ActionPlanFactory(document=SimpleUploadedFile("plan.pdf", MINIMAL_PDF))
    paper = MeetingPaperFactory(document=SimpleUploadedFile("paper.docx", docx()))
    pdf = default_storage.save("publication-pdfs/2014-12-revision-1.pdf", ContentFile(b"%PDF-x"))
    return {
        plan.document.name: MINIMAL_PDF,
        paper.document.name: paper.document.open("rb").read(),
        pdf: b"%PDF-x",
    }


def _run(command: str, *args) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


@pytest.mark.object_storage
def test_every_object_is_backed_up_and_restored_into_an_empty_bucket(file_storage, tmp_path):
    files = _store_files()
    backup = tmp_path / "files"

    assert _run("files_backup", str(backup)) == f"3 files copied to {backup}.\n"

    for name, content in files.items():
        assert (backup / name).read_bytes() == content
    manifest = (backup / "MANIFEST.sha256").read_text().splitlines()
    assert sorted(manifest) == sorted(
        f"{hashlib.sha256(content).hexdigest()}  {name}" for name, content in files.items()
    )

    file_storage.empty()  # the bucket lost
    assert stored_keys(file_storage) == []

    assert _run("files_restore", str(backup)) == "3 files restored, 0 already there.\n"

    assert stored_keys(file_storage) == sorted(files)
    for name, content in files.items():
        assert stored_bytes(file_storage, name) == content
    # Running it again changes nothing.
    assert _run("files_restore", str(backup)) == "0 files restored, 3 already there.\n"


@pytest.mark.object_storage
def test_a_damaged_backup_restores_nothing(file_storage, tmp_path):
    files = _store_files()
    _run("files_backup", str(tmp_path / "files"))
    file_storage.empty()
    (tmp_path / "files" / next(iter(files))).write_bytes(b"damaged")

    with pytest.raises(CommandError, match="does not match its checksum"):
        _run("files_restore", str(tmp_path / "files"))

    assert stored_keys(file_storage) == []


@pytest.mark.object_storage
def test_a_stored_file_that_differs_is_replaced_only_when_asked(file_storage, tmp_path):
    name = default_storage.save("publication-pdfs/2014-12-revision-1.pdf", ContentFile(b"%PDF-a"))
    _run("files_backup", str(tmp_path / "files"))
    file_storage.client().put_object(Bucket=file_storage.bucket, Key=name, Body=b"%PDF-b")

    with pytest.raises(CommandError, match="differ from the backup"):
        _run("files_restore", str(tmp_path / "files"))
    assert stored_bytes(file_storage, name) == b"%PDF-b"

    assert _run("files_restore", str(tmp_path / "files"), "--replace") == (
        "1 files restored, 0 already there.\n"
    )
    assert stored_bytes(file_storage, name) == b"%PDF-a"


def test_on_the_local_disk_too(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    files = _store_files()
    _run("files_backup", str(tmp_path / "files"))
    for name in files:
        default_storage.delete(name)

    assert _run("files_restore", str(tmp_path / "files")) == "3 files restored, 0 already there.\n"

    for name, content in files.items():
        assert (settings.MEDIA_ROOT / name).read_bytes() == content


def test_a_backup_goes_into_a_new_or_empty_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "old").write_text("x")

    with pytest.raises(CommandError, match="not empty"):
        _run("files_backup", str(tmp_path / "files"))
