"""Staff screens of the marketplace inside the Wagtail admin (the viewsets are in wagtail_hooks)."""

import datetime

from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.actions import run_action
from core.admin_inspect import ReadableInspectView
from marketplace import actions
from marketplace.models import AbuseReport, EnterpriseProfile


@require_http_methods(["GET", "POST"])
def verify_enterprise(request):
    """GET ?pk=<id> (or a POST without `confirm`): what verifying means, and the button that does it. POST with
    `confirm`: verify (audited). A stray or forged one-click POST never verifies."""
    pk = request.POST.get("pk") or request.GET.get("pk") or ""
    profile = get_object_or_404(
        EnterpriseProfile.objects.select_related("organisation", "township__county"), pk=int(pk) if pk.isdigit() else 0
    )
    if not (request.method == "POST" and request.POST.get("confirm")):
        actions.check_staff(request.user)
        if profile.is_verified:
            return redirect("enterprises:inspect", profile.pk)
        return TemplateResponse(request, "marketplace/admin/enterprise_verify_confirm.html", {"profile": profile})
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


class AbuseReportInspectView(ReadableInspectView):
    """A report, what it points at (with the link to hide it), and a dash for what is not set (not "None"); its times
    in Taipei time, as listed (Wagtail's inspect template keeps a datetime in UTC)."""

    def get_field_display_value(self, field_name, field):
        value = getattr(self.object, field_name)
        if value is None:
            return "—"
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value)
        return super().get_field_display_value(field_name, field)
