from django.core.management.base import BaseCommand

from payments.ledger import rebuild_totals


class Command(BaseCommand):
    help = (
        "Recompute the running ledger totals (each project's sums by kind, each backing's net) from the ledger "
        "entries. Safe to repeat and to run while payments arrive: they wait for it."
    )

    def handle(self, *args, **options):
        projects, backings = rebuild_totals(progress=lambda message: self.stdout.write(f"  … {message}"))
        self.stdout.write(f"Ledger totals rebuilt: {projects} project(s), {backings} backing(s) with entries.")
