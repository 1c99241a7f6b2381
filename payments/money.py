"""Money is whole New Taiwan dollars everywhere in Homeward (core.money writes and reads it).

Stripe treats TWD as a two-decimal currency (NT$500 is amount=50000) and pays
out whole dollars only, so this module is the one boundary where amounts are
converted.
"""

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
