from django.core.management.base import CommandError

from payments.management.daily import DailyCommand
from payments.seasons import apply_seasonal_billing


class Command(DailyCommand):
    help = "Pause subscriptions of seasonal plans outside their season and resume them in season (run daily)."

    def run_day(self, day, dry_run):
        run = apply_seasonal_billing(day=day, dry_run=dry_run, progress=self.stdout.write)
        verb = "would pause" if dry_run else "paused"
        self.stdout.write(
            f"Seasonal billing: {run.checked} checked, {verb} {run.paused}, "
            f"{'would resume' if dry_run else 'resumed'} {run.resumed}, {len(run.failed)} failed."
        )
        if run.failed:
            raise CommandError(f"Stripe refused backings {run.failed}; run again later.")
