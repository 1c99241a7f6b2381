"""Forms of payments: a donation or a subscription (checkout), the backer's subscription page (pause until a
date, switch plan), a team's Stripe Connect onboarding."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.actions import ActionRefused
from marketplace.forms import AmountField
from marketplace.models import SubscriptionPlan
from payments import subscriptions

OTHER = "other"


class BackingFormMixin(forms.Form):
    name = forms.CharField(
        label=_("Name on the receipt"),
        max_length=150,
        required=False,
        help_text=_("Leave empty to use the name you give Stripe."),
    )
    anonymous = forms.BooleanField(
        label=_("Back anonymously (the team and other people do not see your name)"), required=False
    )


class DonationForm(BackingFormMixin):
    suggested = forms.ChoiceField(label=_("Amount"), widget=forms.RadioSelect, required=False)
    custom_amount = AmountField(label=_("Or another amount (NT$)"), required=False)

    field_order = ["suggested", "custom_amount", "name", "anonymous"]

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        amounts = list(campaign.suggested_amounts_twd) if campaign else []
        self.fields["suggested"].choices = [(str(amount), f"NT${amount:,}") for amount in amounts] + [
            (OTHER, _("Another amount"))
        ]

    def clean(self):
        cleaned = super().clean()
        custom = cleaned.get("custom_amount")
        suggested = cleaned.get("suggested")
        if "custom_amount" in self.errors:
            return cleaned
        if custom is not None:
            cleaned["amount_twd"] = custom
        elif suggested and suggested != OTHER:
            cleaned["amount_twd"] = int(suggested)
        else:
            self.add_error("custom_amount", _("Choose an amount or enter your own."))
        return cleaned


class SubscriptionForm(BackingFormMixin):
    pass


# --- the backer's subscription page, the team's payouts -----------------------------------------


class PauseForm(forms.Form):
    resumes_on = forms.DateField(
        label=_("Resume on"),
        help_text=_("Nothing is charged until this day; at most six months from today."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
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


class ConnectOnboardingForm(forms.Form):
    country = forms.ChoiceField(label=_("Country where the team's bank account is"), choices=())

    def __init__(self, *args, **kwargs):
        from payments.payouts import CONNECT_COUNTRIES

        super().__init__(*args, **kwargs)
        self.fields["country"].choices = sorted(CONNECT_COUNTRIES.items(), key=lambda item: item[1])


class RecordPayoutForm(forms.Form):
    listing = forms.ModelChoiceField(label=_("Project"), queryset=None)
    amount = forms.CharField(label=_("Amount paid out (NT$)"))
    reference = forms.CharField(label=_("Bank transfer reference"), max_length=200)
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        from marketplace.models import ProjectListing

        super().__init__(*args, **kwargs)
        self.fields["listing"].queryset = ProjectListing.objects.select_related("project", "enterprise__organisation")

    def clean_amount(self):
        from django.conf import settings

        from core.money import parse_amount_twd

        return parse_amount_twd(self.cleaned_data["amount"], minimum=1, maximum=settings.INVESTMENT_MAX_AMOUNT_TWD)

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        if not reference:
            raise ValidationError(_("Give the bank transfer's reference."), code="required")
        return reference

    def clean(self):
        from django.utils import timezone

        cleaned = super().clean()
        paid_on = cleaned.get("paid_on")
        if paid_on and paid_on > timezone.localdate():
            self.add_error("paid_on", _("Record a payout once it is made, not before."))
        return cleaned


class DemoPaymentForm(forms.Form):
    """The demo checkout's page (payments/gateways/demo.py): what Stripe's page asks for, without a card."""

    email = forms.EmailField(label=_("Email for the receipt"), max_length=254)
    name = forms.CharField(label=_("Your name"), max_length=150, required=False)
