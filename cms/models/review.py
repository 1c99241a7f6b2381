"""The review tasks of the platform's workflows: Wagtail's group approval, where sending a page back needs a reason.

"Project review" (the township sections) uses ProjectReviewTask; "Moderators approval" (Wagtail's default workflow:
brand stories and every page outside the township sections) uses PageReviewTask. Both hold "Request changes" to a
reason the same way (ReasonRequiredForChanges); they differ only in whom the reason is for."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.forms import TaskStateCommentForm
from wagtail.models import GroupApprovalTask


class ReasonForChangesForm(TaskStateCommentForm):
    """Wagtail's comment form for "Request changes": the comment is the reason the team reads, so it is required."""

    reason_help = _("The team reads this with the link to edit their project; say what to change and why.")

    comment = forms.CharField(
        label=_("What needs to change"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=True,
        strip=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].help_text = self.reason_help


class PageReasonForChangesForm(ReasonForChangesForm):
    """The same required reason, for the author of a brand story (or any page outside the township sections)."""

    reason_help = _("The author reads this with the page; say what to change and why.")


class ReasonRequiredForChanges:
    """Mixed into a GroupApprovalTask: asking for changes always carries a reason.

    Every route to "Request changes" is held to it: the action's modal (`reason_form`) and the page editor, which
    passes the modal's data straight to `on_action` (refused with `missing_reason`)."""

    reason_form = ReasonForChangesForm
    missing_reason = _("Say what needs to change before sending the page back.")

    def get_form_for_action(self, action):
        if action == "reject":
            return self.reason_form
        return super().get_form_for_action(action)

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "reject" and not str(kwargs.get("comment") or "").strip():
            raise PermissionDenied(self.missing_reason)
        return super().on_action(task_state, user, action_name, **kwargs)


class ProjectReviewTask(ReasonRequiredForChanges, GroupApprovalTask):
    """Members of the chosen groups approve projects; asking for changes always carries a reason for the team."""

    reason_form = ReasonForChangesForm
    missing_reason = _("Say what needs to change before sending the project back.")

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups approve projects; asking for changes requires a reason for the team")

    class Meta:
        verbose_name = _("project review task")
        verbose_name_plural = _("project review tasks")


class PageReviewTask(ReasonRequiredForChanges, GroupApprovalTask):
    """Members of the chosen groups approve pages (brand stories); asking for changes carries a reason for the
    author."""

    reason_form = PageReasonForChangesForm

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups approve pages; asking for changes requires a reason for the author")

    class Meta:
        verbose_name = _("page review task")
        verbose_name_plural = _("page review tasks")
