from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from marketplace.models import CompanyProfile, HometownTie, Interest, ProjectListing, SavedSearch
from marketplace.payments.money import parse_investment_amount_twd
from places.models import Township


class AmountField(forms.CharField):
    """A whole amount of New Taiwan dollars within the limits for investments (marketplace.payments.money)."""

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        return parse_investment_amount_twd(value)


def township_field(**kwargs):
    field = forms.ModelChoiceField(queryset=Township.objects.with_county().order_by("code"), **kwargs)
    field.label_from_instance = lambda township: f"{township.county.name} {township.name}"
    return field


class CompanyProfileForm(forms.ModelForm):
    ticket_min_twd = AmountField(label=_("Smallest ticket (NT$)"), required=False)
    ticket_max_twd = AmountField(label=_("Largest ticket (NT$)"), required=False)

    class Meta:
        model = CompanyProfile
        fields = [
            "unified_business_number",
            "size",
            "sectors_of_interest",
            "sdg_focus",
            "ticket_min_twd",
            "ticket_max_twd",
            "csr_contact_name",
            "csr_contact_email",
            "discoverable",
        ]
        widgets = {
            "sectors_of_interest": forms.CheckboxSelectMultiple,
            "sdg_focus": forms.CheckboxSelectMultiple,
        }

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("ticket_min_twd"), cleaned.get("ticket_max_twd")
        if low and high and low > high:
            self.add_error("ticket_max_twd", _("The largest ticket must not be smaller than the smallest."))
        return cleaned


class CompanyTieForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of tie"), choices=HometownTie.Kind.choices)
    township = township_field(label=_("Township"))
    employee_count = forms.IntegerField(
        label=_("Employees from there"),
        min_value=0,
        max_value=1_000_000,
        required=False,
        help_text=_("Only for employees' home townships."),
    )


class OwnTieForm(forms.Form):
    township = township_field(label=_("Your home township"))
    consent = forms.BooleanField(
        label=_("I agree that my company uses my home township for matching (I can remove it at any time)."),
        required=False,
    )


class InterestForm(forms.Form):
    message = forms.CharField(label=_("Message to the team"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AdvanceForm(forms.Form):
    stage = forms.ChoiceField(label=_("Move to"), choices=Interest.Stage.choices)
    amount = AmountField(label=_("Amount committed (NT$)"), required=False)
    instrument = forms.ChoiceField(
        label=_("Instrument"), choices=[("", "—"), *ProjectListing.Instrument.choices], required=False
    )

    def clean(self):
        cleaned = super().clean()
        committing = cleaned.get("stage") == Interest.Stage.COMMITTED
        if committing and not (cleaned.get("amount") and cleaned.get("instrument")):
            raise ValidationError(_("Give the amount committed and the instrument."))
        return cleaned


class SavedSearchForm(forms.ModelForm):
    class Meta:
        model = SavedSearch
        fields = ["name", "sectors", "counties", "priority_areas_only", "seeking_investment_only"]
        widgets = {"sectors": forms.CheckboxSelectMultiple, "counties": forms.CheckboxSelectMultiple}
