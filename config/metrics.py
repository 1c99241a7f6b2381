"""Prometheus metrics beyond django-prometheus' request metrics.

Each process exports its own registry: the web processes at ``/metrics`` (django-prometheus' view), the workers and
the scheduler on ``--metrics-port`` / ``METRICS_PORT``. Figures that belong to the whole system rather than to one
process (queue depth, webhook lag, pending search updates, scheduled jobs) are read from the database when
scraped (``SystemCollector``), so any one process reports them and restarts lose nothing.
"""

import logging
import time

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

TASKS_STARTED = Counter("homeward_tasks_started_total", "Background tasks started in this process", ["task"])
TASKS_FINISHED = Counter(
    "homeward_tasks_finished_total", "Background tasks finished in this process", ["task", "status"]
)
TASK_SECONDS = Histogram(
    "homeward_task_duration_seconds",
    "Time a background task ran",
    ["task"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
SEARCH_FALLBACKS = Counter(
    "homeward_search_fallbacks_total", "Searches answered by the database because Elasticsearch failed", ["method"]
)


def serve_process_metrics(port=None):
    """Serve this process' metrics on `port` (or METRICS_PORT); the web processes use /metrics instead."""
    import os

    port = port or int(os.environ.get("METRICS_PORT") or 0)
    if not port:
        return None
    from prometheus_client import start_http_server

    start_http_server(port, addr=os.environ.get("METRICS_ADDRESS", "0.0.0.0"))  # noqa: S104 (scraped in the private network)
    logger.info("metrics served", extra={"port": port})
    return port


def count_tasks():
    """Count and time every task this process runs (django-tasks' signals)."""
    from django_tasks.signals import task_finished, task_started

    task_started.connect(_task_started, dispatch_uid="config.metrics.task_started")
    task_finished.connect(_task_finished, dispatch_uid="config.metrics.task_finished")


def _task_started(sender, task_result, **kwargs):
    TASKS_STARTED.labels(task=task_result.task.name).inc()


def _task_finished(sender, task_result, **kwargs):
    TASKS_FINISHED.labels(task=task_result.task.name, status=task_result.status.value).inc()
    if task_result.started_at and task_result.finished_at:
        TASK_SECONDS.labels(task=task_result.task.name).observe(
            (task_result.finished_at - task_result.started_at).total_seconds()
        )


def record_search_fallback(method):
    SEARCH_FALLBACKS.labels(method=method).inc()


class SystemCollector:
    """Figures read from the database at scrape time (cheap indexed queries; cached for 10 seconds)."""

    CACHE_SECONDS = 10

    def __init__(self):
        self._cached_at = 0.0
        self._families = []

    def collect(self):
        if time.monotonic() - self._cached_at > self.CACHE_SECONDS:
            try:
                self._families = list(self._read())
            except Exception:  # a scrape must answer even when the database does not
                logger.warning("could not read the system metrics", exc_info=True)
                self._families = []
            self._cached_at = time.monotonic()
        return iter(self._families)

    def _read(self):
        from django.db.models import Count, Max, Min
        from django.utils import timezone
        from django_tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        from scheduling.jobs import JOBS
        from scheduling.models import JobRun, WorkerHeartbeat

        now = timezone.now()
        queue = GaugeMetricFamily("homeward_tasks_queued", "Tasks waiting for a worker", labels=["status"])
        for row in (
            DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
            .values("status")
            .annotate(n=Count("id"))
        ):
            queue.add_metric([row["status"]], row["n"])
        yield queue
        oldest = DBTaskResult.objects.ready().aggregate(oldest=Min("enqueued_at"))["oldest"]
        yield GaugeMetricFamily(
            "homeward_tasks_oldest_waiting_seconds",
            "Age of the oldest task waiting for a worker (0 when none waits)",
            value=(now - oldest).total_seconds() if oldest else 0,
        )
        alive = WorkerHeartbeat.objects.filter(last_seen__gte=now - _lost_after()).count()
        yield GaugeMetricFamily("homeward_task_workers_alive", "Workers with a fresh heartbeat", value=alive)

        last = GaugeMetricFamily(
            "homeward_scheduler_last_success_timestamp_seconds",
            "When each scheduled job last succeeded (Unix time; 0 if never)",
            labels=["job"],
        )
        succeeded = dict(
            JobRun.objects.filter(outcome=JobRun.Outcome.SUCCEEDED)
            .values("job")
            .annotate(last=Max("finished_at"))
            .values_list("job", "last")
        )
        for job in JOBS:
            when = succeeded.get(job.name)
            last.add_metric([job.name], when.timestamp() if when else 0)
        yield last
        failing = GaugeMetricFamily(
            "homeward_scheduler_failed_runs_unreported", "Failed job runs waiting for a retry", labels=["job"]
        )
        for row in (
            JobRun.objects.filter(outcome=JobRun.Outcome.FAILED, reported_at__isnull=True)
            .values("job")
            .annotate(n=Count("id"))
        ):
            failing.add_metric([row["job"]], row["n"])
        yield failing

        yield from self._webhooks(now)
        yield from self._search()

    def _webhooks(self, now):
        from datetime import timedelta

        from django.apps import apps
        from django.db.models import Avg, Count, F, Max

        StripeEvent = apps.get_model(WEBHOOK_EVENT_MODEL)
        recent = StripeEvent.objects.filter(
            processed_at__gte=now - timedelta(minutes=5), stripe_created__isnull=False
        ).annotate(lag=F("processed_at") - F("stripe_created"))
        lag = recent.aggregate(avg=Avg("lag"), max=Max("lag"))
        family = GaugeMetricFamily(
            "homeward_webhook_lag_seconds",
            "Stripe event creation to processing, events processed in the last 5 minutes",
            labels=["stat"],
        )
        family.add_metric(["avg"], lag["avg"].total_seconds() if lag["avg"] else 0)
        family.add_metric(["max"], lag["max"].total_seconds() if lag["max"] else 0)
        yield family
        statuses = GaugeMetricFamily("homeward_webhook_events", "Stored Stripe events by status", labels=["status"])
        for row in StripeEvent.objects.values("status").annotate(n=Count("id")):
            statuses.add_metric([row["status"]], row["n"])
        yield statuses

    def _search(self):
        from django.apps import apps

        PendingUpdate = apps.get_model("search", "PendingUpdate")
        yield GaugeMetricFamily(
            "homeward_search_pending_updates",
            "Index updates Elasticsearch missed, waiting to be replayed",
            value=PendingUpdate.objects.count(),
        )


# The app label of the stored Stripe events (payments moves to its own app: change it here).
WEBHOOK_EVENT_MODEL = "payments.StripeEvent"


def _lost_after():
    from scheduling.workers import lost_after

    return lost_after()


_registered = False


def register_system_collector():
    global _registered
    if _registered:
        return
    from prometheus_client import REGISTRY

    REGISTRY.register(SystemCollector())
    _registered = True
