from django.core.management.base import BaseCommand

from core.demo_settings import refuse_outside_demo_settings
from experiences.demo import ensure_demo_experiences
from marketplace.demo import DEMO_TEAM_EMAIL, DEMO_TEAM_PASSWORD


class Command(BaseCommand):
    help = (
        "Give the demo three experiences (tea picking, a farm and fishery tour, a beach clean-up) with dates to come."
    )

    def handle(self, *args, **options):
        refuse_outside_demo_settings("load_demo_experiences")
        summary = ensure_demo_experiences()
        self.stdout.write("Demo experiences — created: {experiences}; time slots added: {slots}.".format(**summary))
        self.stdout.write(f"Organiser login: {DEMO_TEAM_EMAIL} / {DEMO_TEAM_PASSWORD}")
