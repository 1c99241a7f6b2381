"""`manage.py check`: every scheduled job names a django-tasks task that imports."""

from django.core import checks


@checks.register()
def scheduled_tasks_import(app_configs, **kwargs):
    from django_tasks.base import Task

    from scheduling.jobs import JOBS

    problems = []
    for job in JOBS:
        try:
            task = job.task
        except ImportError as error:
            problems.append(
                checks.Error(
                    f"scheduled job {job.name}: {job.task_path} does not import ({error})",
                    hint="Update the dotted path in scheduling/jobs.py.",
                    id="scheduling.E001",
                )
            )
            continue
        if not isinstance(task, Task):
            problems.append(
                checks.Error(
                    f"scheduled job {job.name}: {job.task_path} is not a django-tasks task",
                    hint="Decorate the function with @task() or name the task instead.",
                    id="scheduling.E002",
                )
            )
    return problems
