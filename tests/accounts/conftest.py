import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from accounts import actions
from accounts.models import Organisation, Role, User

PASSWORD = "a-long-Homeward-passphrase-2026"


@pytest.fixture(autouse=True)
def empty_cache():
    """allauth's rate limits and TOTP replay guard live in the (Redis) cache: each test starts clean."""
    cache.clear()
    yield
    cache.clear()


def make_user(email, *, verified=True, **fields):
    user = User.objects.create_user(email, PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


@pytest.fixture
def alice(db):
    return make_user("alice@example.tw", display_name="Alice 林")


@pytest.fixture
def bob(db):
    return make_user("bob@example.tw", display_name="Bob")


@pytest.fixture
def mallory(db):
    """Signed in, and owner of an organisation of her own: the outsider of every permission test."""
    user = make_user("mallory@example.tw")
    actions.create_organisation(user, kind=Organisation.Kind.COMPANY, name="Mallory Corp")
    return user


@pytest.fixture
def enterprise(alice, bob):
    """Alice owns the enterprise team; Bob is its editor."""
    organisation = actions.create_organisation(alice, kind=Organisation.Kind.ENTERPRISE, name="池上米工作室")
    organisation.memberships.create(user=bob, role=Role.EDITOR)
    return organisation
