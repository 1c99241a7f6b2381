from django.core.management.base import BaseCommand

from places.neighbours import NEIGHBOURS_PATH, build_neighbours_csv


class Command(BaseCommand):
    help = "Rebuild places/data/county_neighbours.csv from the county boundaries in places/data/towns-10t.json."

    def handle(self, *args, **options):
        count = build_neighbours_csv()
        self.stdout.write(self.style.SUCCESS(f"{count} pairs of neighbouring counties written to {NEIGHBOURS_PATH}."))
