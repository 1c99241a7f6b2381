import datetime

from django.core.management.base import BaseCommand, CommandError


class DailyCommand(BaseCommand):
    """A job run once a day: `--dry-run` says what would change, `--date` acts as if today were that day."""

    dry_run_help = "Say what would change; change nothing."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help=self.dry_run_help)
        parser.add_argument("--date", help="Act as if today were this day (YYYY-MM-DD).")

    def handle(self, *args, dry_run=False, date=None, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None
        self.run_day(day, dry_run)

    def run_day(self, day, dry_run):
        raise NotImplementedError
