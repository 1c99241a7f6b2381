"""Keeping the indexes in step with the data: one action per kind of change.

- `schedule_reindex(family, ids)`: what the search app's receivers call on a save
  or delete. It collects ids and enqueues one task per family when the
  transaction commits (a bulk import inside a transaction, or inside
  `batched()`, enqueues one task per 500 ids, not one per row).
- `update_documents(family, ids)`: what the task runs: re-read the objects,
  write them to the database engine, then to Elasticsearch; objects that no
  longer exist are deleted. An Elasticsearch failure is recorded as a
  PendingUpdate and never raised: a save never fails because of the index.
- `schedule_debounced_reindex(family, ids)`: for changes that come in bursts (money moving on a project: 300
  payments in a minute are 300 webhook transactions). The first change of an object enqueues one task to run
  `DEBOUNCE_SECONDS` later and marks the object in the cache; later changes within that time find the mark and
  enqueue nothing; the task clears the mark before it reads the object, so it indexes every change made before
  it ran, and a change made after it started enqueues the next one. A burst makes one task per object per
  `DEBOUNCE_SECONDS`, whatever its size. With a task backend that cannot defer (the immediate backend of tests
  and of a single-process run) there is nothing to wait for: every change reindexes at commit.
- `replay_pending_updates()`: applies the recorded updates once Elasticsearch
  answers again (task `replay_pending_search_updates`, command of the same name).
"""

import datetime
import logging
import threading
from contextlib import contextmanager

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.page_cache import search_results_changed
from search import matching_index
from search.documents import get_family
from search.engines import configured_engine_name, database_engine, elasticsearch_engine
from search.models import IndexRebuild, PendingUpdate

logger = logging.getLogger(__name__)
CHUNK = 500
_state = threading.local()


def _pending():
    if not hasattr(_state, "pending"):
        _state.pending = {}
        _state.depth = 0
    return _state.pending


def schedule_reindex(family_name, ids):
    _pending().setdefault(family_name, set()).update(str(i) for i in ids)
    if _state.depth == 0:
        # Every save registers a callback; the first one at commit takes every id, the others find nothing.
        transaction.on_commit(flush_scheduled, robust=True)


@contextmanager
def batched():
    """Collect every reindex inside the block and enqueue them together at the end (or at commit)."""
    _pending()
    _state.depth += 1
    try:
        yield
    finally:
        _state.depth -= 1
        if _state.depth == 0:
            transaction.on_commit(flush_scheduled, robust=True)


def flush_scheduled():
    from search.tasks import update_search_documents

    pending = _pending()
    taken = {family: sorted(ids) for family, ids in pending.items() if ids}
    pending.clear()
    for family, ids in taken.items():
        for start in range(0, len(ids), CHUNK):
            try:
                update_search_documents.enqueue(family, ids[start : start + CHUNK])
            except Exception:  # a queue failure must not break the save that caused it
                logger.exception("could not enqueue a search update for %s", family)
                PendingUpdate.objects.bulk_create(
                    [PendingUpdate(family=family, object_id=i, action=PendingUpdate.UPDATE) for i in ids]
                )


DEBOUNCE_SECONDS = 10


def _debounce_key(family_name, object_id):
    return f"search:debounced:{family_name}:{object_id}"


def schedule_debounced_reindex(family_name, ids):
    """Reindex these objects soon, once per burst of changes (see the module docstring)."""
    from django_tasks import default_task_backend

    from search.tasks import refresh_search_documents

    if not default_task_backend.supports_defer:
        schedule_reindex(family_name, ids)
        return
    ids = [str(i) for i in ids]

    def enqueue():
        # Marked at commit (a rolled-back change marks nothing). A mark is held longer than the delay: a task the
        # worker starts late still finds (and clears) its marks; if one expires first, the next change enqueues
        # one more task, never fewer.
        due = [i for i in ids if cache.add(_debounce_key(family_name, i), 1, timeout=DEBOUNCE_SECONDS * 6)]
        if not due:
            return
        run_after = timezone.now() + datetime.timedelta(seconds=DEBOUNCE_SECONDS)
        try:
            refresh_search_documents.using(run_after=run_after).enqueue(family_name, sorted(due))
        except Exception:  # a queue failure must not break the payment that caused it
            logger.exception("could not enqueue a debounced search update for %s", family_name)
            cache.delete_many([_debounce_key(family_name, i) for i in due])
            PendingUpdate.objects.bulk_create(
                [PendingUpdate(family=family_name, object_id=i, action=PendingUpdate.UPDATE) for i in due]
            )

    transaction.on_commit(enqueue, robust=True)


def reindex_projects_soon(project_ids):
    """payments.ledger.totals_changed: a project's money moved; its document is refreshed (debounced: a burst of
    payments makes one reindex)."""
    schedule_debounced_reindex("projects", project_ids)


def refresh_debounced(family_name, ids):
    """What the debounced task runs: clear the marks, then reindex (so later changes enqueue again)."""
    cache.delete_many([_debounce_key(family_name, i) for i in ids])
    return update_documents(family_name, ids)


WRITE_ATTEMPTS = 3


def _in_the_database(family, ids):
    """Read these objects and write them to the database engine: (documents, ids of those gone). Two workers may
    write the same object at once (a publish and a payment's debounced update): the second one's insert
    waits on the first one's entry, then fails on it. It reads the objects again, which now holds what the first
    wrote and anything newer, and writes again over the first's entry: the entry is always the newer one, never an
    error and a lost update."""
    database = database_engine()
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        documents, missing = _documents(family, ids)
        try:
            database.index_documents(documents)
        except IntegrityError:
            if attempt == WRITE_ATTEMPTS:
                raise
            logger.info("search entries of %s written meanwhile by another worker: writing again", family.name)
            continue
        database.delete_documents(family.name, missing)
        return documents, missing


def _documents(family, ids):
    objects = family.objects_for_ids(ids)
    documents = family.documents_for(list(objects.values()))
    missing = [str(i) for i in ids if str(i) not in objects]
    return documents, missing


def update_documents(family_name, ids):
    """Reindex these objects in every engine. Returns {"indexed", "deleted", "pending"}."""
    family = get_family(family_name)
    documents, missing = _in_the_database(family, ids)
    pending = 0
    if configured_engine_name() == "elasticsearch":
        if rebuilding(family.name):
            # The rebuild may already have read these objects: replay them into the new index after the swap.
            _queue(family.name, ids, missing, "written during a rebuild")
        try:
            engine = elasticsearch_engine()
            engine.index_documents(documents)
            if missing:
                engine.delete_documents(family.name, missing)
        except Exception as error:  # Elasticsearch down or slow: remember, replay later
            logger.warning("Elasticsearch missed %s updates of %s: %r", len(ids), family.name, error)
            _queue(family.name, ids, missing, repr(error))
            pending = len(ids)
    search_results_changed()
    return {"indexed": len(documents), "deleted": len(missing), "pending": pending}


def rebuild_elasticsearch_index(family, progress=None, chunk_size=500):
    """Rebuild one family's Elasticsearch index while writes go on. Returns (docs, seconds).

    The engine fills a new index and swaps the alias (search.es.ElasticsearchEngine.rebuild); this layer keeps
    what is written meanwhile: an IndexRebuild row makes update_documents queue its writes too, and once the
    alias points to the new index they are replayed into it, so no write is lost."""
    from search.es import alias_name

    record = IndexRebuild.objects.create(family=family.name, index=alias_name(family.name))
    try:
        result = elasticsearch_engine().rebuild(family, progress=progress, chunk_size=chunk_size)
    finally:
        record.finished_at = timezone.now()
        record.save(update_fields=["finished_at"])
    replay_pending_updates(family=family.name)  # what was saved while the new index filled
    search_results_changed()
    return result


def rebuilding(family_name):
    return IndexRebuild.objects.filter(family=family_name, finished_at__isnull=True).exists()


def _queue(family_name, ids, missing, reason):
    PendingUpdate.objects.bulk_create(
        [
            PendingUpdate(
                family=family_name,
                object_id=str(i),
                action=PendingUpdate.DELETE if str(i) in missing else PendingUpdate.UPDATE,
                error=reason[:200],
            )
            for i in ids
        ]
    )


def replay_pending_updates(limit=5000, family=None):
    """Apply the updates Elasticsearch missed. Returns how many were applied (0 when it still fails)."""
    applied = _replay_pending_updates(limit, family)
    if applied:
        search_results_changed()
    return applied


def _replay_pending_updates(limit, family):
    if configured_engine_name() != "elasticsearch":
        return 0
    busy = set(IndexRebuild.objects.filter(finished_at__isnull=True).values_list("family", flat=True))
    rows = PendingUpdate.objects.exclude(family__in=busy).order_by("id")
    if family:
        rows = rows.filter(family=family)
    rows = list(rows[:limit])
    if not rows:
        return 0
    by_family = {}
    for row in rows:
        by_family.setdefault(row.family, set()).add(row.object_id)
    engine = elasticsearch_engine()
    applied = 0
    for family_name, ids in by_family.items():
        if family_name == matching_index.NAME:  # the matching index (search/matching_index.py), not a family
            try:
                matching_index.replay_pending([r for r in rows if r.family == family_name])
            except Exception as error:
                logger.warning("Elasticsearch still fails; %s pending updates kept: %r", len(rows), error)
                return applied
            PendingUpdate.objects.filter(pk__in=[r.pk for r in rows if r.family == family_name]).delete()
            applied += len(ids)
            continue
        try:
            family = get_family(family_name)
        except LookupError:
            logger.warning("dropping pending updates of the unknown family %s", family_name)
            PendingUpdate.objects.filter(family=family_name).delete()
            continue
        documents, missing = _documents(family, sorted(ids))
        try:
            engine.index_documents(documents)
            if missing:
                engine.delete_documents(family_name, missing)
        except Exception as error:
            logger.warning("Elasticsearch still fails; %s pending updates kept: %r", len(rows), error)
            return applied
        PendingUpdate.objects.filter(pk__in=[r.pk for r in rows if r.family == family_name]).delete()
        applied += len(ids)
    return applied
