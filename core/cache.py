"""The cache keeps the site up when Redis is not: a Redis outage costs speed, never a page.

Django's Redis cache raises on every read while Redis is down, and waits as long as the socket allows while Redis
hangs; Wagtail's site-root cache and allauth's rate limits read it on nearly every request, so one dead Redis
answered 500 everywhere. `ResilientRedisCache` gives Redis short timeouts (CACHES OPTIONS) and, the first time a
call fails, serves this process from a local in-memory cache for RETRY_AFTER_SECONDS before trying Redis again:
pages miss and recompute, and rate limits keep counting locally (per process, which is looser than shared counting
but never unlimited). The outage is logged once per LOG_EVERY_SECONDS, and its recovery once.
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
LOG_EVERY_SECONDS = 60
FALLBACK_MAX_ENTRIES = 10_000


class _Outage:
    """Whether one Redis location is known to be failing; shared by every thread of the process (Django builds one
    cache object per thread)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.until = 0.0
        self.last_logged = -LOG_EVERY_SECONDS
        self.since = None

    def ongoing(self):
        return time.monotonic() < self.until

    def failed(self, location, error):
        now = time.monotonic()
        with self.lock:
            self.until = now + RETRY_AFTER_SECONDS
            if self.since is None:
                self.since = now
            if now - self.last_logged >= LOG_EVERY_SECONDS:
                self.last_logged = now
                logger.warning(
                    "Cache: Redis at %s is failing (%s: %s); serving from this process's memory for now",
                    location,
                    type(error).__name__,
                    error,
                )

    def answered(self, location):
        if self.since is None:
            return
        with self.lock:
            if self.since is not None:
                logger.warning("Cache: Redis at %s answers again after %.0f s", location, time.monotonic() - self.since)
                self.since = None


_outages = {}
_outages_lock = threading.Lock()


def outage_for(location):
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


_shared_clients = {}
_shared_clients_lock = threading.Lock()


class SharedRedisCacheClient(RedisCacheClient):
    """One connection pool and one redis client per server and process.

    Django makes a cache object per thread (under ASGI: per request, each request's work runs in a thread of its
    own), each with its own connection pool, and a new `redis.Redis` for every call: a new Redis connection per
    request and a client built a dozen times per page. A redis client over a pool is safe to share between threads.
    """

    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        # What makes two pools alike, worked out once here rather than on every cache call.
        self._options_key = repr(sorted(self._pool_options.items()))

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        shared = (self._servers[index], self._options_key)
        client = _shared_clients.get(shared)
        if client is None:
            with _shared_clients_lock:
                client = _shared_clients.get(shared)
                if client is None:
                    pool = self._pool_class.from_url(self._servers[index], **self._pool_options)
                    client = _shared_clients[shared] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedRedisCacheClient
        self._location = server if isinstance(server, str) else ",".join(server)
        self._outage = outage_for(self._location)
        # LocMemCache objects with the same name share their storage: one fallback per process, not per thread.
        self._fallback = LocMemCache(
            f"homeward-redis-fallback:{self._location}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "KEY_FUNCTION": params.get("KEY_FUNCTION"),
                "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES},
            },
        )

    @property
    def redis_is_available(self):
        """False while a recent call failed (then every call goes to the local fallback)."""
        return not self._outage.ongoing()

    def _call(self, name, *args, **kwargs):
        if not self._outage.ongoing():
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except RedisError as error:
                self._outage.failed(self._location, error)
            else:
                self._outage.answered(self._location)
                return result
        return getattr(self._fallback, name)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        self._fallback.clear()
        return self._call("clear")


def raw_redis_client(backend, key=None):
    """The Redis client behind a cache, for commands the cache API lacks (HINCRBY, pipelines); None when the cache
    is not Redis or Redis is in an outage (then the caller takes its own fallback instead of waiting on a timeout)."""
    if not isinstance(backend, RedisCache) or not getattr(backend, "redis_is_available", True):
        return None
    return backend._cache.get_client(key, write=True)


def report_redis_failure(backend, error):
    """A raw-client call failed: start the cache's outage, so later calls go to their fallback at once."""
    if isinstance(backend, ResilientRedisCache):
        backend._outage.failed(backend._location, error)
