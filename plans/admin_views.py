"""The staff dashboard of plans in the Wagtail admin (Reports → Revitalization plans)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from plans.maps import staff_plan_map, township_rows
from plans.models import Plan
from plans.queries import dashboard


def is_staff(user):
    return user.is_active and (user.is_staff or user.is_superuser)


class PlanDashboardView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "plans/admin/dashboard.html"
    page_title = gettext_lazy("Revitalization plans")
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not is_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            figures=dashboard(),
            plan_map=staff_plan_map(),
            township_rows=township_rows(Plan.objects.all()),
            **kwargs,
        )
