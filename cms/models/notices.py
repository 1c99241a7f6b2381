"""What the submitter of a project is told about its review, shown on the site."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewNotice(models.Model):
    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved and published")
        REJECTED = "rejected", _("Changes requested")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_notices", verbose_name=_("user")
    )
    project = models.ForeignKey(
        "cms.ProjectPage", on_delete=models.CASCADE, related_name="review_notices", verbose_name=_("project")
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review notice")
        verbose_name_plural = _("review notices")

    def __str__(self):
        return f"{self.project_id}: {self.decision}"
