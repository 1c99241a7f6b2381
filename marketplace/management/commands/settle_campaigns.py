import datetime

from django.core.management.base import BaseCommand, CommandError

from marketplace.payments.refunds import settle_campaigns


class Command(BaseCommand):
    help = (
        "Settle donation campaigns past their deadline: goal reached → succeeded; all-or-nothing short of the goal → "
        "refund every payment and tell backers and the team (run daily; safe to repeat)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would happen; change nothing.")
        parser.add_argument("--date", help="Act as if today were this day (YYYY-MM-DD).")

    def handle(self, *args, dry_run=False, date=None, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None
        run = settle_campaigns(today=day, dry_run=dry_run, progress=self.stdout.write)
        self.stdout.write(
            f"Campaigns: {len(run.succeeded)} reached their goal, {len(run.failed)} missed it (all or nothing), "
            f"{len(run.ended)} ended keeping what they raised; {run.refunds_requested} refund(s) requested, "
            f"{len(run.refund_errors)} failed."
        )
        if run.refund_errors:
            raise CommandError(f"Stripe refused refunds of {run.refund_errors}; run again later (no double refunds).")
