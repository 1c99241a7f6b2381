"""The scheduler: enqueue each job's task once per slot, follow its outcome, retry failures, tell staff.

One loop, `Scheduler.tick(now)`, run every few seconds by ``manage.py run_scheduler``:

1. for each job, the newest slot at or before now: if no run of it exists, insert the run row (unique per job, slot
   and attempt) and enqueue the task in the same transaction. A second scheduler running the same tick fails the
   insert and enqueues nothing, so running two schedulers (or restarting one mid-tick) never runs a slot twice;
2. unfinished runs read their task's result (the workers record it) and copy the outcome;
3. a failed run whose job allows another attempt gets one after a growing delay (the same unique row guards it);
   the last failed attempt is reported to staff by email, once;
4. tasks held by a worker that stopped sending heartbeats are put back in the queue (``workers.recover_lost_tasks``).

Everything is decided from the database and the clock passed in, so tests move the clock instead of waiting.
"""

import json
import logging
import os
import socket
import time
from dataclasses import dataclass, field

from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks.exceptions import TaskResultDoesNotExist

from scheduling import metrics, reports, workers
from scheduling.jobs import JOBS
from scheduling.models import JobRun

logger = logging.getLogger(__name__)

_OUTCOME_FOR_STATUS = {
    TaskResultStatus.READY: JobRun.Outcome.QUEUED,
    TaskResultStatus.RUNNING: JobRun.Outcome.RUNNING,
    TaskResultStatus.SUCCESSFUL: JobRun.Outcome.SUCCEEDED,
    TaskResultStatus.FAILED: JobRun.Outcome.FAILED,
}


def process_identity():
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class TickReport:
    enqueued: list = field(default_factory=list)  # "job@slot#attempt" strings
    finished: int = 0
    retried: int = 0
    reported: int = 0
    recovered_tasks: int = 0


class Scheduler:
    def __init__(self, jobs=None, identity=None):
        self.jobs = list(JOBS if jobs is None else jobs)
        self.identity = identity or process_identity()

    # ------------------------------------------------------------------ the loop

    def tick(self, now=None):
        now = now or timezone.now()
        report = TickReport()
        for job in self.jobs:
            slot = job.latest_slot(now)
            if slot is not None and self._enqueue(job, slot, attempt=1):
                report.enqueued.append(f"{job.name}@{slot:%Y-%m-%d %H:%M}#1")
        report.finished = self.follow_outcomes(now)
        report.retried, report.reported = self.retry_or_report(now)
        report.recovered_tasks = workers.recover_lost_tasks(now)
        metrics.SCHEDULER_TICKS.inc()
        return report

    def run_forever(self, interval=5.0, should_stop=lambda: False):
        logger.info("scheduler started", extra={"scheduler": self.identity, "jobs": len(self.jobs)})
        while not should_stop():
            started = time.monotonic()
            try:
                report = self.tick()
                if report.enqueued or report.retried or report.recovered_tasks:
                    logger.info(
                        "scheduler tick",
                        extra={
                            "enqueued": report.enqueued,
                            "retried": report.retried,
                            "reported": report.reported,
                            "recovered_tasks": report.recovered_tasks,
                        },
                    )
            except Exception:  # a database hiccup must not end the scheduler: the next tick tries again
                logger.exception("scheduler tick failed")
                metrics.SCHEDULER_TICK_ERRORS.inc()
            finally:
                close_old_connections()
            remaining = interval - (time.monotonic() - started)
            while remaining > 0 and not should_stop():
                time.sleep(min(remaining, 0.5))
                remaining -= 0.5

    # ------------------------------------------------------------------ steps

    def _enqueue(self, job, slot, attempt):
        """Insert the run row and enqueue the task; False when another scheduler has this slot's attempt."""
        if JobRun.objects.filter(job=job.name, slot=slot, attempt=attempt).exists():
            return False
        try:
            with transaction.atomic():
                run = JobRun.objects.create(job=job.name, slot=slot, attempt=attempt, scheduler=self.identity)
                # With the database backend the task row commits with the run row, or neither does.
                result = job.task.using(priority=job.priority).enqueue(**job.kwargs)
                run.task_result_id = str(result.id)
                _copy_result(run, result)
                run.save()
        except IntegrityError:
            metrics.SCHEDULER_SLOTS_TAKEN_BY_OTHERS.inc()
            return False
        metrics.SCHEDULER_RUNS_ENQUEUED.labels(job=job.name).inc()
        if run.is_finished:  # the immediate backend ran it inside enqueue
            metrics.SCHEDULER_RUNS_FINISHED.labels(job=job.name, outcome=run.outcome).inc()
        return True

    def follow_outcomes(self, now):
        """Copy the outcome of unfinished runs from their task results; returns how many finished."""
        backend = task_backends["default"]
        if not backend.supports_get_result:
            return 0
        finished = 0
        for run in JobRun.objects.filter(outcome__in=[JobRun.Outcome.QUEUED, JobRun.Outcome.RUNNING]):
            try:
                result = backend.get_result(run.task_result_id)
            except (TaskResultDoesNotExist, ValueError):
                run.outcome = JobRun.Outcome.FAILED
                run.error = "the task's record is gone (pruned or never written)"
                run.finished_at = now
            else:
                _copy_result(run, result)
            if run.is_finished:
                # Only the scheduler that moves the row from unfinished to finished counts it.
                updated = JobRun.objects.filter(pk=run.pk, outcome__in=[JobRun.Outcome.QUEUED, JobRun.Outcome.RUNNING])
                if updated.update(
                    outcome=run.outcome,
                    started_at=run.started_at,
                    finished_at=run.finished_at,
                    return_value=run.return_value,
                    error=run.error,
                ):
                    finished += 1
                    metrics.SCHEDULER_RUNS_FINISHED.labels(job=run.job, outcome=run.outcome).inc()
            elif run.outcome == JobRun.Outcome.RUNNING:
                JobRun.objects.filter(pk=run.pk, outcome=JobRun.Outcome.QUEUED).update(
                    outcome=JobRun.Outcome.RUNNING, started_at=run.started_at
                )
        return finished

    def retry_or_report(self, now):
        """Retry failed runs that have attempts left; tell staff about the last failed attempt. (retried, reported)"""
        retried = reported = 0
        jobs = {job.name: job for job in self.jobs}
        later = JobRun.objects.filter(job=OuterRef("job"), slot=OuterRef("slot"), attempt__gt=OuterRef("attempt"))
        failed = (
            JobRun.objects.filter(outcome=JobRun.Outcome.FAILED, reported_at__isnull=True)
            .exclude(Exists(later))  # already retried
            .order_by("slot")
        )
        for run in failed:
            job = jobs.get(run.job)
            if job is None:
                continue
            if run.attempt < job.max_attempts:
                due = run.finished_at is None or now >= run.finished_at + job.retry_after(run.attempt)
                if due and self._enqueue(job, run.slot, run.attempt + 1):
                    retried += 1
                    metrics.SCHEDULER_RETRIES.labels(job=job.name).inc()
                continue
            # The last attempt failed: one scheduler claims the report, then emails.
            if JobRun.objects.filter(pk=run.pk, reported_at__isnull=True).update(reported_at=now):
                reports.tell_staff_job_failed(job, run)
                reported += 1
        return retried, reported


def _copy_result(run, result):
    run.outcome = _OUTCOME_FOR_STATUS.get(result.status, JobRun.Outcome.QUEUED)
    run.started_at = result.started_at
    run.finished_at = result.finished_at
    if result.status == TaskResultStatus.SUCCESSFUL:
        run.return_value = _jsonable(result.return_value)
    elif result.status == TaskResultStatus.FAILED:
        last = result.errors[-1] if result.errors else None
        run.error = (f"{last.exception_class_path}\n{last.traceback}" if last else "failed")[-4000:]


def _jsonable(value):
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value
