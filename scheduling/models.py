"""What the scheduler did: one row per job, slot and attempt; and which workers are alive."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One attempt at one slot of a scheduled job.

    The unique (job, slot, attempt) row is what makes two schedulers safe: both may see a slot come due, only one
    inserts its row and enqueues the task; the other's insert fails and it moves on.
    """

    class Outcome(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    job = models.CharField(_("job"), max_length=64)
    slot = models.DateTimeField(_("scheduled for"))
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.QUEUED)
    task_result_id = models.CharField(_("task result id"), max_length=64, blank=True)
    scheduler = models.CharField(_("enqueued by"), max_length=128, blank=True)
    enqueued_at = models.DateTimeField(_("enqueued"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    return_value = models.JSONField(_("value returned"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    reported_at = models.DateTimeField(_("staff told"), null=True, blank=True)

    class Meta:
        ordering = ["-slot", "-attempt"]
        verbose_name = _("scheduled job run")
        verbose_name_plural = _("scheduled job runs")
        constraints = [
            models.UniqueConstraint(fields=["job", "slot", "attempt"], name="scheduling_one_run_per_slot_attempt")
        ]
        indexes = [
            models.Index(fields=["job", "-slot"], name="scheduling_run_job_slot"),
            models.Index(fields=["outcome"], name="scheduling_run_outcome"),
        ]

    def __str__(self):
        return f"{self.job} {self.slot:%Y-%m-%d %H:%M} #{self.attempt}"

    @property
    def is_finished(self):
        return self.outcome in (self.Outcome.SUCCEEDED, self.Outcome.FAILED)


class WorkerHeartbeat(models.Model):
    """A task worker says it is alive every few seconds; a task held by a worker that went silent is run again."""

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    hostname = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started"))
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")

    def __str__(self):
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
