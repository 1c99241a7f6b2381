"""Tasks of a worker that died mid-task go back to the queue; a live or unknown worker's tasks are left alone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from scheduling.models import WorkerHeartbeat
from scheduling.workers import beat, recover_lost_tasks
from tests.scheduling.tasks_for_tests import count_run

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def running_task(worker_ids, started_ago):
    result = count_run.enqueue("k")
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - started_ago, worker_ids=worker_ids
    )
    return result.id


def test_a_task_of_a_silent_worker_is_queued_again(database_queue):
    now = timezone.now()
    beat("dead", now - timedelta(minutes=10), now=now - timedelta(minutes=5))
    beat("alive", now - timedelta(minutes=10), now=now)
    lost = running_task(["dead"], timedelta(minutes=6))
    busy = running_task(["alive"], timedelta(minutes=6))
    unknown = running_task(["plain-db-worker"], timedelta(minutes=6))

    assert recover_lost_tasks(now) == 1

    statuses = {str(pk): status for pk, status in DBTaskResult.objects.values_list("id", "status")}
    assert statuses[lost] == TaskResultStatus.READY
    assert statuses[busy] == TaskResultStatus.RUNNING
    assert statuses[unknown] == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.get(pk=lost).worker_ids == ["dead"]  # the history of claims stays


def test_a_task_whose_workers_died_too_often_is_failed_not_retried_forever(database_queue, settings):
    settings.TASK_MAX_ATTEMPTS = 2
    now = timezone.now()
    beat("dead", now - timedelta(minutes=10), now=now - timedelta(minutes=5))
    task_id = running_task(["dead-before", "dead"], timedelta(minutes=6))

    recover_lost_tasks(now)

    result = DBTaskResult.objects.get(pk=task_id)
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == "scheduling.workers.WorkerLost"


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_beats_while_it_runs_and_forgets_itself_when_it_stops(database_queue, run_worker_batch):
    count_run.enqueue("beats")
    seen = []
    from django_tasks.signals import task_started

    def look(sender, **kwargs):
        seen.extend(WorkerHeartbeat.objects.values_list("worker_id", flat=True))

    task_started.connect(look)
    try:
        run_worker_batch()
    finally:
        task_started.disconnect(look)

    assert len(seen) == 1
    assert not WorkerHeartbeat.objects.exists()
