from django.core.management.base import BaseCommand

from core.demo_settings import refuse_outside_demo_settings
from policy.demo import ensure_demo_regulatory_issues


class Command(BaseCommand):
    help = "Give the demo township offices regulatory issues, routed and answered (after load_demo_plans; repeatable)."

    def handle(self, *args, **options):
        refuse_outside_demo_settings("load_demo_regulatory_issues")
        self.stdout.write(f"Demo regulatory issues created: {ensure_demo_regulatory_issues()}.")
