"""`python manage.py files_restore DIR`: put back into default storage the files that
`files_backup DIR` copied out, under their own names.

Each file is checked against MANIFEST.sha256 first: a damaged backup restores nothing. A file
already stored under the same name is left alone if its content is the same, and reported
(and nothing is restored) if it differs, unless --replace is given.
"""

import hashlib
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from oversight.management.commands.files_backup import MANIFEST


def _sha256(read) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Put back into default storage the files a files_backup folder holds."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path, help="A folder made by files_backup.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite stored files whose content differs from the backup's.",
        )

    def handle(self, *args, directory: Path, replace: bool = False, **options) -> None:
        manifest = directory / MANIFEST
        if not manifest.exists():
            raise CommandError(f"{manifest} is missing: is {directory} a files_backup folder?")
        entries = [line.split("  ", 1) for line in manifest.read_text().splitlines() if line]
        for checksum, name in entries:
            with (directory / name).open("rb") as file:
                if _sha256(file.read) != checksum:
                    raise CommandError(f"{name} does not match its checksum: nothing restored.")
        conflicts = []
        for checksum, name in entries:
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as stored:
                    if _sha256(stored.read) != checksum:
                        conflicts.append(name)
        if conflicts and not replace:
            raise CommandError(
                "These stored files differ from the backup (use --replace to overwrite): "
                + ", ".join(conflicts)
            )
        restored = skipped = 0
        for _checksum, name in entries:
            if default_storage.exists(name):
                if name not in conflicts:
                    skipped += 1
                    continue
                default_storage.delete(name)
            with (directory / name).open("rb") as file:
                saved = default_storage.save(name, File(file))
            if saved != name:
                raise CommandError(f"{name} was stored as {saved}.")
            restored += 1
        self.stdout.write(f"{restored} files restored, {skipped} already there.")
