"""Background work goes through Django's tasks API; the database worker runs it."""

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus, task

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@task()
def add_numbers(first, second):
    return first + second


def test_the_database_worker_runs_queued_tasks(settings):
    # django_tasks rebuilds its backends when TASKS changes (a setting_changed receiver).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    result = add_numbers.enqueue(2, 3)
    assert result.status == TaskResultStatus.READY

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0.1")

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5


def test_tests_run_tasks_immediately():
    result = add_numbers.enqueue(1, 1)

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 2
