from django.core.management.base import BaseCommand

from core.demo_settings import refuse_outside_demo_settings
from plans.demo import DEMO_COUNTY_EMAIL, DEMO_OFFICE_EMAIL, DEMO_PASSWORD, ensure_demo_plans


class Command(BaseCommand):
    help = "Give the demo townships revitalization plans at every stage (after load_demo; safe to repeat)."

    def handle(self, *args, **options):
        refuse_outside_demo_settings("load_demo_plans", "it creates logins whose password is published.")
        self.stdout.write(f"Demo plans created: {ensure_demo_plans()}.")
        self.stdout.write(f"Demo township office login: {DEMO_OFFICE_EMAIL} / {DEMO_PASSWORD}")
        self.stdout.write(f"Demo county reviewer login: {DEMO_COUNTY_EMAIL} / {DEMO_PASSWORD}")
