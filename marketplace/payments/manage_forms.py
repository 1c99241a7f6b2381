"""Forms of the backer's subscription page (pause until a date, switch plan)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.actions import ActionRefused
from marketplace.models import SubscriptionPlan
from marketplace.payments import subscriptions


class PauseForm(forms.Form):
    resumes_on = forms.DateField(
        label=_("Resume on"),
        help_text=_("Nothing is charged until this day; at most six months from today."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_resumes_on(self):
        resumes_on = self.cleaned_data["resumes_on"]
        try:
            subscriptions.check_pause_date(resumes_on)
        except ActionRefused as refused:
            raise ValidationError(refused.message, code=refused.code) from None
        return resumes_on


class SwitchPlanForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("New plan"), queryset=SubscriptionPlan.objects.none(), empty_label=None)

    def __init__(self, *args, backing, **kwargs):
        super().__init__(*args, **kwargs)
        self.backing = backing
        self.fields["plan"].queryset = backing.listing.subscription_plans.exclude(pk=backing.plan_id)

    def clean_plan(self):
        plan = self.cleaned_data["plan"]
        try:
            subscriptions.check_plan_switch(self.backing, plan)
        except ActionRefused as refused:
            raise ValidationError(refused.message, code=refused.code) from None
        return plan
