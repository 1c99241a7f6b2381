"""Prometheus metrics of the scheduler and the workers (each process exports its own; see deploy/README.md)."""

from prometheus_client import Counter

SCHEDULER_TICKS = Counter("homeward_scheduler_ticks_total", "Scheduler loop iterations")
SCHEDULER_TICK_ERRORS = Counter("homeward_scheduler_tick_errors_total", "Scheduler loop iterations that failed")
SCHEDULER_RUNS_ENQUEUED = Counter("homeward_scheduler_runs_enqueued_total", "Job runs this scheduler enqueued", ["job"])
SCHEDULER_RUNS_FINISHED = Counter(
    "homeward_scheduler_runs_finished_total", "Job runs seen finished by this scheduler", ["job", "outcome"]
)
SCHEDULER_RETRIES = Counter("homeward_scheduler_retries_total", "Failed job runs retried", ["job"])
SCHEDULER_SLOTS_TAKEN_BY_OTHERS = Counter(
    "homeward_scheduler_slots_taken_by_others_total", "Slots another scheduler enqueued first (expected with two)"
)
TASKS_RECOVERED = Counter("homeward_tasks_recovered_total", "Tasks requeued because their worker went silent")
TASKS_GIVEN_UP = Counter("homeward_tasks_given_up_total", "Tasks failed after their workers went silent too often")
