"""`manage.py run_worker`: django-tasks' database worker with a heartbeat, task metrics and structured logs.

Takes every option of `db_worker`. The heartbeat lets the scheduler requeue a task whose worker died mid-task
(scheduling/workers.py).
"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from scheduling.workers import Heartbeat


class Command(DatabaseWorkerCommand):
    help = "Run a database task worker that sends heartbeats (tasks of a worker that dies are run again)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--metrics-port", type=int, default=None, help="serve Prometheus metrics on this port")

    def configure_logging(self, verbosity):
        # The project's LOGGING (JSON in production) already has handlers; only the levels come from --verbosity.
        import logging

        level = {0: logging.CRITICAL, 1: logging.INFO}.get(verbosity, logging.DEBUG)
        for name in ("django_tasks", "django_tasks_db"):
            logging.getLogger(name).setLevel(level)

    def handle(self, *args, metrics_port=None, **options):
        from config import metrics as config_metrics
        from config.observability import follow_tasks_in_logs

        config_metrics.serve_process_metrics(metrics_port)
        config_metrics.count_tasks()
        follow_tasks_in_logs()
        if options.get("reload"):
            # The autoreloader runs the worker in a child process: that child beats (it owns the worker id).
            options["reload"] = False
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
