from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One line per change made through an action: who did what (`core.audit.Action`) to which organisation.

    The organisation is named by its model label, not imported: core imports no app (the audit log belongs to
    every app; organisations are the accounts app's, the one subject every action is about).
    """

    # Listed in the Wagtail admin but not content: Wagtail would run a reference-index task on every save (for a
    # usage report nobody reads on this model), which made each audit entry, interest and township load slower.
    wagtail_reference_index_ignore = True

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    action = models.CharField(max_length=60, db_index=True)  # a core.audit.Action value
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.created:%Y-%m-%d %H:%M} {self.action}"
