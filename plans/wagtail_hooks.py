from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from plans.admin_views import PlanDashboardView, is_staff


@hooks.register("register_admin_urls")
def register_plan_dashboard_url():
    return [path("reports/plans/", PlanDashboardView.as_view(), name="plans_dashboard")]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return is_staff(request.user)


@hooks.register("register_reports_menu_item")
def register_plan_dashboard_menu_item():
    return StaffMenuItem(_("Revitalization plans"), reverse("plans_dashboard"), icon_name="doc-full", order=910)
