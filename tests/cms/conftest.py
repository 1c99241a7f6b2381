import pytest
from django.test import Client

from tests.factories.accounts import UserFactory


@pytest.fixture
def reader():
    """A signed-in reader's client: their pages are rendered for them, around the shared parts kept in the cache."""
    client = Client()
    client.force_login(UserFactory(email="reader@example.tw"))
    return client
