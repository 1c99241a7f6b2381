import pytest

from traceability import actions


@pytest.fixture(autouse=True)
def fresh_badges():
    """The badge map is cached (Redis) and cleared after a commit, which a test inside one transaction never
    reaches: every test starts without a map an earlier test left."""
    from django.core.cache import cache

    from traceability.badges import CACHE_KEY

    cache.delete(CACHE_KEY)
    yield
    cache.delete(CACHE_KEY)


@pytest.fixture(autouse=True)
def english(default_language):
    """These tests read refusals and pages in English (the zh-Hant and ja pages are checked where named)."""
    from django.utils import translation

    translation.activate("en")
    yield


@pytest.fixture
def mallory(db):
    """A signed-in outsider who runs a team of her own."""
    from accounts import actions as account_actions
    from accounts.models import Organisation
    from tests.factories.accounts import UserFactory

    user = UserFactory(email="mallory@example.tw")
    account_actions.create_organisation(user, kind=Organisation.Kind.ENTERPRISE, name="Mallory 工作室")
    return user


@pytest.fixture
def batch(listing, alice, plan):
    return actions.create_batch(alice, listing, name="三月吳郭魚", product="吳郭魚片", plan=plan)


@pytest.fixture
def public_batch(batch, alice):
    from tests.factories.traceability import record

    record(alice, batch, kind="planting", description="放養魚苗")
    record(alice, batch, kind="harvest", description="收成")
    return actions.set_batch_public(alice, batch, True)
