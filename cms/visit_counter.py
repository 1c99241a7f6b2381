"""Page reads counted off the request path: one Redis HINCRBY per read, written to PageVisitDay by a scheduled flush.

A read used to UPDATE its page's row of the day in PostgreSQL: every reader of a page took the same row lock, so
readers of a popular page queued behind each other and every anonymous page view was a write transaction. Now a
read adds one to a field of a Redis hash per day (`<prefix>cms:visits:<day>`, field = translation key; one atomic
round trip, no lock anyone waits on), and the scheduler's `flush_page_visits` job (every minute) moves the counts
into PageVisitDay with one upsert per day. `recent_visits` (the "needs translation" queue) adds the counts not yet
flushed, so the queue never lags.

Where there is no Redis (the embedded default: local-memory cache) or Redis fails, a read is counted in the
database as before (one UPDATE): the count is never lost for lack of Redis, only slower.

A flush renames the day's hash before reading it, so reads counted meanwhile go to a new hash and none is lost. If
the database write fails, the renamed hash stays and the next flush writes it; if the process dies between the
database commit and the deletion of the renamed hash, those counts are written twice — reads are a sort order for
the translation queue, not money, so that rare over-count is accepted.
"""

import datetime
import logging

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

logger = logging.getLogger(__name__)

DAYS_KEY = "cms:visits:days"


def _redis():
    """The cache's Redis client, or None (no Redis cache, or Redis known to be failing right now)."""
    from django.core.cache import caches

    from core.cache import raw_redis_client

    return raw_redis_client(caches["default"])


def _day_key(day):
    return cache.make_key(f"cms:visits:{day.isoformat()}")


def _flushing_key(day):
    return cache.make_key(f"cms:visits:flushing:{day.isoformat()}")


def count_visit(translation_key, day=None):
    """Add one read of the translation group on `day` (today): one Redis round trip, or one UPDATE without Redis."""
    from redis.exceptions import RedisError

    from cms.models import PageVisitDay

    day = day or timezone.localdate()
    client = _redis()
    if client is not None:
        try:
            pipe = client.pipeline(transaction=False)
            pipe.hincrby(_day_key(day), str(translation_key), 1)
            pipe.sadd(cache.make_key(DAYS_KEY), day.isoformat())
            pipe.execute()
            return
        except RedisError as error:
            from core.cache import report_redis_failure

            report_redis_failure(cache, error)
            logger.warning("page visit not counted in Redis; counted in the database", exc_info=True)
    PageVisitDay.count_visit(translation_key, day)


def pending_visits(since):
    """{translation key (str): reads counted in Redis from `since` on and not flushed yet}."""
    from redis.exceptions import RedisError

    client = _redis()
    if client is None:
        return {}
    totals = {}
    try:
        for raw in client.smembers(cache.make_key(DAYS_KEY)):
            day = datetime.date.fromisoformat(raw.decode() if isinstance(raw, bytes) else raw)
            if day < since:
                continue
            for key in (_day_key(day), _flushing_key(day)):
                for field, value in client.hgetall(key).items():
                    field = field.decode() if isinstance(field, bytes) else field
                    totals[field] = totals.get(field, 0) + int(value)
    except RedisError:
        logger.warning("pending page visits not read from Redis", exc_info=True)
        return {}
    return totals


def flush_page_visits():
    """Move the counts held in Redis into PageVisitDay (one upsert per day); returns the number of reads moved."""
    from cms.models import PageVisitDay

    client = _redis()
    if client is None:
        return 0
    moved = 0
    today = timezone.localdate()
    days_key = cache.make_key(DAYS_KEY)
    for raw in client.smembers(days_key):
        iso = raw.decode() if isinstance(raw, bytes) else raw
        day = datetime.date.fromisoformat(iso)
        source, flushing = _day_key(day), _flushing_key(day)
        if not client.exists(flushing):  # else a failed flush left it: write that first, the rest next time
            try:
                client.rename(source, flushing)
            except Exception:  # noqa: BLE001 (no such key: nothing counted since the last flush)
                if day < today - datetime.timedelta(days=1):
                    client.srem(days_key, iso)
                continue
        counts = {
            (field.decode() if isinstance(field, bytes) else field): int(value)
            for field, value in client.hgetall(flushing).items()
        }
        if counts:
            _add_visits(PageVisitDay, day, counts)
            moved += sum(counts.values())
        client.delete(flushing)
    return moved


def _add_visits(model, day, counts):
    """INSERT … ON CONFLICT DO UPDATE visits = visits + EXCLUDED.visits, for every translation key of the day."""
    rows = sorted(counts.items())
    if connection.vendor != "postgresql":
        with transaction.atomic():
            for key, visits in rows:
                if not model.objects.filter(translation_key=key, day=day).update(visits=F("visits") + visits):
                    model.objects.create(translation_key=key, day=day, visits=visits)
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    for start in range(0, len(rows), 1000):
        batch = rows[start : start + 1000]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (translation_key, day, visits) VALUES "  # noqa: S608
                + ", ".join(["(%s::uuid, %s, %s)"] * len(batch))
                + " ON CONFLICT (translation_key, day) DO UPDATE SET visits = "
                f"{table}.visits + EXCLUDED.visits",
                [value for key, visits in batch for value in (key, day, visits)],
            )
