import pytest

from tests.factories.accounts import UserFactory
from tests.factories.market import accepted_conversation


@pytest.fixture
def conversation(market):
    return accepted_conversation(market)


@pytest.fixture
def outsider(db):
    """Signed in, a member of an organisation of their own, and of neither side."""
    from accounts import actions as account_actions
    from accounts.models import Organisation

    user = UserFactory(email="mallory@example.tw", display_name="Mallory")
    account_actions.create_organisation(user, kind=Organisation.Kind.COMPANY, name="別家公司")
    return user
