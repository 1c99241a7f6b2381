from django.core.management.base import BaseCommand

from marketplace.digests import send_weekly_digests


class Command(BaseCommand):
    help = "Email this week's digest of new matching projects to each company (safe to repeat within the week)."

    def handle(self, *args, **options):
        self.stdout.write(f"Weekly digests sent: {send_weekly_digests()}.")
