"""Add the seed synonyms (search/data/synonyms.txt) that are missing; entries staff edited are left as they are."""

from django.core.management.base import BaseCommand

from search.synonyms import SEED_FILE, load_seed


class Command(BaseCommand):
    help = "Add the seed synonyms that are missing (never changes an existing entry)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(SEED_FILE), help="a seed file in the same format")

    def handle(self, *args, **options):
        added = load_seed(path=options["file"])
        self.stdout.write(self.style.SUCCESS(f"Synonym entries added: {added}."))
