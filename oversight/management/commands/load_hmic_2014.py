from django.core.management.base import BaseCommand, CommandError

from oversight.seed.loader import SeedLoadError, hmic_2014_load


class Command(BaseCommand):
    help = (
        "Load the December 2014 National Oversight Group update report and the 43 forces. "
        "Safe to run again: it creates only what was never loaded, and never overwrites or "
        "recreates records staff have edited or deleted."
    )

    def handle(self, *args, **options) -> None:
        try:
            report = hmic_2014_load()
        except SeedLoadError as error:
            raise CommandError(f"{error} Nothing was saved.") from error
        for line in report.lines():
            self.stdout.write(line)
