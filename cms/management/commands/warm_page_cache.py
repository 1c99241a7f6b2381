"""Render the public pages for the anonymous page cache, the most read first: after a release (new templates or
catalogues start every page's copy afresh) or a cache flush, so that visitors meet stored copies (cms.page_warming).
A page whose copy is current is served from the cache and not rendered again."""

from django.core.management.base import BaseCommand, CommandError

from cms.page_cache import enabled
from core.progress import ProgressBar


class Command(BaseCommand):
    help = "Render the live pages for the anonymous page cache, the most read of the last two weeks first."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=int,
            help="this many of the most read pages (every language counts), then the township and index pages",
        )

    def handle(self, *args, limit=None, **options):
        if not enabled():
            raise CommandError("The page cache is off (PAGE_CACHE_ENABLED): there is nothing to warm.")
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        from cms.page_warming import pages_of_the_day, warm

        page_ids = pages_of_the_day(limit)
        bar = ProgressBar(self.stdout, len(page_ids), "pages", unit="pages")
        report = warm(page_ids, progress=bar)
        bar.close()
        self.stdout.write(report.summary())
        for url, status in report.failed[:20]:
            self.stderr.write(f"  {url}: {status or 'error (see the log)'}")
        if report.failed:
            self.stderr.write(f"{len(report.failed)} pages did not answer 200; their next visitors render them.")
