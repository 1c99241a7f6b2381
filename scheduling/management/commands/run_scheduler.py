"""`manage.py run_scheduler`: enqueue the scheduled jobs (scheduling/jobs.py) as tasks for the workers.

Safe to run on two machines at once: every slot runs once (see scheduling/scheduler.py).
"""

import signal

from django.core.management.base import BaseCommand

from scheduling.scheduler import Scheduler


class Command(BaseCommand):
    help = "Run the scheduler: enqueue each scheduled job once per slot, retry failures, requeue lost tasks."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between two looks at the clock")
        parser.add_argument("--once", action="store_true", help="one tick, then exit (cron-style use, tests)")
        parser.add_argument("--metrics-port", type=int, default=None, help="serve Prometheus metrics on this port")

    def handle(self, *, interval, once, metrics_port, verbosity, **options):
        from config import metrics as config_metrics

        config_metrics.serve_process_metrics(metrics_port)
        scheduler = Scheduler()
        if once:
            report = scheduler.tick()
            if verbosity:
                self.stdout.write(
                    f"enqueued {len(report.enqueued)} ({', '.join(report.enqueued) or '-'}), "
                    f"finished {report.finished}, retried {report.retried}, reported {report.reported}, "
                    f"recovered tasks {report.recovered_tasks}"
                )
            return
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        scheduler.run_forever(interval=interval, should_stop=lambda: bool(stopping))
