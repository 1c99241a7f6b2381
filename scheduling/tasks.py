"""Background work of the scheduling app itself."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task

KEEP_FOR = timedelta(days=30)


@task()
def prune_task_results():
    """Delete finished task records and job runs older than 30 days (the database queue would grow forever)."""
    from django_tasks_db.models import DBTaskResult

    from scheduling.models import JobRun

    cutoff = timezone.now() - KEEP_FOR
    tasks, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=cutoff
    ).delete()
    runs, _ = JobRun.objects.filter(
        slot__lt=cutoff, outcome__in=[JobRun.Outcome.SUCCEEDED, JobRun.Outcome.FAILED]
    ).delete()
    return {"task_results": tasks, "job_runs": runs}
