from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Ministry of Finance weights for the 統一編號 (unified business number) check.
UNIFIED_BUSINESS_NUMBER_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)


def unified_business_number_is_valid(number):
    """Taiwan's 統一編號: 8 digits; sum of the digits of each digit × weight is divisible by 5
    (the rule since 2023, which also accepts every number valid under the old divisible-by-10 rule).
    When the 7th digit is 7, its product 28 may count as 10 or as 1, so sum + 1 may be the one that divides."""
    if len(number) != 8 or not (number.isascii() and number.isdigit()):
        return False
    total = sum(
        sum(divmod(int(digit) * weight, 10))
        for digit, weight in zip(number, UNIFIED_BUSINESS_NUMBER_WEIGHTS, strict=True)
    )
    return total % 5 == 0 or (number[6] == "7" and (total + 1) % 5 == 0)


def validate_unified_business_number(value):
    if not unified_business_number_is_valid(value):
        raise ValidationError(
            _("%(value)s is not a valid unified business number (統一編號): check the 8 digits."),
            code="invalid_unified_business_number",
            params={"value": value},
        )
