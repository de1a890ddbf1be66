"""Make the PDFs of publications that have none: those published before PDFs were made by a job
(December 2014, from the data load), or whose job failed.

Publishing queues a job for each new publication, so this is for catching up. Safe to run at
any time, as often as wanted: a PDF already kept is never made again.
"""

from django.core.management.base import BaseCommand

from reports.pdf import publication_pdf_store, publications_without_pdf
from reports.tasks import make_publication_pdf


class Command(BaseCommand):
    help = "Make (or with --queue, queue jobs to make) the PDFs of publications that have none."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Queue a job for each, for the task worker, instead of making them here.",
        )

    def handle(self, *args, queue: bool = False, **options) -> None:
        missing = list(publications_without_pdf())
        for publication in missing:
            if queue:
                make_publication_pdf.enqueue(publication.pk)
            else:
                stored = publication_pdf_store(publication)
                self.stdout.write(f"{publication}: {stored.file.name}")
        verb = "queued" if queue else "made"
        self.stdout.write(f"{len(missing)} publication PDFs {verb}.")
