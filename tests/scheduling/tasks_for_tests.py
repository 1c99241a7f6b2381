"""Tasks the scheduling tests schedule (importable by dotted path, like the real ones)."""

from django.core.cache import cache
from django_tasks import task


@task()
def count_run(key):
    """Adds one to a counter in the cache (Redis in tests), so a test can see how often it ran."""
    cache.add(key, 0, 3600)
    return cache.incr(key)


@task()
def always_fails():
    raise RuntimeError("the job's service is down")


@task()
def record_turn(label):
    """Notes in the cache the turn (1, 2, ...) at which the worker ran this task, so a test can see the order."""
    cache.add("turns", 0, 3600)
    cache.set(f"turn:{label}", cache.incr("turns"), 3600)
