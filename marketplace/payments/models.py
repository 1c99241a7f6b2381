"""What Stripe told us: every webhook event, stored raw before it is processed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StripeEvent(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        PROCESSED = "processed", _("processed")
        IGNORED = "ignored", _("ignored (no handler)")
        FAILED = "failed", _("failed")

    # Stripe's event id is the idempotency key: a repeated delivery finds this row.
    stripe_id = models.CharField(_("Stripe event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100, db_index=True)
    livemode = models.BooleanField(_("live mode"), default=False)
    api_version = models.CharField(_("API version"), max_length=40, blank=True)
    stripe_created = models.DateTimeField(_("created at Stripe"), null=True)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    attempts = models.PositiveIntegerField(_("processing attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self):
        return f"{self.type} {self.stripe_id}"

    @property
    def data_object(self):
        return self.payload.get("data", {}).get("object", {})
