import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from marketplace.models import CompanyProfile, EnterpriseProfile, ProjectListing
from marketplace.validators import unified_business_number_is_valid, validate_unified_business_number


@pytest.mark.parametrize("number", ["22099131", "04595257", "10458575", "10458574"])
def test_valid_unified_business_numbers_pass_the_checksum(number):
    assert unified_business_number_is_valid(number)


@pytest.mark.parametrize("number", ["22099132", "1234567", "123456789", "2209913A", "", "00000001"])
def test_invalid_unified_business_numbers_are_refused_with_a_reason(number):
    assert not unified_business_number_is_valid(number)
    with translation.override("en"), pytest.raises(ValidationError, match="not a valid unified business number"):
        validate_unified_business_number(number)


def test_more_returnees_than_team_members_is_refused():
    with translation.override("en"), pytest.raises(ValidationError, match="More members returned home"):
        EnterpriseProfile(team_size=3, members_returned_home=4).clean()


def test_a_ticket_range_upside_down_is_refused():
    with translation.override("en"), pytest.raises(ValidationError, match="largest ticket"):
        CompanyProfile(ticket_min_twd=500_000, ticket_max_twd=100_000).clean()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ask_min_twd": None, "ask_max_twd": 1_000_000, "instrument": "equity"}, "Give the range"),
        ({"ask_min_twd": 2_000_000, "ask_max_twd": 1_000_000, "instrument": "equity"}, "upper end"),
        ({"ask_min_twd": 500_000, "ask_max_twd": 1_000_000, "instrument": ""}, "instrument"),
    ],
)
def test_an_investment_ask_needs_a_sane_range_and_an_instrument(fields, message):
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        ProjectListing(seeks_investment=True, **fields).clean()


def test_a_listing_without_an_investment_ask_needs_no_range():
    ProjectListing(seeks_investment=False).clean()
