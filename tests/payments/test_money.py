import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.money import format_twd, parse_amount_twd
from payments.money import from_stripe_amount, to_stripe_amount


def test_stripe_counts_twd_in_hundredths():
    assert to_stripe_amount(500) == 50_000
    assert from_stripe_amount(50_000) == 500


def test_a_fractional_dollar_from_stripe_is_an_error():
    with pytest.raises(ValueError, match="not a whole number"):
        from_stripe_amount(50_050)


@pytest.mark.parametrize("amount", [500.0, "500", True])
def test_only_whole_dollars_as_int_are_converted(amount):
    with pytest.raises(TypeError):
        to_stripe_amount(amount)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("500", 500),
        (" 1,200 ", 1200),
        ("NT$30", 30),
        (1000000, 1000000),
        # the currency as people in Taiwan write it, before or after the number
        ("500元", 500),
        ("1,000 元", 1000),
        ("$500", 500),
        ("NT$1,200元", 1200),
        ("TWD 800", 800),
        ("ntd800", 800),
        ("１０００元", 1000),
        ("＄５００", 500),
        # thousands grouped by spaces (pasted, or a keyboard's habit): ASCII, no-break, narrow and full-width
        ("1 000", 1000),
        ("NT$ 12 500", 12500),
        ("1\u00a0000 元", 1000),
        ("1\u202f000", 1000),
        ("１\u3000０００", 1000),
        ("1 000 000", 1000000),
    ],
)
def test_amounts_people_type_are_read_as_whole_dollars(typed, amount):
    assert parse_amount_twd(typed) == amount


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter an amount"),
        ("元", "Enter an amount"),
        ("NT$", "Enter an amount"),
        ("500.5元", "without decimals"),
        ("500元元", "words and letters"),
        ("12.5", "without decimals"),
        ("abc", "words and letters"),
        ("一百", "words and letters"),  # a number written in Han characters is a word, not digits
        ("1e6", "words and letters"),
        ("１２．５", "without decimals"),  # a full-width point
        ("1,000.50", "without decimals"),
        (".5", "without decimals"),
        ("1 2", "without spaces or other signs"),  # a space that does not group thousands is not guessed away
        ("10 00", "without spaces or other signs"),
        ("1 0000", "without spaces or other signs"),
        ("-100", "The smallest amount is NT$30."),
        ("29", "The smallest amount is NT$30."),
        ("1000001", "The largest amount is NT$1,000,000."),
    ],
)
def test_bad_amounts_say_what_is_wrong(typed, message):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        parse_amount_twd(typed)
    assert message in error.value.messages[0]


def test_amounts_are_shown_with_thousands_separators():
    assert format_twd(1234567) == "NT$1,234,567"


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("５００", 500),  # full-width, as Taiwanese and Japanese keyboards type it
        ("ＮＴ＄１，２００", 1200),
        ("٥٠٠", 500),  # Arabic-Indic digits
        ("५००", 500),  # Devanagari digits
        ("5²", 52),  # a superscript is a digit once normalised (NFKC)
    ],
)
def test_digits_from_any_keyboard_are_read(typed, amount):
    assert parse_amount_twd(typed) == amount


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("--5", "without spaces or other signs"),
        ("5-", "without spaces or other signs"),
        ("+-5", "without spaces or other signs"),
        ("½", "without decimals"),  # NFKC makes it 1⁄2 (a fraction slash): not a whole number
        ("9" * 5000, "The largest amount is NT$1,000,000."),  # int() refuses 4,300+ digits: never reach it
        ("-" + "9" * 40, "The smallest amount is NT$30."),
        ("１" * 40, "The largest amount is NT$1,000,000."),
    ],
)
def test_strange_numbers_are_refused_with_the_forms_message(typed, message):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        parse_amount_twd(typed)
    assert message in error.value.messages[0]
