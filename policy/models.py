"""Regulatory issues: an obstacle the field raises (which rule, where, what it blocks, a proposal), routed by staff
to a ministry, and the ministry's answer. Every change is an action with an audit entry (policy.actions)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegulatoryIssue(models.Model):
    wagtail_reference_index_ignore = True  # not content: no reference-index task per save (see core.AuditEntry)

    class Outcome(models.TextChoices):
        # Labels that stand alone (a list's column, a filter, a status label), in their own context: "pending" and
        # "refused" elsewhere in the catalogs say other things.
        PENDING = "pending", pgettext_lazy("regulatory issue outcome", "Awaiting an answer")
        REINTERPRETED = "reinterpreted", pgettext_lazy("regulatory issue outcome", "Rule reinterpreted")
        AMENDED = "amended", pgettext_lazy("regulatory issue outcome", "Rule amended")
        REFUSED = "refused", pgettext_lazy("regulatory issue outcome", "Request declined")

    rule = models.CharField(
        _("which rule"), max_length=300, help_text=_("The law, regulation or practice, as precisely as you can.")
    )
    township = models.ForeignKey(
        "places.Township", on_delete=models.PROTECT, related_name="regulatory_issues", verbose_name=_("where")
    )
    blocks = models.TextField(_("what it blocks"), max_length=4000)
    proposal = models.TextField(_("proposal"), max_length=4000)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="regulatory_issues",
        verbose_name=_("submitted by"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="regulatory_issues",
        verbose_name=_("on behalf of"),
    )
    show_identity = models.BooleanField(
        _("show who raised it"),
        default=False,
        help_text=_("If not ticked, the public list says only the kind of organisation."),
    )
    ministry = models.ForeignKey(
        "cms.Ministry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="regulatory_issues",
        verbose_name=_("routed to"),
    )
    routed_at = models.DateTimeField(_("routed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    answer = models.TextField(_("the ministry's answer"), blank=True, max_length=8000)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("regulatory issue")
        verbose_name_plural = _("regulatory issues")

    def __str__(self):
        return self.rule

    def get_absolute_url(self):
        return reverse("policy:issue_detail", kwargs={"pk": self.pk})

    @property
    def public_submitter(self):
        """What the public sees of who raised it: the organisation's name if they chose so, else its kind."""
        if self.show_identity:
            return self.organisation.name
        return self.organisation.get_kind_display()
