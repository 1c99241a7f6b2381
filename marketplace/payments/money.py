"""Money is whole New Taiwan dollars everywhere in Homeward.

Stripe treats TWD as a two-decimal currency (NT$500 is amount=50000) and pays
out whole dollars only, so this module is the one boundary where amounts are
converted, and where an amount a person typed is checked.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CURRENCY = "twd"
STRIPE_MINOR_UNITS_PER_DOLLAR = 100


def to_stripe_amount(amount_twd):
    """Whole NT$ → Stripe's minor units."""
    if isinstance(amount_twd, bool) or not isinstance(amount_twd, int):
        raise TypeError(f"amounts are whole New Taiwan dollars (int), not {type(amount_twd).__name__}")
    return amount_twd * STRIPE_MINOR_UNITS_PER_DOLLAR


def from_stripe_amount(minor_units):
    """Stripe's minor units → whole NT$; a fractional dollar means something upstream is wrong."""
    dollars, cents = divmod(int(minor_units), STRIPE_MINOR_UNITS_PER_DOLLAR)
    if cents:
        raise ValueError(f"Stripe amount {minor_units} is not a whole number of New Taiwan dollars")
    return dollars


def parse_investment_amount_twd(value):
    """Like parse_amount_twd, within the limits for investment tickets and commitments (far above a card payment's)."""
    return parse_amount_twd(
        value, minimum=settings.INVESTMENT_MIN_AMOUNT_TWD, maximum=settings.INVESTMENT_MAX_AMOUNT_TWD
    )


def parse_amount_twd(value, minimum=None, maximum=None):
    """A person's input → whole NT$ within the limits (by default a payment's), or ValidationError saying why."""
    text = str(value).strip().replace(",", "").removeprefix("NT$").strip()
    if not text:
        raise ValidationError(_("Enter an amount in New Taiwan dollars."), code="required")
    if not text.lstrip("-").isdigit():
        raise ValidationError(_("Enter a whole number of New Taiwan dollars, without decimals."), code="invalid")
    amount = int(text)
    minimum = settings.PAYMENT_MIN_AMOUNT_TWD if minimum is None else minimum
    maximum = settings.PAYMENT_MAX_AMOUNT_TWD if maximum is None else maximum
    if amount < minimum:
        raise ValidationError(
            _("The smallest amount is NT$%(minimum)s.") % {"minimum": f"{minimum:,}"}, code="min_value"
        )
    if amount > maximum:
        raise ValidationError(
            _("The largest amount is NT$%(maximum)s.") % {"maximum": f"{maximum:,}"}, code="max_value"
        )
    return amount


def format_twd(amount_twd):
    return f"NT${amount_twd:,}"
