"""The admin page of the scheduled jobs (thin: the figures come from scheduling.queries)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from scheduling import queries
from scheduling.jobs import SCHEDULE_TIME_ZONE


def can_view_jobs(user):
    return user.is_active and user.has_perm("scheduling.view_jobrun")


class ScheduledJobsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "scheduling/admin/jobs.html"
    page_title = _("Scheduled jobs")
    header_icon = "time"

    def dispatch(self, request, *args, **kwargs):
        if not can_view_jobs(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=queries.job_statuses(),
            workers=queries.workers(),
            failures=queries.recent_failures(),
            schedule_time_zone=SCHEDULE_TIME_ZONE.key,
            **kwargs,
        )
