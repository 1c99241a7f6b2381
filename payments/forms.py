"""Forms of payments: a donation or a subscription (checkout), the backer's subscription page (pause until a
date, switch plan), a team's Stripe Connect onboarding."""

import datetime
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.actions import ActionRefused
from core.dates import bound_date_picker
from core.forms import NameField, TextField
from core.numbers import normalise_digits
from marketplace.forms import AmountField
from marketplace.models import SubscriptionPlan
from payments import payouts, subscriptions
from payments.models import DeliveryAddress

OTHER = "other"


class PayerField(forms.ChoiceField):
    """The "pay as" choice; a company that is not offered is refused in the form's clean() with the reason."""

    def valid_value(self, value):
        return True


class BackingFormMixin(forms.Form):
    name = NameField(
        label=_("Name on the receipt"),
        max_length=150,
        required=False,
        help_text=_("Leave empty to use the name you give on the payment page."),
    )
    anonymous = forms.BooleanField(
        label=_("Back anonymously (the team and other people do not see your name)"), required=False
    )
    payer = PayerField(
        label=_("Pay as"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_("As a company, the receipt names the company and its unified business number (統一編號)."),
    )

    def __init__(self, *args, companies=(), pay_as_self=True, **kwargs):
        """`companies`: the companies the person may pay as (payments.corporate.companies_user_may_pay_as); with
        none the choice is not shown. `pay_as_self=False` (they already subscribe to the plan themselves): only the
        companies are offered, the first one chosen."""
        super().__init__(*args, **kwargs)
        self.companies = {str(company.pk): company for company in companies}
        self.pay_as_self = pay_as_self
        if self.companies:
            myself = [("", _("Myself"))] if pay_as_self else []
            self.fields["payer"].choices = [*myself, *((pk, c.name) for pk, c in self.companies.items())]
            if not pay_as_self:
                self.fields["payer"].initial = next(iter(self.companies))
        else:
            del self.fields["payer"]

    def clean(self):
        cleaned = super().clean()
        payer = cleaned.get("payer") or (self.data.get("payer") if self.is_bound else "") or ""
        cleaned["company"] = self.companies.get(payer)
        if not payer and not self.pay_as_self:
            self.add_error(
                "payer" if "payer" in self.fields else None,
                _("You already back this plan yourself: choose the company to pay as. Nothing was charged."),
            )
        elif payer and cleaned["company"] is None:
            self.add_error(
                "payer" if "payer" in self.fields else None,
                _(
                    "Only an admin of a company with a unified business number (統一編號) on its profile may pay as "
                    "the company. Pay as yourself, or ask an admin of the company."
                ),
            )
        return cleaned


def amount_chips():
    """The suggested amounts as buttons, as the project page's funding panel shows them. A RadioSelect with its own
    templates rather than a subclass: its widget_type stays "radioselect", so the form's fields render it in a
    fieldset with its legend like every other choice."""
    widget = forms.RadioSelect()
    widget.template_name = "payments/widgets/amount_chips.html"
    widget.option_template_name = "payments/widgets/amount_chip.html"
    return widget


class DonationForm(BackingFormMixin):
    suggested = forms.ChoiceField(label=_("Amount"), widget=amount_chips(), required=False)
    custom_amount = AmountField(label=_("Or another amount (NT$)"), required=False)

    field_order = ["suggested", "custom_amount", "payer", "name", "anonymous"]

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        amounts = list(campaign.suggested_amounts_twd) if campaign else []
        self.fields["suggested"].choices = [(str(amount), f"NT${amount:,}") for amount in amounts] + [
            (OTHER, _("Another amount"))
        ]
        # As the funding panel: the first amount is chosen until the person chooses; an amount typed in the other box
        # is the one paid (clean()), so the page shown again after an error marks "Another amount" beside it.
        self.fields["suggested"].initial = str(amounts[0]) if amounts else OTHER
        if self.is_bound and str(self.data.get("custom_amount") or "").strip():
            self.data = self.data.copy()
            self.data["suggested"] = OTHER

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
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        field = self.fields["resumes_on"]
        field.help_text = _("Nothing is charged until this day; at most %(days)s days from today.") % {
            "days": settings.SUBSCRIPTION_PAUSE_MAX_DAYS
        }
        bound_date_picker(field, today + datetime.timedelta(days=1), subscriptions.latest_resume_day(today))

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
        today = timezone.localdate()
        bound_date_picker(self.fields["paid_on"], payouts.earliest_payout_day(today), today)

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
        elif paid_on and paid_on < payouts.earliest_payout_day():
            self.add_error("paid_on", payouts.payout_too_long_ago_message())
        return cleaned


class DemoPaymentForm(forms.Form):
    """The demo checkout's page (payments/gateways/demo.py): what Stripe's page asks for, without a card."""

    email = forms.EmailField(label=_("Email for the receipt"), max_length=254)
    name = NameField(label=_("Your name"), max_length=150, required=False)


# --- delivery address (plans that ship goods; payments/fulfilment.py) -------------------------------


class DeliveryAddressForm(forms.Form):
    """A Taiwan address (county, township from the reference data, postal code checked against the township,
    street, recipient, phone), or one outside Taiwan where the plan ships there. Digits may be typed full-width."""

    prefix = "address"

    destination = forms.ChoiceField(label=_("Ship to"), widget=forms.RadioSelect, initial="taiwan")
    recipient_name = NameField(label=_("Recipient"), max_length=100)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        help_text=_("A mobile (0912-345-678) or landline (02-2345-6789) in Taiwan; with the country code abroad."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    county = forms.ChoiceField(label=_("County or city"), required=False)
    township = forms.ChoiceField(label=_("Township or district"), required=False)
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    street = forms.CharField(
        label=_("Street address"),
        max_length=200,
        help_text=_("Road, lane, alley, number and floor (in Taiwan: after the township)."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    country = forms.CharField(label=_("Country (outside Taiwan)"), max_length=60, required=False)
    city = forms.CharField(label=_("City and region (outside Taiwan)"), max_length=100, required=False)

    def __init__(self, *args, plan, instance=None, **kwargs):
        from places.models import County, Township

        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "destination": instance.destination,
                "recipient_name": instance.recipient_name,
                "phone": instance.phone,
                "county": str(instance.township.county_id) if instance.township_id else "",
                "township": str(instance.township_id or ""),
                "postal_code": instance.postal_code,
                "street": instance.street,
                "country": instance.country,
                "city": instance.city,
            }
        super().__init__(*args, **kwargs)
        self.plan = plan
        destinations = DeliveryAddress.Destination
        if plan.ships_overseas:
            self.fields["destination"].choices = destinations.choices
        else:
            self.fields["destination"].choices = [(destinations.TAIWAN, destinations.TAIWAN.label)]
            self.fields["destination"].widget = forms.HiddenInput()
            del self.fields["country"]
            del self.fields["city"]
        counties = list(County.objects.order_by("code"))
        self.fields["county"].choices = [("", "—")] + [(str(county.pk), county.name) for county in counties]
        townships = {}
        for township in Township.objects.order_by("code"):
            townships.setdefault(township.county_id, []).append((str(township.pk), township.name))
        self.fields["township"].choices = [("", "—")] + [
            (county.name, townships.get(county.pk, [])) for county in counties
        ]
        self.fields["county"].widget.attrs["data-county-select"] = ""
        self.fields["township"].widget.attrs["data-township-select"] = ""

    def clean(self):
        from payments import fulfilment
        from places.models import Township

        cleaned = super().clean()
        overseas = cleaned.get("destination") == DeliveryAddress.Destination.OVERSEAS
        phone = cleaned.get("phone")
        if phone:
            normalised = (
                fulfilment.normalise_international_phone(phone)
                if overseas
                else fulfilment.normalise_taiwan_phone(phone)
            )
            if normalised is None:
                self.add_error(
                    "phone",
                    _("Give a phone with its country code, such as +81 90-1234-5678.")
                    if overseas
                    else _("Give a Taiwan mobile (09…, 10 digits) or landline with its area code (02-2345-6789)."),
                )
            else:
                cleaned["phone"] = normalised
        postal_code = normalise_digits(cleaned.get("postal_code") or "").replace(" ", "").replace("-", "")
        cleaned["postal_code"] = postal_code
        if overseas:
            for name in ("country", "city"):
                if not (cleaned.get(name) or "").strip():
                    self.add_error(name, _("This field is required."))
            cleaned["township"] = None
            return cleaned
        township = Township.objects.select_related("county").filter(pk=cleaned.get("township") or None).first()
        county = cleaned.get("county")
        if township is None:
            self.add_error("township", _("Choose the township or district of the address."))
        elif county and str(township.county_id) != county:
            self.add_error("township", _("This township is not in the county you chose."))
            township = None
        cleaned["township"] = township
        if postal_code and not re.fullmatch(r"\d{3}(\d{2,3})?", postal_code):
            self.add_error("postal_code", _("A postal code in Taiwan has 3, 5 or 6 digits."))
        elif postal_code and township is not None and not fulfilment.postal_code_matches(postal_code, township):
            self.add_error(
                "postal_code",
                _("%(code)s is not a postal code of %(township)s (its code is %(expected)s).")
                % {"code": postal_code, "township": township.full_name, "expected": township.postal_code},
            )
        return cleaned


class ShipForm(forms.Form):
    """ "Shipped" in a backer's row of the fulfilment list: the ids name the row, so each row's field and its error
    have ids of their own."""

    backing = forms.IntegerField(widget=forms.HiddenInput())
    tracking_number = TextField(
        label=_("Tracking number (optional)"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Tracking number (optional)")}),
    )

    def __init__(self, *args, backing_id, **kwargs):
        super().__init__(*args, auto_id=f"ship-{backing_id}-%s", **kwargs)
        self.backing_id = backing_id


class LedgerExportForm(forms.Form):
    """Staff choose the ledger's rows to export or reconcile (payments/ledger_export.py)."""

    FORMATS = (("csv", "CSV"), ("xlsx", "XLSX"))

    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    listing = forms.ModelChoiceField(label=_("Project"), queryset=None, required=False, empty_label=_("All projects"))
    enterprise = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False, empty_label=_("All teams"))
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    format = forms.ChoiceField(label=_("File format"), choices=FORMATS, initial="csv", required=False)

    def __init__(self, *args, **kwargs):
        from marketplace.models import EnterpriseProfile, ProjectListing
        from payments.models import LedgerEntry

        super().__init__(*args, **kwargs)
        self.fields["listing"].queryset = ProjectListing.objects.select_related("project", "enterprise__organisation")
        self.fields["enterprise"].queryset = EnterpriseProfile.objects.select_related("organisation")
        self.fields["enterprise"].label_from_instance = lambda enterprise: enterprise.organisation.name
        self.fields["kind"].choices = [("", _("All kinds")), *LedgerEntry.Kind.choices]

    def clean(self):
        from payments.ledger_export import check_range

        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to"):
            try:
                check_range(cleaned["date_from"], cleaned["date_to"])
            except ActionRefused as refused:
                raise ValidationError(refused.message, code=refused.code) from None
        return cleaned


class CommitmentPaymentForm(forms.Form):
    """The amount a company pays of its confirmed commitment: it must be the confirmed amount (payments.corporate
    refuses any other, with the reason)."""

    amount_twd = AmountField(
        label=_("Amount (NT$)"),
        investment=True,
        help_text=_(
            "The amount both sides confirmed. The receipt is made out to the company and its unified business "
            "number (統一編號)."
        ),
    )
