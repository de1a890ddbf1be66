import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from oversight.seed.scale import ScaleDataRefused, scale_data_generate

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Fill a fresh database (after `load_hmic_2014`) with synthetic data, about N times the "
        "seed in every kind of record, for measuring the pages at scale. The same --factor "
        "and --seed make the same records. Refuses a database holding real data unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--factor", type=int, required=True, help="N: how many times the seed, e.g. 100."
        )
        parser.add_argument(
            "--seed", type=int, default=2014, help="The random seed (default 2014)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add synthetic records even though the database holds real data.",
        )

    def handle(self, *args, factor: int, seed: int, force: bool, **options) -> None:
        started = time.monotonic()
        try:
            made = scale_data_generate(
                factor=factor, seed=seed, force=force, progress=self.show_progress
            )
        except ScaleDataRefused as refused:
            raise CommandError(f"{refused} Nothing was saved.") from refused
        if connection.vendor == "postgresql":
            # The planner's statistics for the tables just filled, as autovacuum would make
            # them in a while: measured pages then run the plans a live database would.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"Made, at factor {factor} with seed {seed}:")
        for label, count in made.counts.items():
            self.stdout.write(f"  {label:<24} {count:>9,}")
        self.stdout.write(f"in {time.monotonic() - started:.1f} s.")

    def show_progress(self, label: str, done: int, total: int) -> None:
        """A text progress bar, one line per batch (readable in a log as on a terminal)."""
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stdout.write(f"  [{bar}] {label:<24} {done:>9,}/{total:,}")
