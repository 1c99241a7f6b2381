import datetime

from django.core.management.base import BaseCommand, CommandError

from marketplace.payments.seasons import apply_seasonal_billing


class Command(BaseCommand):
    help = "Pause subscriptions of seasonal plans outside their season and resume them in season (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would change; change nothing.")
        parser.add_argument("--date", help="Act as if today were this day (YYYY-MM-DD).")

    def handle(self, *args, dry_run=False, date=None, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None
        run = apply_seasonal_billing(day=day, dry_run=dry_run, progress=self.stdout.write)
        verb = "would pause" if dry_run else "paused"
        self.stdout.write(
            f"Seasonal billing: {run.checked} checked, {verb} {run.paused}, "
            f"{'would resume' if dry_run else 'resumed'} {run.resumed}, {len(run.failed)} failed."
        )
        if run.failed:
            raise CommandError(f"Stripe refused backings {run.failed}; run again later.")
