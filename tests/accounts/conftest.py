import pytest
from django.core.cache import cache

from accounts import actions
from accounts.models import Organisation, Role
from tests.factories.accounts import UserFactory


@pytest.fixture(autouse=True)
def empty_cache():
    """allauth's rate limits and TOTP replay guard live in the (Redis) cache: each test starts clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mallory(db):
    """Signed in, and owner of an organisation of her own: the outsider of every permission test."""
    user = UserFactory(email="mallory@example.tw")
    actions.create_organisation(user, kind=Organisation.Kind.COMPANY, name="Mallory Corp")
    return user


@pytest.fixture
def enterprise(alice, bob):
    """Alice owns the enterprise team; Bob is its editor."""
    organisation = actions.create_organisation(alice, kind=Organisation.Kind.ENTERPRISE, name="池上米工作室")
    organisation.memberships.create(user=bob, role=Role.EDITOR)
    return organisation
