"""Task workers that say they are alive, and the recovery of tasks whose worker died mid-task.

django-tasks' database worker marks a task RUNNING when it claims it and never looks at it again: a worker killed
mid-task (a deploy, the OOM killer, a lost machine) leaves the task RUNNING forever. Our workers
(``manage.py run_worker``) write a heartbeat row every few seconds; the scheduler puts a RUNNING task back in the
queue once its worker has been silent for ``TASK_WORKER_LOST_AFTER_SECONDS``, up to ``TASK_MAX_ATTEMPTS`` claims,
then marks it failed. A task killed mid-way had its database transaction rolled back with its connection, and
every task of Homeward is safe to run again, so the retry does the work once.

Tasks claimed by a worker that never sent a heartbeat (a plain ``db_worker``) are left alone: silence from a worker
we cannot hear is no evidence that it died.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus

from scheduling import metrics
from scheduling.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

FORGET_SILENT_WORKERS_AFTER = timedelta(days=1)


class WorkerLost(Exception):
    """The worker that ran this task stopped answering before it finished, too many times."""


def heartbeat_seconds():
    return settings.TASK_WORKER_HEARTBEAT_SECONDS


def lost_after():
    return timedelta(seconds=settings.TASK_WORKER_LOST_AFTER_SECONDS)


def beat(worker_id, started_at, now=None):
    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": socket.gethostname(), "pid": os.getpid(), "started_at": started_at, "last_seen": now},
    )


class Heartbeat(threading.Thread):
    """Writes the worker's heartbeat row every few seconds from a thread of its own (so a long task keeps it fresh)."""

    def __init__(self, worker_id):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self._stopping = threading.Event()

    def start(self):
        # The first beat is written before the worker takes a task, so no task ever runs unannounced.
        beat(self.worker_id, self.started_at)
        super().start()

    def run(self):
        try:
            while not self._stopping.wait(heartbeat_seconds()):
                try:
                    beat(self.worker_id, self.started_at)
                except Exception:  # the database is away: try again next time, the worker goes on
                    logger.warning("could not write the worker heartbeat", exc_info=True)
                    connection.close()
        finally:
            connection.close()

    def stop(self):
        """Stop beating and forget this worker (it finished its task and exits cleanly)."""
        self._stopping.set()
        self.join(timeout=heartbeat_seconds() + 5)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except Exception:
            logger.warning("could not remove the worker heartbeat", exc_info=True)


def recover_lost_tasks(now=None):
    """Put RUNNING tasks of silent workers back in the queue (or fail them after too many claims); how many."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    cutoff = now - lost_after()
    silent = set(WorkerHeartbeat.objects.filter(last_seen__lt=cutoff).values_list("worker_id", flat=True))
    if not silent:
        return 0
    recovered = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING, started_at__lt=cutoff
        )
        for result in running:
            if not result.worker_ids or result.worker_ids[-1] not in silent:
                continue
            if len(result.worker_ids) >= settings.TASK_MAX_ATTEMPTS:
                result.set_failed(WorkerLost(f"its worker stopped answering {len(result.worker_ids)} times"))
                logger.error("task given up after lost workers", extra={"task_id": str(result.id)})
                metrics.TASKS_GIVEN_UP.inc()
            else:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
                logger.warning(
                    "task requeued: its worker went silent",
                    extra={"task_id": str(result.id), "task": result.task_path, "worker_id": result.worker_ids[-1]},
                )
                metrics.TASKS_RECOVERED.inc()
            recovered += 1
    WorkerHeartbeat.objects.filter(last_seen__lt=now - FORGET_SILENT_WORKERS_AFTER).delete()
    return recovered
