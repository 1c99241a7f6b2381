"""Rebuild the search indexes: the database engine's tables, and Elasticsearch through a new index and an
alias swap (searches keep answering from the old index until the swap).

Both read each family batch by batch (`Family.iter_documents`: a bounded number of queries per batch, whatever it
holds); Elasticsearch receives the documents through the streaming bulk helper, refresh off until the swap."""

import time

from django.core.management.base import BaseCommand, CommandError

from cms.page_cache import search_results_changed
from core.progress import ProgressBar
from search.documents import families, get_family
from search.engines import configured_engine_name, database_engine
from search.indexing import rebuild_elasticsearch_index


class Command(BaseCommand):
    help = "Rebuild the search index of every family (or of --family NAME), with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("--family", action="append", help="only this family (repeatable)")
        only = parser.add_mutually_exclusive_group()
        only.add_argument("--database-only", action="store_true", help="only the database engine's tables")
        only.add_argument(
            "--elasticsearch-only",
            action="store_true",
            help="only Elasticsearch (after a change of its mapping or analysis: the database engine's tables, "
            "about 500 rows per document, take far longer to refill and have not changed)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="only the families whose database tables hold nothing while there is something to index "
            "(after a migration that changed the tables' format: `make run` calls this)",
        )

    def handle(self, *args, **options):
        if options["elasticsearch_only"] and configured_engine_name() != "elasticsearch":
            raise CommandError("--elasticsearch-only: the search engine is not Elasticsearch (set SEARCH_ENGINE).")
        names = options["family"] or sorted(families())
        try:
            selected = [get_family(name) for name in names]
        except LookupError as error:
            raise CommandError(str(error)) from error
        if options["if_empty"]:
            from search.models import SearchEntry

            selected = [
                family
                for family in selected
                if not SearchEntry.objects.filter(family=family.name).exists() and family.count()
            ]
        for family in selected:
            if not options["elasticsearch_only"]:
                self._database(family)
            if configured_engine_name() == "elasticsearch" and not options["database_only"]:
                self._elasticsearch(family)

    def _database(self, family):
        engine = database_engine()
        total = family.count()
        bar = ProgressBar(self.stdout, total, f"{family.name} (database)")
        started = time.perf_counter()
        engine.clear(family.name)
        done = 0
        for documents in family.iter_documents(batch_size=500):  # a bounded number of queries per batch
            done += engine.index_documents(documents)
            bar(done)
        bar(done)
        bar.close()
        search_results_changed()
        self._report(family, "database", done, time.perf_counter() - started)

    def _elasticsearch(self, family):
        total = family.count()
        bar = ProgressBar(self.stdout, total, f"{family.name} (elasticsearch)")
        try:
            done, seconds = rebuild_elasticsearch_index(family, progress=bar)
        except Exception as error:
            bar.close()
            raise CommandError(f"Elasticsearch rebuild of {family.name} failed: {error!r}") from error
        bar(done)
        bar.close()
        self._report(family, "elasticsearch", done, seconds)

    def _report(self, family, engine, done, seconds):
        rate = done / seconds if seconds else float("inf")
        self.stdout.write(
            self.style.SUCCESS(
                f"{family.name}: {done} documents indexed in {engine} in {seconds:.1f} s ({rate:,.0f} docs/s)"
            )
        )
