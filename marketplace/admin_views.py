"""Staff screens of the marketplace inside the Wagtail admin (the viewsets are in wagtail_hooks)."""

import datetime

from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin.views.generic.models import InspectView

from core.actions import run_action
from marketplace import actions
from marketplace.models import AbuseReport, EnterpriseProfile


@require_POST
def verify_enterprise(request):
    profile = get_object_or_404(EnterpriseProfile, pk=request.POST.get("pk") or 0)
    run_action(
        request,
        actions.verify_enterprise,
        profile,
        success=_("%(name)s is now shown as verified.") % {"name": profile.organisation.name},
    )
    return redirect("enterprises:inspect", profile.pk)


@require_POST
def resolve_abuse_report(request):
    report = get_object_or_404(AbuseReport, pk=request.POST.get("pk") or 0)
    run_action(request, actions.resolve_abuse_report, report, success=_("The report is marked as resolved."))
    return redirect("abuse_reports:inspect", report.pk)


class AbuseReportInspectView(InspectView):
    """A report, what it points at (with the link to hide it), and a dash for what is not set (not "None"); its times
    in Taipei time, as listed (Wagtail's inspect template keeps a datetime in UTC)."""

    def get_field_display_value(self, field_name, field):
        value = getattr(self.object, field_name)
        if value is None:
            return "—"
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value)
        return super().get_field_display_value(field_name, field)
