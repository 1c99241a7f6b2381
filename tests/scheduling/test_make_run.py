"""`make run` starts a worker and the scheduler: with nobody typing a command, a page whose scheduled time has
passed goes live and the daily jobs run (the embedded defaults: SQLite, the database queue, separate processes)."""

import sqlite3
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from scheduling.jobs import job_named
from tests.helpers import ROOT, clean_environment, manage

pytestmark = pytest.mark.embedded

SCHEDULE_A_PAGE = """
from datetime import timedelta
from django.utils import timezone
from cms.models import HomePage, StandardPage
home = HomePage.objects.get(locale__language_code="zh-hant")
page = home.add_child(instance=StandardPage(title="排程頁面", slug="scheduled", live=False))
revision = page.save_revision()
# Scheduled for a minute ago: its time passed while nothing ran Wagtail's publish_scheduled.
revision.approved_go_live_at = timezone.now() - timedelta(minutes=1)
revision.save(update_fields=["approved_go_live_at"])
print(page.pk)
"""


# Migrating a new SQLite database is most of it: about a minute on a quiet machine, several under load.
@pytest.mark.timeout(900)
def test_the_scheduler_and_worker_of_make_run_publish_a_scheduled_page_and_run_the_daily_jobs(tmp_path):
    database = tmp_path / "homeward.sqlite3"
    env = clean_environment(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_DEBUG="0",
    )
    for command in (["migrate", "--noinput"], ["prepare_site", "--skip-township-pages"]):
        result = manage(*command, env=env, timeout=600)
        assert result.returncode == 0, result.stderr
    scheduled = manage("shell", "-c", SCHEDULE_A_PAGE, env=env)
    assert scheduled.returncode == 0, scheduled.stderr
    page_id = int(scheduled.stdout.strip().splitlines()[-1])

    # The two processes scripts/run starts beside the web server.
    processes = [
        subprocess.Popen(  # noqa: S603 (our interpreter, fixed arguments)
            [sys.executable, str(ROOT / "manage.py"), *command],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for command in (["run_worker", "--interval", "0.5"], ["run_scheduler", "--interval", "1"])
    ]
    # A daily job whose last slot is older than its catch-up window waits for its next slot: expect only the due ones.
    daily_jobs = ("seasonal_billing", "campaign_settlement", "delete_expired_invitations", "prune_task_results")
    daily = {name for name in daily_jobs if job_named(name).latest_slot(timezone.now()) is not None}
    try:
        deadline = time.monotonic() + 300  # a busy CI machine: the worker starts after the demo loaders
        while time.monotonic() < deadline:
            with sqlite3.connect(database, timeout=10) as connection:
                live = connection.execute("SELECT live FROM wagtailcore_page WHERE id = ?", [page_id]).fetchone()[0]
                finished = dict(
                    connection.execute(
                        "SELECT job, outcome FROM scheduling_jobrun WHERE outcome IN ('succeeded', 'failed')"
                    ).fetchall()
                )
            # The page goes live inside the job; the job's outcome is written after: wait for both.
            if live and (daily | {"publish_scheduled_pages"}) <= set(finished):
                break
            assert all(process.poll() is None for process in processes), "the worker or the scheduler stopped"
            time.sleep(1)
    finally:
        for process in processes:
            process.terminate()
        errors = [process.communicate(timeout=30)[1].decode() for process in processes]

    assert live, errors
    assert {job: finished.get(job) for job in daily} == dict.fromkeys(daily, "succeeded"), errors
    assert finished.get("publish_scheduled_pages") == "succeeded", errors
