from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from people.demo import DEMO_EXPERT_EMAIL, DEMO_PASSWORD, ensure_demo_people


class Command(BaseCommand):
    help = "Demo talent profiles, a township office and its help requests (safe to run again)."

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE not in ("config.settings.dev", "config.settings.test"):
            raise CommandError("load_demo_people runs only with the dev or test settings: its passwords are published.")
        self.stdout.write(f"Demo people and help requests created: {ensure_demo_people()}.")
        self.stdout.write(f"Demo expert login: {DEMO_EXPERT_EMAIL} / {DEMO_PASSWORD}")
