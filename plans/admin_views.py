"""The staff dashboard of plans in the Wagtail admin (Reports → Revitalization plans)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from plans.forms import StaffPlanFilterForm
from plans.maps import staff_plan_map, township_rows
from plans.models import Plan
from plans.queries import dashboard, next_actor, staff_plans

PER_PAGE = 25


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
        form = StaffPlanFilterForm(self.request.GET or None)
        stage = county = None
        if form.is_bound and form.is_valid():
            stage, county = form.cleaned_data["stage"], form.cleaned_data["county"]
        paginator = WagtailPaginator(staff_plans(stage=stage, county=county), PER_PAGE)
        page = paginator.get_page(self.request.GET.get("p"))
        page.object_list = list(page.object_list)
        for plan in page.object_list:
            plan.next_actor = next_actor(plan)
        return super().get_context_data(
            filter_form=form,
            plans=page,
            elided_page_range=paginator.get_elided_page_range(page.number),
            figures=dashboard(),
            plan_map=staff_plan_map(),
            township_rows=township_rows(Plan.objects.all()),
            **kwargs,
        )
