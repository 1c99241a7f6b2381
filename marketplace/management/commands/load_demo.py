from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD, ensure_demo_staff
from cms.actions import ensure_language_versions, ensure_project_review_workflow
from cms.demo import ensure_demo_pages, ensure_home_pages
from cms.demo_pictures import ensure_demo_pictures
from core.demo_settings import refuse_outside_demo_settings
from marketplace.demo import ensure_demo_enterprises
from marketplace.demo_companies import DEMO_COMPANY_EMAIL, DEMO_COMPANY_PASSWORD, ensure_demo_companies
from places.actions import load_townships


class Command(BaseCommand):
    help = "Load the reference data and the demo content (safe to run again: nothing is duplicated)."

    def handle(self, *args, **options):
        refuse_outside_demo_settings("load_demo", "it creates accounts whose passwords are published.")
        counties, townships = load_townships()
        self.stdout.write(f"Reference data — counties: {counties}; townships: {townships}.")
        call_command("load_reference_figures", stdout=self.stdout)  # the shipped official figures (datahub/data)
        created_pages = ensure_home_pages()
        self.stdout.write(f"Home pages created: {', '.join(created_pages) or 'none (already there)'}.")
        ensure_project_review_workflow()
        self.stdout.write("Review workflow and Moderators group are in place.")
        self.stdout.write(f"Demo pages created: {ensure_demo_pages()} (townships, stories, projects, standard pages).")
        self.stdout.write(f"Demo enterprises with project listings created: {ensure_demo_enterprises()}.")
        self.stdout.write(f"Demo pictures made: {ensure_demo_pictures()} (projects, stories, their townships).")
        self.stdout.write(f"Other-language versions of untranslated pages created: {ensure_language_versions()}.")
        if ensure_demo_staff():
            self.stdout.write(f"Demo staff login created: {DEMO_STAFF_EMAIL} / {DEMO_STAFF_PASSWORD}")
        else:
            self.stdout.write(f"Demo staff login already exists: {DEMO_STAFF_EMAIL}")
        self.stdout.write(f"Demo companies created: {ensure_demo_companies()}.")
        self.stdout.write(f"Demo company login: {DEMO_COMPANY_EMAIL} / {DEMO_COMPANY_PASSWORD}")
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
