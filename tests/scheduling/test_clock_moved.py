"""Nobody types a command: with the clock moved, the scheduler and a worker publish a scheduled page and run the
daily jobs (the declared jobs of scheduling/jobs.py, the database queue, the real worker command)."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings

from scheduling.jobs import SCHEDULE_TIME_ZONE
from scheduling.models import JobRun
from scheduling.scheduler import Scheduler

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.elasticsearch,
    pytest.mark.stripe,
]

EVENING = datetime(2026, 12, 1, 22, 0, tzinfo=SCHEDULE_TIME_ZONE)  # a Tuesday


def test_a_scheduled_page_publishes_and_the_daily_jobs_run_without_a_command(
    home_pages, database_queue, run_worker_batch
):
    from cms.models import HomePage, StandardPage

    home = HomePage.objects.get(locale__language_code=settings.LANGUAGE_CODE)
    scheduler = Scheduler()

    def at(moment):
        with time_machine.travel(moment, tick=True):
            scheduler.tick()
            run_worker_batch()
            scheduler.tick()

    with time_machine.travel(EVENING, tick=True):
        page = StandardPage(title="年末市集", slug="year-end-market", live=False)
        home.add_child(instance=page)
        page.go_live_at = EVENING + timedelta(hours=1)
        page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live  # scheduled, not published

    at(EVENING + timedelta(minutes=30))
    page.refresh_from_db()
    assert not page.live

    at(EVENING + timedelta(hours=1, minutes=1))
    page.refresh_from_db()
    assert page.live
    assert page.first_published_at is not None

    daily = ["seasonal_billing", "campaign_settlement", "delete_expired_invitations", "prune_task_results"]
    assert not JobRun.objects.filter(job__in=daily, slot__gte=EVENING).exists()
    at(datetime(2026, 12, 2, 4, 31, tzinfo=SCHEDULE_TIME_ZONE))

    runs = {run.job: run for run in JobRun.objects.filter(job__in=daily, slot__gte=EVENING)}
    assert sorted(runs) == sorted(daily)
    assert {run.outcome for run in runs.values()} == {JobRun.Outcome.SUCCEEDED}, {
        run.job: run.error for run in runs.values()
    }
    assert runs["campaign_settlement"].slot == datetime(2026, 12, 2, 3, 30, tzinfo=SCHEDULE_TIME_ZONE)
    assert runs["seasonal_billing"].return_value == {"checked": 0, "paused": 0, "resumed": 0, "failed": []}
    # Monday's digest is not due on a Wednesday morning; the minute jobs ran on the last tick's minute only.
    assert not JobRun.objects.filter(job="weekly_digests", slot__gte=EVENING).exists()
    assert JobRun.objects.filter(job="publish_scheduled_pages").count() == 3
