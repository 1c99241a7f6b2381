from django.core.management.base import BaseCommand

from search.indexing import replay_pending_updates
from search.models import PendingUpdate


class Command(BaseCommand):
    help = "Apply the index updates Elasticsearch missed while it was down."

    def handle(self, *args, **options):
        applied = replay_pending_updates()
        left = PendingUpdate.objects.count()
        self.stdout.write(f"{applied} pending updates applied, {left} left")
