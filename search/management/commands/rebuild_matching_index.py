from django.core.management.base import BaseCommand

from search import matching_index


class Command(BaseCommand):
    help = "Build the matching index (talent profiles and open help requests, search/matching_index.py) anew."

    def handle(self, *args, **options):
        count, seconds = matching_index.rebuild()
        self.stdout.write(f"{count} matching documents indexed in {seconds:.1f} s")
