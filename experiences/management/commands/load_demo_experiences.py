from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from experiences.demo import ensure_demo_experiences
from marketplace.demo import DEMO_TEAM_EMAIL, DEMO_TEAM_PASSWORD


class Command(BaseCommand):
    help = (
        "Give the demo three experiences (tea picking, a farm and fishery tour, a beach clean-up) with dates to come."
    )

    # The demo team login's password is published in the README: never in production.
    ALLOWED_SETTINGS = ("config.settings.dev", "config.settings.test")

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE not in self.ALLOWED_SETTINGS:
            raise CommandError(
                f"load_demo_experiences runs only with the dev or test settings, not {settings.SETTINGS_MODULE}."
            )
        summary = ensure_demo_experiences()
        self.stdout.write("Demo experiences — created: {experiences}; time slots added: {slots}.".format(**summary))
        self.stdout.write(f"Organiser login: {DEMO_TEAM_EMAIL} / {DEMO_TEAM_PASSWORD}")
