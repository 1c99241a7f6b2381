"""Render the public pages for the anonymous page cache, the most read first: after a release (new templates or
catalogues start every page's copy afresh) or a cache flush, so that visitors meet stored copies (cms.page_warming).
A page whose copy is current is served from the cache and not rendered again."""

from django.core.management.base import BaseCommand, CommandError

from cms.page_cache import enabled
from core.progress import ProgressBar

BATCH = 200


class Command(BaseCommand):
    help = "Render the live pages for the anonymous page cache, the most read of the last two weeks first."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, help="at most this many pages (every language counts)")

    def handle(self, *args, limit=None, **options):
        if not enabled():
            raise CommandError("The page cache is off (PAGE_CACHE_ENABLED): there is nothing to warm.")
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        from cms.page_warming import WarmingReport, most_read_first, warm

        page_ids = most_read_first(limit)
        bar = ProgressBar(self.stdout, len(page_ids), "pages", unit="pages")
        total = WarmingReport()
        for start in range(0, len(page_ids), BATCH):
            report = warm(page_ids[start : start + BATCH], progress=lambda done, start=start: bar(start + done))
            total.pages += report.pages
            total.seconds += report.seconds
            total.failed += report.failed
            for state, count in report.served.items():
                total.served[state] = total.served.get(state, 0) + count
        bar.close()
        self.stdout.write(total.summary())
        for url, status in total.failed[:20]:
            self.stderr.write(f"  {url}: {status or 'error (see the log)'}")
        if total.failed:
            self.stderr.write(f"{len(total.failed)} pages did not answer 200; their next visitors render them.")
