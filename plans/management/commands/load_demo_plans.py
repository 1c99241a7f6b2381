from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from plans.demo import DEMO_COUNTY_EMAIL, DEMO_OFFICE_EMAIL, DEMO_PASSWORD, ensure_demo_plans


class Command(BaseCommand):
    help = "Give the demo townships revitalization plans at every stage (after load_demo; safe to repeat)."

    # The demo logins' password is published in the README: never in production.
    ALLOWED_SETTINGS = ("config.settings.dev", "config.settings.test")

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE not in self.ALLOWED_SETTINGS:
            raise CommandError(
                f"load_demo_plans runs only with the dev or test settings, not {settings.SETTINGS_MODULE}: it creates "
                "logins whose password is published."
            )
        self.stdout.write(f"Demo plans created: {ensure_demo_plans()}.")
        self.stdout.write(f"Demo township office login: {DEMO_OFFICE_EMAIL} / {DEMO_PASSWORD}")
        self.stdout.write(f"Demo county reviewer login: {DEMO_COUNTY_EMAIL} / {DEMO_PASSWORD}")
