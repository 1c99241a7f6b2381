from django.core.management.base import BaseCommand, CommandError

from places.actions import ReferenceDataError, import_priority_areas


class Command(BaseCommand):
    help = (
        "Flag priority townships for regional revitalization from a CSV with a town_code column. "
        "With --replace the file becomes the whole list."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file with a town_code column")
        parser.add_argument("--replace", action="store_true", help="unflag townships that are not in the file")

    def handle(self, *args, file, replace, **options):
        try:
            with open(file, encoding="utf-8-sig") as handle:
                result = import_priority_areas(handle.read(), replace=replace)
        except (OSError, ReferenceDataError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(f"{len(result.flagged)} townships flagged, {len(result.unflagged)} unflagged.")
        )
