import pytest

from marketplace import actions as marketplace_actions
from tests.accounts.conftest import make_user
from tests.marketplace.factories import build_market


def accepted_conversation(market):
    """Dave (company member) expresses interest in 關山米; Erin (its team) accepts: the conversation opens."""
    interest = marketplace_actions.express_interest(market["dave"], market["company"], market["rice"], message="你好")
    marketplace_actions.advance_interest(market["erin"], interest, "accepted")
    interest.refresh_from_db()
    return interest.conversation


@pytest.fixture
def market(home_pages, townships):
    return build_market()


@pytest.fixture
def conversation(market):
    return accepted_conversation(market)


@pytest.fixture
def outsider(db):
    """Signed in, a member of an organisation of their own, and of neither side."""
    from accounts import actions as account_actions
    from accounts.models import Organisation

    user = make_user("mallory@example.tw", display_name="Mallory")
    account_actions.create_organisation(user, kind=Organisation.Kind.COMPANY, name="別家公司")
    return user
