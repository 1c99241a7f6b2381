from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cms.models import Sector
from core.dates import bound_date_picker
from core.forms import NamedChoiceField, NamedMultipleChoiceField, Textarea, TextField, text_formfield
from core.money import WholeAmountField
from people.models import (
    Field,
    HelpRequest,
    Language,
    TalentProfile,
    WorkFormat,
    help_request_too_long_message,
    latest_help_request_end,
    split_codes,
)
from places.models import Township

# The largest budget a help request can name (as a donation goal's): more is a slip of the keyboard.
BUDGET_MAX_TWD = 100_000_000

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _townships():
    return Township.objects.select_related("county").order_by("county__code", "code")


class TalentProfileForm(forms.ModelForm):
    fields_of_work = forms.MultipleChoiceField(
        label=pgettext_lazy("expertise", "Fields"),
        choices=Field.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language_codes = forms.MultipleChoiceField(
        label=_("Languages"), choices=Language.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    sectors = NamedMultipleChoiceField(
        label=_("Sectors"), queryset=Sector.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    home_township = NamedChoiceField(label=_("Home township"), queryset=_townships(), required=False)
    townships = NamedMultipleChoiceField(
        label=_("Townships I can serve"),
        queryset=_townships(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )

    class Meta:
        formfield_callback = text_formfield
        model = TalentProfile
        fields = [
            "kind",
            "headline",
            "about",
            "skills",
            "hours_per_month",
            "work_format",
            "available_from",
            "available_until",
            "pro_bono",
            "fee_note",
            "visibility",
            "contact_email",
            "contact_phone",
            "contact_other",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "visibility": forms.RadioSelect,
            "about": Textarea(attrs={"rows": 5}),
            "available_from": DATE,
            "available_until": DATE,
        }
        help_texts = {
            "skills": _("Separated by commas, e.g. food-safety certification, e-commerce, packaging design."),
            "fee_note": _("e.g. NT$1,500 an hour; leave empty if pro bono."),
            "contact_other": _("e.g. a LINE ID. Shown only to organisations whose request you accepted to help with."),
        }

    field_order = ["kind", "headline", "about", "fields_of_work", "skills", "sectors", "language_codes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons need no "---------" choice: none is ticked until the person picks one.
        self.fields["kind"].choices = TalentProfile.Kind.choices
        if self.instance.pk:
            self.initial["fields_of_work"] = split_codes(self.instance.fields)
            self.initial["language_codes"] = split_codes(self.instance.languages)

    def action_data(self):
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["fields"] = self.cleaned_data["fields_of_work"]
        data["languages"] = self.cleaned_data["language_codes"]
        data["sectors"] = self.cleaned_data["sectors"]
        data["home_township"] = self.cleaned_data["home_township"]
        data["townships"] = self.cleaned_data["townships"]
        return data


class HelpRequestForm(forms.ModelForm):
    township = NamedChoiceField(label=_("Township"), queryset=_townships())

    class Meta:
        formfield_callback = text_formfield
        model = HelpRequest
        fields = [
            "title",
            "description",
            "field",
            "sector",
            "township",
            "work_format",
            "starts_on",
            "ends_on",
            "budget_twd",
            "pro_bono",
        ]
        widgets = {
            "description": Textarea(attrs={"rows": 6}),
            "starts_on": DATE,
            "ends_on": DATE,
            "work_format": forms.RadioSelect,
        }
        # The model's "from" and "until" share their words with other labels ("from" a stage): the form says which.
        labels = {"starts_on": pgettext_lazy("timeframe", "From"), "ends_on": pgettext_lazy("timeframe", "Until")}
        # The sector's name in the page's language (a plain choice field would show the Chinese name everywhere).
        field_classes = {"sector": NamedChoiceField}
        error_messages = {
            "field": {"required": _("Choose the field the help is needed in.")},
            "township": {"required": _("Choose the township where the help is needed.")},
        }

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        # A budget beyond any help request's is a typing slip: it gets the limit in NT$, not the column's range.
        too_much = _("The largest amount is NT$%(maximum)s.") % {"maximum": f"{BUDGET_MAX_TWD:,}"}
        self.fields["budget_twd"] = WholeAmountField(
            label=self.fields["budget_twd"].label,
            required=False,
            min_value=0,
            max_value=BUDGET_MAX_TWD,
            error_messages={"max_value": too_much},
        )
        self.fields["township"].error_messages["required"] = _("Choose the township where the help is needed.")
        self.fields["field"].error_messages["required"] = _("Choose the field the help is needed in.")
        # Radio buttons need no "---------" choice: none is ticked until the person picks one.
        self.fields["work_format"].choices = WorkFormat.choices
        self.fields["organisation"] = forms.ChoiceField(
            label=_("On behalf of"), choices=[(o.pk, o.name) for o in organisations]
        )
        self.order_fields(["organisation"])
        today = timezone.localdate()
        for name in ("starts_on", "ends_on"):
            bound_date_picker(self.fields[name], today, latest_help_request_end(today))

    def clean_starts_on(self):
        starts_on = self.cleaned_data["starts_on"]
        if starts_on < timezone.localdate():
            raise forms.ValidationError(_("The timeframe cannot start in the past."))
        if starts_on > latest_help_request_end():
            raise forms.ValidationError(help_request_too_long_message())
        return starts_on

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on < timezone.localdate():
            raise forms.ValidationError(_("The timeframe cannot end in the past."))
        if ends_on > latest_help_request_end():
            raise forms.ValidationError(help_request_too_long_message())
        return ends_on

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The timeframe cannot end before it starts."))
        return data


class OfferForm(forms.Form):
    message = TextField(
        label=_("Message to the team"), max_length=2000, required=False, widget=Textarea(attrs={"rows": 3})
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"), coerce=int, choices=[(n, str(n)) for n in range(5, 0, -1)], widget=forms.RadioSelect
    )
    text = TextField(label=_("Feedback"), max_length=2000, required=False, widget=Textarea(attrs={"rows": 3}))
