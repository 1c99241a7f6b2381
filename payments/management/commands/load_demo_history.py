from django.core.management.base import BaseCommand

from core.demo_settings import refuse_outside_demo_settings
from marketplace.demo_commitments import ensure_demo_commitments
from payments.demo import ensure_demo_fulfilment, ensure_demo_history


class Command(BaseCommand):
    help = (
        "Write a few months of demo history: backings in the ledger of the demo projects, and company interests and "
        "commitments through the marketplace's pipeline (after load_demo; safe to repeat)."
    )

    def handle(self, *args, **options):
        refuse_outside_demo_settings("load_demo_history", "it uses a login whose password is published.")
        self.stdout.write(f"Demo payments written to the ledger: {ensure_demo_history()}.")
        self.stdout.write(f"Demo delivery addresses for the shipping plan: {ensure_demo_fulfilment()}.")
        self.stdout.write(f"Demo company interests written through the pipeline: {ensure_demo_commitments()}.")
