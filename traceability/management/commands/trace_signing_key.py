from django.core.management.base import BaseCommand

from traceability.signing import new_private_key_text


class Command(BaseCommand):
    help = "Print a new Ed25519 private key for TRACE_SIGNING_KEY (keep it secret, and keep a copy)."

    def handle(self, *args, **options):
        self.stdout.write(new_private_key_text())
