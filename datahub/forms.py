from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import bound_date_picker
from datahub.models import source_date_bounds, source_date_out_of_bounds_message

MAX_FIGURES_CSV_BYTES = 10 * 1024 * 1024


class FiguresImportForm(forms.Form):
    csv_file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 CSV with the columns indicator, unit, period, code, value: one row per figure, the period a year "
            "(2021) or a month (2021-03), the code an 8-digit town code or a 5-digit county code."
        ),
    )
    source = forms.CharField(label=_("Source"), max_length=200, help_text=_("Who publishes the figures."))
    licence = forms.CharField(label=_("Licence"), max_length=200)
    source_date = forms.DateField(
        label=_("Source date"),
        help_text=_("The date the source published the figures (YYYY-MM-DD)."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_date_picker(self.fields["source_date"], *source_date_bounds())

    def clean_source_date(self):
        source_date = self.cleaned_data["source_date"]
        earliest, latest = source_date_bounds()
        if not earliest <= source_date <= latest:
            raise forms.ValidationError(source_date_out_of_bounds_message())
        return source_date

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        if upload.size > MAX_FIGURES_CSV_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text; save it as CSV (UTF-8).")) from None
        self.file_name = upload.name
        return text
