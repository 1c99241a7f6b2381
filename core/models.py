from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One line per change made through an action: who did what (`core.audit.Action`) to which organisation.

    The organisation is named by its model label, not imported: core imports no app (the audit log belongs to
    every app; organisations are the accounts app's, the one subject every action is about).
    """

    # Listed in the Wagtail admin but not content: Wagtail would run a reference-index task on every save (for a
    # usage report nobody reads on this model), which made each audit entry, interest and township load slower.
    wagtail_reference_index_ignore = True

    created = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
        verbose_name=_("organisation"),
    )
    action = models.CharField(_("what happened"), max_length=60, db_index=True)  # a core.audit.Action value
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{timezone.localtime(self.created):%Y-%m-%d %H:%M} {self.get_action_display()}"

    def get_action_display(self):
        """What happened, in words, in the active language (the stored value itself for an action renamed since)."""
        from core.audit import label  # core.audit writes entries: it imports this module

        return label(self.action)
