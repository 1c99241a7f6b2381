from django import forms
from django.utils.translation import gettext_lazy as _

MAX_PRIORITY_CSV_BYTES = 1024 * 1024


class PriorityAreaImportForm(forms.Form):
    csv_file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV with a column named town_code (8-digit Ministry of the Interior town codes)."),
    )
    replace = forms.BooleanField(
        label=_("Replace the whole list"),
        required=False,
        help_text=_("Unflag townships that are not in the file."),
    )

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        if upload.size > MAX_PRIORITY_CSV_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB; a list of townships is far smaller."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text; save it as CSV (UTF-8).")) from None


MAP_MEASURES = {
    "population": _("Population"),
    "share_aged_65_plus": _("Share aged 65 and over"),
    "aging_index": _("Aging index"),
}


def _county_choices():
    from places.models import County

    return [("", _("All of Taiwan"))] + [(county.code, county.name) for county in County.objects.all()]


class TownshipMapForm(forms.Form):
    """The measure and county of the township map page; anything else is refused with a message."""

    measure = forms.ChoiceField(
        label=_("Measure"),
        choices=list(MAP_MEASURES.items()),
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not a measure this map can show.")},
    )
    county = forms.ChoiceField(
        label=_("County"),
        choices=_county_choices,
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not a county code.")},
    )

    def clean_measure(self):
        return self.cleaned_data["measure"] or "population"

    def clean_county(self):
        return self.cleaned_data["county"] or None
