"""Whole numbers people type (core.numbers.WholeNumberField): a number far too long to store is refused with the
field's limit, as a number just past it is, not with "Enter a whole number"; what is not a number still is."""

import pytest
from django.utils import translation

from core.numbers import MAX_DIGITS, WholeNumberField
from marketplace.forms import CompanyTieForm


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9" * 20, "Ensure this value is less than or equal to 1000000."),
        ("１" * 30, "Ensure this value is less than or equal to 1000000."),  # full-width digits from a phone
        ("1000001", "Ensure this value is less than or equal to 1000000."),
        ("-" + "9" * 20, "Ensure this value is greater than or equal to 0."),
        ("12a", "Enter a whole number."),
        ("9" * 20 + "x", "Enter a whole number."),
    ],
)
def test_a_count_past_its_limit_says_the_limit_however_many_digits_were_typed(typed, message):
    with translation.override("en"):
        form = CompanyTieForm(data={"kind": "employees", "township": "", "employee_count": typed})
        assert not form.is_valid()
        assert form.errors["employee_count"] == [message]


def test_a_field_without_a_limit_below_what_is_stored_keeps_the_plain_refusal():
    """A stand-in for the long number would pass a limit at or past it (a bigint's): such a field says "Enter a
    whole number" and never reads the long number as anything else."""
    unlimited, past = WholeNumberField(), WholeNumberField(max_value=10**18)
    with translation.override("en"):
        for field in (unlimited, past):
            with pytest.raises(Exception, match="Enter a whole number"):
                field.clean("9" * (MAX_DIGITS + 5))
        assert past.clean("9" * MAX_DIGITS) == int("9" * MAX_DIGITS)
