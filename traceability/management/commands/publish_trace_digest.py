import datetime

from django.core.management.base import BaseCommand, CommandError

from traceability.digests import publish_digest


class Command(BaseCommand):
    help = (
        "Sign and publish the digest of every batch's chain for a day (default: yesterday in Taiwan). Safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--day", help="YYYY-MM-DD (a day that has ended in Taiwan)")

    def handle(self, *args, day=None, **options):
        try:
            chosen = datetime.date.fromisoformat(day) if day else None
            digest, created = publish_digest(chosen)
        except ValueError as error:
            raise CommandError(str(error)) from None
        state = "published" if created else "already published"
        self.stdout.write(f"Digest of {digest.day}: {state}; {digest.chains} batches, {digest.entries} records.")
