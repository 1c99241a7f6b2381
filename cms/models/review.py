"""The task of the "Project review" workflow: Wagtail's group approval, where sending a project back needs a reason."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.forms import TaskStateCommentForm
from wagtail.models import GroupApprovalTask


class ReasonForChangesForm(TaskStateCommentForm):
    """Wagtail's comment form for "Request changes": the comment is the reason the team reads, so it is required."""

    comment = forms.CharField(
        label=_("What needs to change"),
        help_text=_("The team reads this with the link to edit their project; say what to change and why."),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=True,
        strip=True,
    )


class ProjectReviewTask(GroupApprovalTask):
    """Members of the chosen groups approve; asking for changes always carries a reason.

    Every route to "Request changes" is held to it: the action's modal (the form above) and the page editor, which
    passes the modal's data straight to `on_action`."""

    def get_form_for_action(self, action):
        if action == "reject":
            return ReasonForChangesForm
        return super().get_form_for_action(action)

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "reject" and not str(kwargs.get("comment") or "").strip():
            raise PermissionDenied(_("Say what needs to change before sending the project back."))
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups approve projects; asking for changes requires a reason for the team")

    class Meta:
        verbose_name = _("project review task")
        verbose_name_plural = _("project review tasks")
