from django.core.management.base import CommandError

from payments.management.daily import DailyCommand
from payments.refunds import settle_campaigns


class Command(DailyCommand):
    help = (
        "Settle donation campaigns past their deadline: goal reached → succeeded; all-or-nothing short of the goal → "
        "refund every payment and tell backers and the team (run daily; safe to repeat)."
    )
    dry_run_help = "Say what would happen; change nothing."

    def run_day(self, day, dry_run):
        run = settle_campaigns(today=day, dry_run=dry_run, progress=self.stdout.write)
        self.stdout.write(
            f"Campaigns: {len(run.succeeded)} reached their goal, {len(run.failed)} missed it (all or nothing), "
            f"{len(run.ended)} ended keeping what they raised; {run.refunds_requested} refund(s) requested, "
            f"{len(run.refund_errors)} failed."
        )
        if run.refund_errors:
            raise CommandError(f"Stripe refused refunds of {run.refund_errors}; run again later (no double refunds).")
