"""Remake the public search's passages from each edition's current publication.

Publishing keeps them up to date; this is for after a change to how passages are made, or to
rows written around the publishing service. Safe to run at any time.
"""

from django.core.management.base import BaseCommand

from reports.search import search_passages_rebuild_all


class Command(BaseCommand):
    help = "Rebuild the search index (passages) from each edition's current publication."

    def handle(self, *args, **options) -> None:
        made = search_passages_rebuild_all()
        self.stdout.write(f"{made} passages indexed.")
