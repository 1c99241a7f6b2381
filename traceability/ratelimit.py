"""Per-device rate limit of the ingestion API: at most TRACE_DEVICE_REQUESTS_PER_MINUTE posts a minute.

A fixed one-minute window counted in the cache (Redis whenever REDIS_URL is set, so every web process shares the
count). If the cache does not answer, the count falls back to this process's memory, so a Redis outage slows
nothing and still limits each process (the limit then holds per process, not across them); the fallback is
logged once per outage.
"""

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from core.cache import raw_redis_client

logger = logging.getLogger(__name__)
WINDOW_SECONDS = 60

_local_counts = {}
_local_lock = threading.Lock()
_fallback_logged = False


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window ends
    shared: bool  # counted in the shared cache (False: this process's fallback)


def _redis_client(key):
    """The Redis client that holds `key` when the cache is Redis and answering, else None."""
    return raw_redis_client(cache, key)


def _count_in_cache(key):
    client = _redis_client(key)
    if client is not None:
        # One round trip: SET … NX EX makes the key with its expiry once, INCR counts (atomic in Redis). Django's
        # Redis cache stores integers as they are, so cache.get() reads the same count.
        full_key = cache.make_and_validate_key(key)
        pipeline = client.pipeline(transaction=False)
        pipeline.set(full_key, 0, ex=WINDOW_SECONDS * 2, nx=True)
        pipeline.incr(full_key)
        return pipeline.execute()[1]
    # add() makes the key with its expiry once; incr() is atomic (under locmem's lock, or in Redis).
    cache.add(key, 0, WINDOW_SECONDS * 2)
    return cache.incr(key)


def _count_locally(key, window):
    with _local_lock:
        for stale in [name for name, (kept_window, _count) in _local_counts.items() if kept_window < window]:
            del _local_counts[stale]
        kept_window, count = _local_counts.get(key, (window, 0))
        _local_counts[key] = (window, count + 1)
        return count + 1


def check_device_rate(device_id, now=None):
    """Count one post of `device_id` in the current minute and say whether it is within the limit."""
    global _fallback_logged
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    key = f"traceability:rate:{device_id}:{window}"
    limit = settings.TRACE_DEVICE_REQUESTS_PER_MINUTE
    shared = True
    try:
        count = _count_in_cache(key)
        _fallback_logged = False
    except Exception:  # the cache (Redis) is down: limit within this process rather than refuse or stop limiting
        if not _fallback_logged:
            logger.warning("device rate limit: the cache does not answer; counting in this process", exc_info=True)
            _fallback_logged = True
        count = _count_locally(key, window)
        shared = False
    retry_after = max(1, int((window + 1) * WINDOW_SECONDS - now))
    return RateDecision(allowed=count <= limit, count=count, limit=limit, retry_after=retry_after, shared=shared)
