"""`manage.py prepare_site`: what a new production site needs before its first visitor (no demo content).

Reference data (368 townships), the home page in every language, the review workflow, the county and township
pages, and on object storage the media bucket with its public-pictures policy. Safe to run again.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from cms.actions import ensure_language_versions, ensure_project_review_workflow, ensure_township_pages
from cms.demo import ensure_home_pages
from places.actions import load_townships


class Command(BaseCommand):
    help = "Load the reference data and make the pages every site needs (safe to run again; no demo content)."

    def add_arguments(self, parser):
        parser.add_argument("--skip-township-pages", action="store_true", help="leave the 地方DNA pages for later")

    def handle(self, *args, skip_township_pages=False, **options):
        counties, townships = load_townships()
        self.stdout.write(f"Reference data — counties: {counties}; townships: {townships}.")
        created = ensure_home_pages()
        self.stdout.write(f"Home pages created: {', '.join(created) or 'none (already there)'}.")
        ensure_project_review_workflow()
        if not skip_township_pages:
            self.stdout.write(f"County and township pages created: {ensure_township_pages()}.")
        self.stdout.write(f"Untranslated pages given their other-language versions: {ensure_language_versions()}.")
        if settings.MEDIA_STORAGE == "s3":
            from django.core.files.storage import storages

            from config.storage import prepare_bucket

            prepare_bucket(storages["default"])
            self.stdout.write(f"Media bucket ready: {storages['default'].bucket_name}.")
        self.stdout.write(self.style.SUCCESS("The site is prepared."))
