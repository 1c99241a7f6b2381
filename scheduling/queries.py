"""What the admin shows about the scheduled jobs."""

from dataclasses import dataclass

from django.utils import timezone

from scheduling.jobs import JOBS
from scheduling.models import JobRun, WorkerHeartbeat
from scheduling.workers import lost_after


@dataclass
class JobStatus:
    job: object
    last_run: JobRun | None
    last_success: JobRun | None
    next_slot: object


def job_statuses(now=None, jobs=None):
    """One row per declared job: its latest run (any outcome), latest success and next slot.

    Two indexed look-ups per job (about ten jobs): simpler than one query that every database answers alike."""
    now = now or timezone.now()
    statuses = []
    for job in JOBS if jobs is None else jobs:
        runs = JobRun.objects.filter(job=job.name)
        statuses.append(
            JobStatus(
                job=job,
                last_run=runs.order_by("-slot", "-attempt").first(),
                last_success=runs.filter(outcome=JobRun.Outcome.SUCCEEDED).order_by("-slot", "-attempt").first(),
                next_slot=job.next_slot(now),
            )
        )
    return statuses


def workers(now=None):
    """Workers seen in the last day, with whether each is alive."""
    now = now or timezone.now()
    rows = list(WorkerHeartbeat.objects.order_by("-last_seen")[:100])
    for row in rows:
        row.alive = row.last_seen >= now - lost_after()
    return rows


def recent_failures(limit=20):
    return list(JobRun.objects.filter(outcome=JobRun.Outcome.FAILED).order_by("-finished_at", "-slot")[:limit])
