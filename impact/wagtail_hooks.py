from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from impact.admin_views import CountyReportView, PriorityAreaReportView, is_staff
from impact.measures import ImpactFilters
from impact.service import cached_figures


class ImpactPanel(Component):
    """The Taiwan-wide impact figures on the admin dashboard (staff only)."""

    name = "impact_figures"
    template_name = "impact/admin/panel.html"
    order = 90

    def get_context_data(self, parent_context):
        return {"figures": cached_figures(ImpactFilters()).taiwan.figures}


@hooks.register("construct_homepage_panels")
def add_impact_panel(request, panels):
    if is_staff(request.user):
        panels.append(ImpactPanel())


@hooks.register("register_admin_urls")
def register_impact_report_urls():
    return [
        path("reports/impact/counties/", CountyReportView.as_view(), name="impact_county_report"),
        path("reports/impact/priority-areas/", PriorityAreaReportView.as_view(), name="impact_priority_report"),
    ]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return is_staff(request.user)


@hooks.register("register_reports_menu_item")
def register_county_report_menu_item():
    return StaffMenuItem(_("Impact by county"), reverse("impact_county_report"), icon_name="site", order=900)


@hooks.register("register_reports_menu_item")
def register_priority_report_menu_item():
    return StaffMenuItem(_("Impact in priority areas"), reverse("impact_priority_report"), icon_name="site", order=901)
