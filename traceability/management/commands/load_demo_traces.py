from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from marketplace.demo import DEMO_TEAM_EMAIL, DEMO_TEAM_PASSWORD
from traceability.demo import ensure_demo_traces


class Command(BaseCommand):
    help = (
        "Give the demo projects traced batches, devices and a few weeks of readings (after load_demo; safe to repeat: "
        "nothing is duplicated, the readings are topped up to now)."
    )

    # The demo team login's password is published in the README: never in production.
    ALLOWED_SETTINGS = ("config.settings.dev", "config.settings.test")

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE not in self.ALLOWED_SETTINGS:
            raise CommandError(
                f"load_demo_traces runs only with the dev or test settings, not {settings.SETTINGS_MODULE}: it creates "
                "a login whose password is published."
            )
        summary = ensure_demo_traces()
        self.stdout.write(
            "Demo traces — batches created: {batches}; devices registered: {devices}; readings stored: {readings:,}; "
            "hours aggregated: {hours_aggregated:,}.".format(**summary)
        )
        self.stdout.write(f"Demo team login: {DEMO_TEAM_EMAIL} / {DEMO_TEAM_PASSWORD}")
