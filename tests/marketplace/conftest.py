import pytest

from tests.marketplace.factories import build_market


@pytest.fixture
def market(home_pages, townships):
    return build_market()
