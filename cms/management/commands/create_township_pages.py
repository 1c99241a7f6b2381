from django.core.management.base import BaseCommand

from cms.actions import ensure_township_pages


class Command(BaseCommand):
    help = (
        "Create the county and township pages (地方DNA) for every township in every language. "
        "Safe to run again: only missing pages are made, and editors' text is never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="only these town codes (default: all 368)")

    def handle(self, *args, codes=None, **options):
        created = ensure_township_pages(codes=codes or None)
        self.stdout.write(self.style.SUCCESS(f"Township and county pages created: {created}."))
