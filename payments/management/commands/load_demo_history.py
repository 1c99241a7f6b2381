from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from marketplace.demo_commitments import ensure_demo_commitments
from payments.demo import ensure_demo_fulfilment, ensure_demo_history


class Command(BaseCommand):
    help = (
        "Write a few months of demo history: backings in the ledger of the demo projects, and company interests and "
        "commitments through the marketplace's pipeline (after load_demo; safe to repeat)."
    )

    # The interests are moved on by the demo team login, whose password is published in the README.
    ALLOWED_SETTINGS = ("config.settings.dev", "config.settings.test")

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE not in self.ALLOWED_SETTINGS:
            raise CommandError(
                f"load_demo_history runs only with the dev or test settings, not {settings.SETTINGS_MODULE}: it uses "
                "a login whose password is published."
            )
        self.stdout.write(f"Demo payments written to the ledger: {ensure_demo_history()}.")
        self.stdout.write(f"Demo delivery addresses for the shipping plan: {ensure_demo_fulfilment()}.")
        self.stdout.write(f"Demo company interests written through the pipeline: {ensure_demo_commitments()}.")
