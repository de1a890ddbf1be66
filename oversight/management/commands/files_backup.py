"""`python manage.py files_backup DIR`: copy every file in default storage into DIR.

Default storage holds the plan documents, meeting papers and publication PDFs: the local disk
(MEDIA_ROOT) or the object store (S3_BUCKET). The database backup (pg_dump) holds the records
that name these files; back both up together (docs/operations.md, "Files"). DIR gets one file
per stored file, under the same name, and MANIFEST.sha256 listing them with their checksums
(`sha256sum -c MANIFEST.sha256` in DIR checks the copy).
"""

import hashlib
from collections.abc import Iterator
from pathlib import Path

from django.core.files.storage import Storage, default_storage
from django.core.management.base import BaseCommand, CommandError

MANIFEST = "MANIFEST.sha256"


def stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file's name in the storage, folder by folder, sorted."""
    folders, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for name in sorted(folders):
        yield from stored_names(storage, f"{folder}/{name}" if folder else name)


class Command(BaseCommand):
    help = "Copy every file in default storage (documents, papers, PDFs) into a folder."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path, help="An empty or new folder.")

    def handle(self, *args, directory: Path, **options) -> None:
        if directory.exists() and any(directory.iterdir()):
            raise CommandError(f"{directory} is not empty: back up into a new folder.")
        directory.mkdir(parents=True, exist_ok=True)
        lines = []
        for name in stored_names(default_storage):
            target = directory / name
            if not target.resolve().is_relative_to(directory.resolve()):
                raise CommandError(f"Stored name {name!r} points outside the folder.")
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with default_storage.open(name, "rb") as source, target.open("wb") as copy:
                for chunk in iter(lambda: source.read(1024 * 1024), b""):
                    digest.update(chunk)
                    copy.write(chunk)
            lines.append(f"{digest.hexdigest()}  {name}\n")
        (directory / MANIFEST).write_text("".join(lines))
        self.stdout.write(f"{len(lines)} files copied to {directory}.")
