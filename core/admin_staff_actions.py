"""Staff actions from the admin's inspect screens: a moderator unpublishes an experience, closes a help request,
revokes a device, always with a reason the owning team is told.

The inspect screen shows the action's button to those holding its permission (`staff_action_button`); the button
opens a confirmation page of its own (`StaffActionView`: what the action does, the reason to give, a POST form) and
the app's action does the rest (permission check, change, audit entry, the team's notification). Back on the inspect
screen a message says what happened, or that nothing needed doing.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.widgets import HeaderButton

from core.actions import run_action

REASON_MAX_LENGTH = 1000


class StaffReasonForm(forms.Form):
    # CharField strips the text, so a reason of spaces alone is refused as missing.
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The team reads this, in your words: say what is wrong and what they can do about it."),
        error_messages={"required": _("Give the reason: the team is told what you did and why.")},
    )


class StaffActionInspectMixin:
    """An inspect view's header button opening its staff action's page (`staff_action_view_class`, whose label,
    permission and `is_done` it reads), shown to those who hold the permission while there is something to do."""

    staff_action_view_class = None
    staff_action_url_name = ""
    staff_action_icon = "cross"

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        action_view = self.staff_action_view_class()
        if self.request.user.has_perm(action_view.permission) and not action_view.is_done(self.object):
            url = reverse(self.staff_action_url_name, args=[self.object.pk])
            buttons.append(HeaderButton(action_view.submit_label, url=url, icon_name=self.staff_action_icon))
        return buttons


class StaffActionView(View):
    """GET: the confirmation page (refused with 403 without the permission; back to the inspect screen when there is
    nothing to do). POST: the action with the reason given; a refused reason shows the page again with the error."""

    http_method_names = ["get", "post"]
    template_name = "core/admin/staff_action.html"
    # Set by each subclass.
    model = None
    permission = ""  # "app_label.codename"
    inspect_url_name = ""
    icon = ""
    page_title = ""
    explanation = ()  # what the action does, one sentence a paragraph
    submit_label = ""
    done_message = ""  # "%(name)s" is the record's name
    nothing_to_do_message = ""

    def action(self, user, obj, *, reason):
        """The app's action; it returns whether anything changed."""
        raise NotImplementedError

    def is_done(self, obj):
        """Whether the record is already as the action leaves it (then nothing is asked)."""
        raise NotImplementedError

    def get_queryset(self):
        return self.model._default_manager.all()

    def dispatch(self, request, *args, pk, **kwargs):
        if not request.user.has_perm(self.permission):
            # A 403 page of our own: Wagtail turns a PermissionDenied raised in its admin into a redirect to the
            # dashboard, which would read as if the request had gone through.
            context = {"page_title": self.page_title, "icon": self.icon, "inspect_url_name": self.inspect_url_name}
            return TemplateResponse(request, "core/admin/staff_action_denied.html", context | {"pk": pk}, status=403)
        self.object = get_object_or_404(self.get_queryset(), pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def _back(self):
        return redirect(self.inspect_url_name, self.object.pk)

    def _messages(self):
        name = {"name": str(self.object)}
        return self.done_message % name, self.nothing_to_do_message % name

    def get(self, request):
        if self.is_done(self.object):
            messages.info(request, self._messages()[1])
            return self._back()
        return self._render(StaffReasonForm())

    def post(self, request):
        form = StaffReasonForm(request.POST)
        if form.is_valid():
            outcome = run_action(request, self.action, self.object, reason=form.cleaned_data["reason"], form=form)
            if outcome.done:
                done, nothing_to_do = self._messages()
                if outcome.result:
                    messages.success(request, done)
                else:
                    messages.info(request, nothing_to_do)
                return self._back()
        return self._render(form, status=400)

    def _render(self, form, status=200):
        context = {
            "object": self.object,
            "form": form,
            "page_title": self.page_title,
            "icon": self.icon,
            "explanation": self.explanation,
            "submit_label": self.submit_label,
            "inspect_url": reverse(self.inspect_url_name, args=[self.object.pk]),
            "form_action": self.request.path,
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)
