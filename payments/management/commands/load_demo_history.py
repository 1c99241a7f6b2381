from django.core.management.base import BaseCommand

from payments.demo import ensure_demo_history


class Command(BaseCommand):
    help = "Write a few months of demo backings to the ledger of the demo projects (after load_demo; safe to repeat)."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo payments written to the ledger: {ensure_demo_history()}.")
