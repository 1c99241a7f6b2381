"""The declarations: slots in Taiwan time, catch-up windows, and checks that catch a wrong path or expression."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from scheduling.jobs import JOBS, SCHEDULE_TIME_ZONE, Job, check_declarations, job_named

TAIPEI = SCHEDULE_TIME_ZONE


def at(*args):
    return datetime(*args, tzinfo=TAIPEI)


def test_a_daily_job_is_due_at_its_taiwan_time_whatever_the_server_time_zone():
    job = Job("daily", "x.y", "30 3 * * *", "daily", catch_up=timedelta(hours=24))

    assert job.latest_slot(at(2026, 12, 2, 3, 29)) == at(2026, 12, 1, 3, 30)
    assert job.latest_slot(at(2026, 12, 2, 3, 30)) == at(2026, 12, 2, 3, 30)
    # 19:30 UTC on the 1st is 03:30 on the 2nd in Taipei.
    assert job.latest_slot(datetime(2026, 12, 1, 19, 30, 40, tzinfo=UTC)) == at(2026, 12, 2, 3, 30)
    assert job.next_slot(at(2026, 12, 2, 3, 30)) == at(2026, 12, 3, 3, 30)


def test_a_slot_older_than_the_catch_up_window_is_skipped_not_run_late():
    job = Job("minutely", "x.y", "*/5 * * * *", "x", catch_up=timedelta(minutes=3))

    assert job.latest_slot(at(2026, 12, 1, 10, 2)) == at(2026, 12, 1, 10, 0)
    assert job.latest_slot(at(2026, 12, 1, 10, 4)) is None


def test_weekly_digests_run_on_monday_morning():
    job = job_named("weekly_digests")

    slot = job.next_slot(at(2026, 12, 2, 12, 0))  # a Wednesday
    assert (slot.weekday(), slot.hour) == (0, 8)


def test_every_declared_task_imports_and_manage_py_check_says_so():
    for job in JOBS:
        assert job.task.module_path == job.task_path
    call_command("check", "--fail-level", "ERROR")


def test_duplicate_names_and_bad_cron_expressions_are_refused_at_start_up():
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        check_declarations([Job("a", "x.y", "* * * * *", ""), Job("a", "x.y", "* * * * *", "")])
    with pytest.raises(ImproperlyConfigured, match="bad cron"):
        check_declarations([Job("a", "x.y", "61 * * * *", "")])


def test_a_task_path_that_does_not_import_fails_the_system_check(monkeypatch):
    from scheduling import checks, jobs

    monkeypatch.setattr(jobs, "JOBS", [Job("moved", "marketplace.nowhere.gone", "* * * * *", "")])
    errors = checks.scheduled_tasks_import(None)

    assert [error.id for error in errors] == ["scheduling.E001"]
    assert "marketplace.nowhere.gone" in errors[0].msg
