"""The regulatory issues in the Wagtail admin (menu: Regulatory issues): staff list them with filters by outcome
and ministry, route each to a ministry and record the ministry's answer (reinterpreted, amended, refused, pending).

Issues are raised on the public site (policy.views.issue_new), never added or deleted here. A save goes through
policy.actions (route_issue, then record_answer) inside one transaction: a refused answer (no ministry, no text)
leaves the routing unsaved too, and the form says why.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from core.actions import ActionRefused
from core.admin_inspect import ReadableInspectView
from policy import actions
from policy.models import RegulatoryIssue


class StaffIssuePermissionPolicy(ModelPermissionPolicy):
    """Staff look at and answer issues (as policy.actions.check_staff says); nobody adds or deletes them here."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return bool(user.is_active and user.is_staff)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(RegulatoryIssue, StaffIssuePermissionPolicy(RegulatoryIssue))


class IssueIndexView(IndexView):
    def get_base_queryset(self):
        return RegulatoryIssue.objects.select_related("township__county", "organisation", "ministry")


class IssueEditView(EditView):
    """Routing and answer through the actions, so each has its audit entry and its refusals."""

    success_message = _("The issue is saved.")

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ActionRefused as refusal:  # raised inside the view's transaction: nothing of this save is kept
            form.add_error(None, refusal.message)
            self.produced_error_message = refusal.message
            return self.form_invalid(form)

    def save_instance(self):
        data = self.form.cleaned_data
        issue = RegulatoryIssue.objects.get(pk=self.object.pk)
        user = self.request.user
        ministry = data.get("ministry")
        if ministry is None and issue.ministry_id is not None:
            raise ActionRefused(_("An issue once routed stays with a ministry: choose the ministry in charge."))
        if ministry is not None and ministry.pk != issue.ministry_id:
            issue = actions.route_issue(user, issue, ministry)
        outcome, answer = data.get("outcome"), (data.get("answer") or "").strip()
        if outcome != issue.outcome or answer != issue.answer:
            if ministry is None:
                raise ActionRefused(_("Route the issue to a ministry before recording its answer."), code="not_routed")
            issue = actions.record_answer(user, issue, outcome=outcome, answer=answer)
        return issue


class RegulatoryIssueViewSet(ModelViewSet):
    model = RegulatoryIssue
    icon = "warning"
    menu_label = _("Regulatory issues")
    add_to_admin_menu = True
    menu_order = 710
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = ReadableInspectView
    index_view_class = IssueIndexView
    edit_view_class = IssueEditView
    form_fields = ["ministry", "outcome", "answer"]
    list_display = [
        "rule",
        "township",
        "organisation",
        "ministry",
        "outcome",
        "created_at",
    ]
    list_filter = ["outcome", "ministry", "township__county"]
    inspect_view_fields = [
        "rule",
        "township",
        "blocks",
        "proposal",
        "organisation",
        "submitter",
        "show_identity",
        "ministry",
        "routed_at",
        "outcome",
        "answer",
        "answered_at",
        "created_at",
    ]
    search_fields = ["rule", "blocks", "proposal", "answer"]
    ordering = ["-created_at"]
    list_per_page = 50


@hooks.register("register_admin_viewset")
def register_regulatory_issues():
    return RegulatoryIssueViewSet("regulatory_issues")
