"""Every CSV Homeward exports goes through here, so that no cell a person typed runs as a spreadsheet formula.

Excel, LibreOffice and Google Sheets run a cell that starts with = + - @ (or a tab/carriage return before one) as a
formula: a guest donor named `=HYPERLINK(...)` would otherwise reach the team's funding CSV as a live link. Such text
gets a leading apostrophe (OWASP's advice; spreadsheets show the text without it). Numbers stay numbers, so a
refund's -500 remains a negative amount.
"""

import csv
import numbers

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_safe(value):
    """One cell's value as a spreadsheet will read it: text that would start a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, numbers.Number):
        value = str(value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


class SafeWriter:
    """csv.writer whose every cell passes spreadsheet_safe."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([spreadsheet_safe(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


class SpreadsheetSafeExportMixin:
    """For a Wagtail view with list_export: its CSV cells pass spreadsheet_safe (its XLSX export already writes
    formulas as text)."""

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: spreadsheet_safe(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )
