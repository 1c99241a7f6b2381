from django.core.management.base import BaseCommand, CommandError

from places.actions import TOWNSHIPS_CSV, ReferenceDataError, load_townships


class Command(BaseCommand):
    help = "Load Taiwan's 22 counties and 368 townships from the reference CSV (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(TOWNSHIPS_CSV), help="CSV in the format of places/data/townships.csv")

    def handle(self, *args, file, **options):
        try:
            counties, townships = load_townships(file)
        except (OSError, ReferenceDataError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Counties: {counties}. Townships: {townships}."))
