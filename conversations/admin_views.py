"""Staff screens of reported conversations (the viewset is in wagtail_hooks)."""

from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conversations import actions, queries
from conversations.models import ConversationReport
from core.actions import run_action
from core.admin_inspect import ReadableInspectView


class ReportInspectView(ReadableInspectView):
    """The report and the messages of its conversation (which staff may read because it was reported)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        conversation = actions.check_staff_reviewer(self.request.user, self.object.conversation)
        context["conversation_messages"] = [
            queries.message_payload(message)
            for message in conversation.messages.select_related("author").order_by("pk")[:500]
        ]
        return context


@require_POST
def review_report(request):
    report = get_object_or_404(ConversationReport, pk=request.POST.get("pk") or 0)
    run_action(request, actions.review_report, report, success=_("The report is marked as reviewed."))
    return redirect("conversation_reports:inspect", report.pk)
