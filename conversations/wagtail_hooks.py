"""Staff review reported conversations in the Wagtail admin: the only place staff read one, and only once reported."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from accounts.permission_policies import ReadOnlyPermissionPolicy
from conversations import admin_views
from conversations.models import ConversationReport

# Reports change only through actions (report, review); staff look at them and mark them reviewed.
register_permission_policy(ConversationReport, ReadOnlyPermissionPolicy(ConversationReport))


class ConversationReportViewSet(ModelViewSet):
    model = ConversationReport
    icon = "warning"
    menu_label = _("Reported conversations")
    add_to_admin_menu = True
    menu_order = 320
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = admin_views.ReportInspectView
    inspect_view_fields = ["conversation", "reporter", "reason", "created", "reviewed_at", "reviewed_by"]
    inspect_template_name = "conversations/admin/report_inspect.html"
    list_display = ["reason", "conversation", "reporter", "created", "reviewed_at"]
    list_filter = ["reviewed_at"]
    ordering = ["reviewed_at", "-created"]
    list_per_page = 50
    form_fields = []

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("review/", admin_views.review_report, name="review")]


@hooks.register("register_admin_viewset")
def register_conversation_report_viewset():
    return ConversationReportViewSet("conversation_reports")
