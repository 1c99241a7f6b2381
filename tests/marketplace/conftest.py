import pytest

from accounts import actions as account_actions
from accounts.models import Organisation
from tests.factories.accounts import UserFactory


@pytest.fixture
def mallory(db):
    """Signed in, and owner of an enterprise team of her own: the outsider of the marketplace tests."""
    user = UserFactory(email="mallory@example.tw")
    account_actions.create_organisation(user, kind=Organisation.Kind.ENTERPRISE, name="Mallory 工作室")
    return user
