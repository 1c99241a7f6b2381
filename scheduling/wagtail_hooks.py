from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from accounts.permission_policies import ReadOnlyPermissionPolicy
from core.admin_inspect import ReadableInspectView
from scheduling.models import JobRun
from scheduling.views import ScheduledJobsView, can_view_jobs

# The run history records what happened: staff look, nobody edits.
register_permission_policy(JobRun, ReadOnlyPermissionPolicy(JobRun))


class JobRunViewSet(ModelViewSet):
    model = JobRun
    icon = "history"
    menu_label = _("Job runs")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = ReadableInspectView
    list_display = ["job", "slot", "attempt", "outcome", "started_at", "finished_at"]
    list_filter = ["job", "outcome"]
    ordering = ["-slot", "-attempt"]
    list_per_page = 50
    form_fields = []


class ScheduledJobsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_jobs(request.user)


@hooks.register("register_admin_urls")
def register_scheduled_jobs_url():
    return [path("scheduled-jobs/", ScheduledJobsView.as_view(), name="scheduled_jobs")]


@hooks.register("register_admin_viewset")
def register_job_run_viewset():
    return JobRunViewSet("job_runs")


@hooks.register("register_settings_menu_item")
def register_scheduled_jobs_menu_item():
    return ScheduledJobsMenuItem(_("Scheduled jobs"), reverse("scheduled_jobs"), icon_name="time", order=900)
