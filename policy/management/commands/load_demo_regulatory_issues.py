from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from policy.demo import ensure_demo_regulatory_issues


class Command(BaseCommand):
    help = "Give the demo township offices regulatory issues, routed and answered (after load_demo_plans; repeatable)."

    # It may create the demo staff login, whose password is published in the README: never in production.
    ALLOWED_SETTINGS = ("config.settings.dev", "config.settings.test")

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE not in self.ALLOWED_SETTINGS:
            raise CommandError(
                f"load_demo_regulatory_issues runs only with the dev or test settings, not {settings.SETTINGS_MODULE}."
            )
        self.stdout.write(f"Demo regulatory issues created: {ensure_demo_regulatory_issues()}.")
