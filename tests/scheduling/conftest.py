import pytest


@pytest.fixture
def database_queue(settings):
    """Tasks go to the database queue (as in production) instead of running inside enqueue()."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def run_worker_batch():
    """Run every queued task in this process, as `manage.py run_worker` would, then return."""
    from django.core.management import call_command

    def run():
        call_command("run_worker", "--batch", "--no-startup-delay", "--interval", "0", "--verbosity", "0")

    return run
