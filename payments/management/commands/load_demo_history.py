from django.core.management.base import BaseCommand

from core.demo_settings import refuse_outside_demo_settings
from marketplace.demo_commitments import ensure_demo_commitments
from payments.demo import (
    DEMO_SUPPORTER_EMAIL,
    DEMO_SUPPORTER_PASSWORD,
    ensure_demo_fulfilment,
    ensure_demo_history,
    ensure_demo_supporter,
)


class Command(BaseCommand):
    help = (
        "Write a few months of demo history: backings in the ledger of the demo projects, and company interests and "
        "commitments through the marketplace's pipeline, and a supporter login with its own backings (after load_demo; "
        "safe to repeat)."
    )

    def handle(self, *args, **options):
        refuse_outside_demo_settings("load_demo_history", "it uses a login whose password is published.")
        self.stdout.write(f"Demo payments written to the ledger: {ensure_demo_history()}.")
        self.stdout.write(f"Demo delivery addresses for the shipping plan: {ensure_demo_fulfilment()}.")
        self.stdout.write(f"Demo company interests written through the pipeline: {ensure_demo_commitments()}.")
        self.stdout.write(f"Demo supporter's own payments: {ensure_demo_supporter()}.")
        self.stdout.write(f"Demo supporter login (My backings): {DEMO_SUPPORTER_EMAIL} / {DEMO_SUPPORTER_PASSWORD}")
