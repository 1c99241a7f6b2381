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
