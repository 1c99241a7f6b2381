"""Money is whole New Taiwan dollars everywhere in Homeward: how an amount is written and read.

`format_twd` writes it (NT$1,234: Taiwan groups by thousands with commas, in all three languages), and
`parse_amount_twd` reads what a person typed. Converting to Stripe's units is payments.money's job, at the one
boundary where Homeward talks to Stripe.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.numbers import MAX_DIGITS, WholeNumberField, normalise_digits


def format_twd(amount_twd):
    """1234 → "NT$1,234"; a negative amount (a refund, a payout) → "-NT$1,234"."""
    amount_twd = int(amount_twd)
    sign = "-" if amount_twd < 0 else ""
    return f"{sign}NT${abs(amount_twd):,}"


def format_count(value):
    """1234567 → "1,234,567"; nothing → "—"; anything that is not a number is shown as it is."""
    if value is None or value == "":
        return "—"
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value


def parse_investment_amount_twd(value):
    """Like parse_amount_twd, within the limits for investment tickets and commitments (far above a card payment's)."""
    return parse_amount_twd(
        value, minimum=settings.INVESTMENT_MIN_AMOUNT_TWD, maximum=settings.INVESTMENT_MAX_AMOUNT_TWD
    )


def parse_goal_amount_twd(value):
    """Like parse_amount_twd, for a donation campaign's goal: at least one payment, at most the goal limit (a goal is
    the sum of many payments, so one payment's limit does not bound it)."""
    return parse_amount_twd(
        value, minimum=settings.PAYMENT_MIN_AMOUNT_TWD, maximum=settings.DONATION_GOAL_MAX_AMOUNT_TWD
    )


# Longest first: "NT$" before "$", "NTD" before "NT".
CURRENCY_PREFIXES = ("NT$", "NTD", "TWD", "NT", "$")
CURRENCY_SUFFIXES = ("NTD", "TWD", "元", "圓")


def _without_currency(text):
    """The number of an amount typed with its currency before or after it, once each."""
    upper = text.upper()
    for prefix in CURRENCY_PREFIXES:
        if upper.startswith(prefix):
            text, upper = text[len(prefix) :].strip(), upper[len(prefix) :].strip()
            break
    for suffix in CURRENCY_SUFFIXES:
        if upper.endswith(suffix):
            text = text[: -len(suffix)].strip()
            break
    return text


# Thousands grouped by spaces ("1 000", "10 000 000"; a no-break, thin or full-width space is one after NFKC), as
# amounts pasted from elsewhere or typed on some keyboards are: read without them. Other spaces ("1 2", "10 00") stay
# refused rather than guessed.
SPACE_GROUPED_AMOUNT = re.compile(r"-?[0-9]{1,3}(?: [0-9]{3})+")


# A number with a fractional part: "12.5", ".5", "12." (NFKC makes a full-width point one of these), or a fraction
# that NFKC spelled out ("½" → "1⁄2").
DECIMAL_AMOUNT = re.compile(r"[0-9]*\.[0-9]*|[0-9]+[⁄/][0-9]+")


def _unreadable_amount(text):
    """The refusal of an amount that is not a whole number, in words that fit what was typed: a person who typed
    "12.5" is told about decimals, one who typed "abc" or "一百" that only digits are read."""
    if DECIMAL_AMOUNT.fullmatch(text) and any(char.isdigit() for char in text):
        return ValidationError(_("Enter a whole number of New Taiwan dollars, without decimals."), code="decimal")
    if any(char.isalpha() for char in text):
        return ValidationError(
            _("Enter the amount in digits, such as 500: words and letters cannot be read as an amount."),
            code="letters",
        )
    return ValidationError(
        _("Enter the amount in digits only, such as 500, without spaces or other signs."), code="invalid"
    )


def parse_amount_twd(value, minimum=None, maximum=None):
    """A person's input → whole NT$ within the limits (by default a payment's), or ValidationError saying why."""
    # Full-width "ＮＴ＄１，２００" and other scripts' digits read as typed (core.numbers), with the currency written
    # the ways people in Taiwan write it around the number ("NT$500", "$500", "500元", "TWD 500"); nothing else passes.
    text = _without_currency(normalise_digits(value).strip().replace(",", ""))
    if SPACE_GROUPED_AMOUNT.fullmatch(text):
        text = text.replace(" ", "")
    if not text:
        raise ValidationError(_("Enter an amount in New Taiwan dollars."), code="required")
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()):
        raise _unreadable_amount(digits)
    minimum = settings.PAYMENT_MIN_AMOUNT_TWD if minimum is None else minimum
    maximum = settings.PAYMENT_MAX_AMOUNT_TWD if maximum is None else maximum
    # Far more digits than any limit: refused by its sign before int() (which refuses 4,300+ digits) sees it.
    if len(digits) > MAX_DIGITS:
        text = "-1" + "0" * MAX_DIGITS if text.startswith("-") else "1" + "0" * MAX_DIGITS
    amount = int(text)
    if amount < minimum:
        raise ValidationError(
            _("The smallest amount is NT$%(minimum)s.") % {"minimum": f"{minimum:,}"}, code="min_value"
        )
    if amount > maximum:
        raise ValidationError(
            _("The largest amount is NT$%(maximum)s.") % {"maximum": f"{maximum:,}"}, code="max_value"
        )
    return amount


class WholeAmountField(WholeNumberField):
    """A WholeNumberField for an amount of NT$ with limits of its own (a plan's budget lines, a help request's
    budget): what is not a whole number is refused in parse_amount_twd's words (letters and words, decimals, stray
    spaces or signs), not Django's bare "Enter a whole number"."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "invalid":
                raise
            text = _without_currency(normalise_digits(value).strip().replace(",", ""))
            raise _unreadable_amount(text.removeprefix("-")) from None
