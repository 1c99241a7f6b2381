from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.forms import AmountField

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
