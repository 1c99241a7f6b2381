from django.core.management.base import BaseCommand

from accounts.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_TOTP_SECRET, demo_totp_code


class Command(BaseCommand):
    help = "Print the demo staff account's current two-factor code (demo content only)."

    def handle(self, *args, **options):
        self.stdout.write(demo_totp_code())
        self.stderr.write(
            f"({DEMO_STAFF_EMAIL}; authenticator secret {DEMO_STAFF_TOTP_SECRET}; a new code every 30 seconds)"
        )
