"""The scheduler: once per slot with two schedulers, outcomes followed, failures retried then reported to staff."""

import threading
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.db import connection

from scheduling.jobs import SCHEDULE_TIME_ZONE, Job
from scheduling.models import JobRun
from scheduling.scheduler import Scheduler

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.redis]

NOON = datetime(2026, 12, 1, 12, 0, 10, tzinfo=SCHEDULE_TIME_ZONE)


def counting_job(name="count", cron="* * * * *", **extra):
    return Job(
        name, "tests.scheduling.tasks_for_tests.count_run", cron, "test", kwargs={"key": f"runs:{name}"}, **extra
    )


def failing_job(**extra):
    return Job("flaky", "tests.scheduling.tasks_for_tests.always_fails", "0 * * * *", "test", **extra)


@pytest.fixture(autouse=True)
def clean_counters():
    cache.delete_many(["runs:count", "runs:hourly"])
    yield


def test_two_schedulers_enqueue_each_slot_once(database_queue, run_worker_batch):
    jobs = [counting_job()]
    first, second = Scheduler(jobs, identity="a"), Scheduler(jobs, identity="b")

    assert first.tick(NOON).enqueued == ["count@2026-12-01 12:00#1"]
    assert second.tick(NOON).enqueued == []
    assert second.tick(NOON + timedelta(seconds=30)).enqueued == []
    assert first.tick(NOON + timedelta(minutes=1)).enqueued == ["count@2026-12-01 12:01#1"]
    run_worker_batch()

    assert cache.get("runs:count") == 2
    assert JobRun.objects.count() == 2


def test_schedulers_racing_on_the_same_slot_in_parallel_enqueue_it_once(database_queue):
    jobs = [counting_job(name=f"job{i}") for i in range(5)]
    barrier = threading.Barrier(4)
    reports = []

    def scheduler(identity):
        try:
            barrier.wait()
            reports.append(Scheduler(jobs, identity=identity).tick(NOON))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler, args=(f"s{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(len(report.enqueued) for report in reports) == 5
    assert JobRun.objects.count() == 5
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.count() == 5


def test_the_outcome_of_the_task_is_copied_to_the_run(database_queue, run_worker_batch):
    scheduler = Scheduler([counting_job()])
    scheduler.tick(NOON)
    assert JobRun.objects.get().outcome == JobRun.Outcome.QUEUED

    run_worker_batch()
    scheduler.tick(NOON + timedelta(seconds=5))

    run = JobRun.objects.get()
    assert run.outcome == JobRun.Outcome.SUCCEEDED
    assert run.return_value == 1
    assert run.started_at and run.finished_at


def test_a_failed_run_is_retried_after_a_growing_delay_then_staff_are_emailed_once(
    database_queue, run_worker_batch, django_user_model
):
    django_user_model.objects.create_superuser(email="ops@homeward.test", password="x")
    django_user_model.objects.create_user(email="someone@homeward.test", password="x")
    scheduler = Scheduler([failing_job(max_attempts=3, retry_delay=timedelta(minutes=1))])

    def after(minutes):
        """Move the clock (the worker's too), tick, let the worker run what is queued, tick again."""
        with time_machine.travel(NOON + timedelta(minutes=minutes), tick=False):
            report = scheduler.tick()
            run_worker_batch()
            scheduler.tick()
            return report

    assert after(0).enqueued == ["flaky@2026-12-01 12:00#1"]
    assert after(0.5).retried == 0  # failed; the retry waits a minute
    assert after(1.5).retried == 1
    assert after(3).retried == 0  # the second retry waits two minutes
    assert after(4).retried == 1  # the third attempt fails too: staff are told in that tick
    assert Scheduler([failing_job()], identity="other").tick(NOON + timedelta(minutes=5)).reported == 0

    runs = list(JobRun.objects.order_by("attempt"))
    assert [(run.attempt, run.outcome) for run in runs] == [(1, "failed"), (2, "failed"), (3, "failed")]
    assert {run.slot for run in runs} == {NOON.replace(second=0)}
    assert "RuntimeError" in runs[-1].error
    assert runs[-1].reported_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@homeward.test"]
    assert "flaky" in mail.outbox[0].subject
    assert "the job's service is down" in mail.outbox[0].body


def test_a_retry_that_succeeds_ends_the_story_without_a_report(settings, run_worker_batch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    scheduler = Scheduler([failing_job()])

    def after(minutes):
        # A fixed clock: on the real one, a run a few minutes before the hour put the retry in the next hour's slot.
        with time_machine.travel(NOON + timedelta(minutes=minutes), tick=False):
            scheduler.tick()
            run_worker_batch()
            scheduler.tick()

    after(0)
    # The service is back: the job's task now succeeds (the same slot, attempt 2).
    scheduler.jobs = [Job("flaky", "tests.scheduling.tasks_for_tests.count_run", "0 * * * *", "", kwargs={"key": "x"})]
    after(5)

    assert list(JobRun.objects.order_by("attempt").values_list("attempt", "outcome")) == [
        (1, "failed"),
        (2, "succeeded"),
    ]
    assert mail.outbox == []


def test_with_the_immediate_backend_the_run_is_finished_when_enqueued():
    Scheduler([counting_job()]).tick(NOON)

    run = JobRun.objects.get()
    assert run.outcome == JobRun.Outcome.SUCCEEDED
    assert cache.get("runs:count") == 1


def test_a_scheduled_job_runs_before_a_backlog_of_ordinary_tasks(database_queue, run_worker_batch):
    from tests.scheduling.tasks_for_tests import record_turn

    cache.delete_many(["turns", "turn:job", *(f"turn:bulk{i}" for i in range(5))])
    for i in range(5):  # e.g. Wagtail's reference-index updates after a large import
        record_turn.enqueue(label=f"bulk{i}")
    job = Job("publish", "tests.scheduling.tasks_for_tests.record_turn", "* * * * *", "test", kwargs={"label": "job"})

    assert Scheduler([job], identity="a").tick(NOON).enqueued == ["publish@2026-12-01 12:00#1"]
    run_worker_batch()

    assert cache.get("turn:job") == 1
    assert sorted(cache.get(f"turn:bulk{i}") for i in range(5)) == [2, 3, 4, 5, 6]
