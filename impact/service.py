"""The figures the page, the downloads and the admin read, kept in the cache with the version of their sources.

The version of the sources (``data_version``): the newest ledger entry, interest, interest event, Wagtail page
log entry and enterprise profile row (one query of index look-ups), and traceability's figures version (one query
over its batches and devices). Any new ledger entry, a stage change or a new commitment, a (re)publication or
unpublication, a new enterprise, a batch published or unpublished, a device that comes alive, falls silent or is
revoked, a booking made, attended or cancelled, an offer of help changed, an organisation added or removed
changes the version. An edit that changes none of them (e.g. an enterprise's returned-home count edited
in place, a view restriction added) is picked up once the figures are older than ``FRESH_SECONDS``.

For each set of filters the cache holds the latest figures computed (``Snapshot``: figures, their version, when
they were computed). Two ways to read them:

- ``page_snapshot(filters)`` (the public page): stale-while-revalidate. When the sources changed since the
  snapshot (a payment came in) or it is older than ``FRESH_SECONDS``, the visitor gets the snapshot at once,
  marked stale (the page says "figures as of HH:MM"), and one background task (``impact.tasks``) computes the
  new figures; the next visitor gets them. At most one refresh per filter set is queued at a time, whatever
  the number of payments or visitors. Only when there is no snapshot at all (the first visit of a filter set,
  or none in ``KEEP_SECONDS``), or when a queued refresh has not arrived within ``REFRESH_WAIT_SECONDS`` (no
  worker, or a worker that does not share the cache), does the visitor wait for the computation. With the
  immediate task backend (tests, a single-process run) the refresh runs inside the request, so the visitor
  gets the new figures.
- ``cached_figures(filters)`` (downloads, staff reports, dashboard panel): always the figures of the current
  version, computed in the request when the snapshot is out of date.

Only shared figures are kept (``is_shared``): the whole-map choices (year, sector, SDG, funding type, all
whitelisted, so their combinations are few). A visitor's own list of townships (``town=``, at most
``impact.forms.MAX_TOWNSHIPS``) is computed in the request and not cached, so new lists cannot fill the cache;
staff reports pass ``shared=True`` for their fixed lists (the priority areas).
"""

import dataclasses
import datetime
import hashlib
import logging

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from impact.measures import ImpactData, ImpactFilters, figures

logger = logging.getLogger(__name__)

FRESH_SECONDS = 300  # a snapshot older than this is refreshed even if the version did not change
KEEP_SECONDS = 24 * 3600  # how long a snapshot can be served (stale) before a visitor has to wait for new figures
REFRESH_WAIT_SECONDS = 60  # a stale snapshot whose refresh was queued longer ago than this is refreshed in the request
REFRESH_LOCK_SECONDS = 600  # a refresh task that never ran (worker down) lets another be queued after this


@dataclasses.dataclass(frozen=True)
class Snapshot:
    data: ImpactData
    version: str
    computed_at: datetime.datetime
    stale: bool = False  # the sources changed since (or it is old): newer figures are being computed


def data_version():
    """A short hash of the sources' state, from one query of index look-ups (its cost does not grow with the data).

    - ledger entries: the newest id (the ledger is append-only: entries are never edited nor deleted);
    - interests: the latest change and the count (a deletion lowers it); interest events: the newest id;
    - project pages: the newest Wagtail page log entry (every publication, unpublication, move and deletion
      through Wagtail writes one);
    - enterprise profiles: the newest id and the count;
    - traced batches and live devices: ``traceability.impact.figures_version_sql``;
    - bookings (new, attended, cancelled): ``experiences.impact.figures_version_sql``;
    - offers of help (their latest change) and organisations: ``people.impact.figures_version_sql``.

    All in one query: each app gives its part as scalar subqueries.
    """
    from wagtail.models import PageLogEntry

    from experiences.impact import figures_version_sql as bookings_version
    from marketplace.models import EnterpriseProfile, Interest, InterestEvent
    from payments.models import LedgerEntry
    from people.impact import figures_version_sql as people_version
    from traceability.impact import figures_version_sql as traces_version

    def table(model):
        return connection.ops.quote_name(model._meta.db_table)

    columns = [
        f"(SELECT MAX(id) FROM {table(LedgerEntry)})",  # noqa: S608 (table names from the models)
        f"(SELECT MAX(updated) FROM {table(Interest)})",  # noqa: S608
        f"(SELECT COUNT(*) FROM {table(Interest)})",  # noqa: S608
        f"(SELECT MAX(id) FROM {table(InterestEvent)})",  # noqa: S608
        f"(SELECT MAX(id) FROM {table(PageLogEntry)})",  # noqa: S608
        f"(SELECT MAX(id) FROM {table(EnterpriseProfile)})",  # noqa: S608
        f"(SELECT COUNT(*) FROM {table(EnterpriseProfile)})",  # noqa: S608
    ]
    params = []
    for app_columns, app_params in (traces_version(), bookings_version(), people_version()):
        columns += app_columns
        params += app_params
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}", params)  # noqa: S608 (SQL made above and by the ORM)
        parts = cursor.fetchone()
    return hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:16]


def _digest(filters):
    return hashlib.sha1(repr(filters).encode(), usedforsecurity=False).hexdigest()[:16]


def _snapshot_key(filters):
    return f"impact:snapshot:{_digest(filters)}"


def _stamp_key(filters):
    return f"impact:snapshot-stamp:{_digest(filters)}"


def _lock_key(filters):
    return f"impact:refreshing:{_digest(filters)}"


def _current(snapshot, version):
    age = (timezone.now() - snapshot.computed_at).total_seconds()
    return snapshot.version == version and age < FRESH_SECONDS


def is_shared(filters):
    """Figures many visitors ask for (no list of townships chosen): these are cached."""
    return not filters.township_codes


def refresh_snapshot(filters, version=None):
    """Compute the figures now and keep them as the snapshot of these filters.

    The version is read before the figures, so the figures hold at least what the version names: a change
    made meanwhile makes the next reader see a newer version and refresh again, never the reverse.
    """
    version = version or data_version()
    snapshot = Snapshot(data=figures(filters), version=version, computed_at=timezone.now())
    cache.set_many(
        {_snapshot_key(filters): snapshot, _stamp_key(filters): (snapshot.version, snapshot.computed_at)}, KEEP_SECONDS
    )
    return snapshot


def current_stamp(filters):
    """(version, computed_at) of the kept snapshot of these shared filters when it is current (the sources unchanged
    and the figures fresh), else None: what the page's kept copy is keyed by, read without the figures themselves
    (the snapshot of 368 townships is most of a cached page's cost)."""
    stamp = cache.get(_stamp_key(filters))
    if stamp is None:
        return None
    version, computed_at = stamp
    if version != data_version() or (timezone.now() - computed_at).total_seconds() >= FRESH_SECONDS:
        return None
    return stamp


def cached_figures(filters, *, shared=None):
    """The figures of the sources as they are now (computed in the request if the snapshot is out of date)."""
    if not (is_shared(filters) if shared is None else shared):
        return figures(filters)
    version = data_version()
    snapshot = cache.get(_snapshot_key(filters))
    if snapshot is None or not _current(snapshot, version):
        snapshot = refresh_snapshot(filters, version)
    return snapshot.data


def page_snapshot(filters):
    """The latest figures at once; when out of date, marked stale and a refresh queued (see the module doc)."""
    if not is_shared(filters):
        return Snapshot(data=figures(filters), version="", computed_at=timezone.now())
    version = data_version()
    snapshot = cache.get(_snapshot_key(filters))
    if snapshot is None:
        return refresh_snapshot(filters, version)
    if _current(snapshot, version):
        return snapshot
    queued_at = schedule_refresh(filters)
    # The immediate backend has refreshed already; a queue (the database backend) will do it in a moment.
    snapshot = cache.get(_snapshot_key(filters)) or snapshot
    if _current(snapshot, version):
        return snapshot
    if queued_at is None or (timezone.now() - queued_at).total_seconds() > REFRESH_WAIT_SECONDS:
        # The queue did not deliver in time (no worker running, or a worker that does not share this cache):
        # compute here rather than serve old figures for long.
        logger.warning(
            "impact figures: the queued refresh did not arrive in %s s; computing in the request", REFRESH_WAIT_SECONDS
        )
        return run_refresh(filters, version)
    return dataclasses.replace(snapshot, stale=True)


def schedule_refresh(filters):
    """Queue one refresh of these filters' figures unless one is queued already; when the pending one was queued.

    None when it could not be queued.
    """
    from impact.tasks import refresh_impact_figures

    lock = _lock_key(filters)
    now = timezone.now()
    if not cache.add(lock, now, REFRESH_LOCK_SECONDS):
        return cache.get(lock) or now
    try:
        refresh_impact_figures.enqueue(filters_to_json(filters))
    except Exception:  # a queue failure must not break the page: the visitor's request computes the figures instead
        logger.exception("could not queue a refresh of the impact figures")
        cache.delete(lock)
        return None
    return now


def run_refresh(filters, version=None):
    """What the refresh task runs: compute and keep the figures, then let the next change queue another."""
    try:
        return refresh_snapshot(filters, version)
    finally:
        cache.delete(_lock_key(filters))


def filters_to_json(filters):
    return {**dataclasses.asdict(filters), "township_codes": list(filters.township_codes)}


def filters_from_json(values):
    return ImpactFilters(**{**values, "township_codes": tuple(values.get("township_codes") or ())})
