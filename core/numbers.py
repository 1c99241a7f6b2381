"""Numbers people type: digits from any keyboard are read, everything else is refused with the form's message.

People in Taiwan and Japan often type full-width digits (１２３), phones offer other scripts' digits (Arabic-Indic
١٢٣), and pasted text brings superscripts (²) or stray signs. `normalise_digits` turns every character that is a
digit into its ASCII digit (NFKC first: full-width digits, signs and commas, superscripts; then any remaining
Unicode decimal digit); `whole_number_text` then accepts only an optional sign followed by ASCII digits, and
never more digits than a stored number can have, so nothing reaches int() or the database that could fail there.
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError

# More digits than any amount, count or year Homeward stores (PostgreSQL's bigint has 19).
MAX_DIGITS = 15
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
# Thousands grouped by commas, as amounts are shown ("1,000,000"; NFKC makes a full-width comma one of these).
GROUPED_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,3}(,[0-9]{3})+")


def normalise_digits(value):
    """NFKC, then every Unicode decimal digit as its ASCII digit; other characters are kept for the caller to judge."""
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(str(unicodedata.decimal(char)) if not char.isascii() and char.isdecimal() else char for char in text)


def whole_number_text(value, *, grouping=False, max_digits=MAX_DIGITS):
    """The normalised text of a whole number ("-12", "500"), or None when it is anything else (or far too long:
    more than `max_digits` digits; None reads any length). `grouping`: thousands grouped by commas ("1,000,000") are
    read too, without their commas."""
    text = normalise_digits(value).strip()
    if grouping and GROUPED_WHOLE_NUMBER.fullmatch(text):
        text = text.replace(",", "")
    if not WHOLE_NUMBER.fullmatch(text) or (max_digits is not None and len(text.lstrip("-")) > max_digits):
        return None
    return text


def count_from_text(value):
    """A non-negative whole number sent as text (an id in a query string, a count), or None for anything else.
    str.isdigit() is no such check: "²" is a digit to it and int() then raises."""
    text = whole_number_text(value or "")
    return None if text is None or text.startswith("-") else int(text)


class WholeNumberField(forms.IntegerField):
    """Django's IntegerField reading digits from any keyboard (see the module doc), with the form's own message
    for everything else; never more than MAX_DIGITS digits, and a form field made from a model field keeps the
    column's range, so no typed number can overflow the column it is stored in. `grouping`: an amount may be typed
    with its thousands grouped by commas, as the pages show amounts (NT$1,000,000)."""

    def __init__(self, *, max_value=None, grouping=False, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        self.grouping = grouping
        super().__init__(max_value=max_value, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = whole_number_text(value, grouping=self.grouping)
        if text is None:
            long_text = whole_number_text(value, grouping=self.grouping, max_digits=None)
            limit = None if long_text is None else self.min_value if long_text.startswith("-") else self.max_value
            if limit is not None and abs(limit) < 10**MAX_DIGITS:
                # A number, only far too long to store: past the field's limit on that side, so the limit's own
                # message says what to type ("Enter at most …"), not "Enter a whole number". (A limit past what we
                # store would let the stand-in pass: such a field keeps the plain refusal.)
                return -(10**MAX_DIGITS) if long_text.startswith("-") else 10**MAX_DIGITS
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)
