import pytest

from accounts import actions as account_actions
from accounts.models import Organisation, Role
from places.models import Township
from tests.accounts.conftest import make_user
from tests.cms.conftest import TEST_TOWN_CODES, cms_site  # noqa: F401 (fixture)
from tests.marketplace.factories import build_market


@pytest.fixture
def market(home_pages, townships):
    return build_market()


@pytest.fixture
def alice(db):
    return make_user("alice@example.tw", display_name="Alice 林")


@pytest.fixture
def bob(db):
    return make_user("bob@example.tw", display_name="Bob")


@pytest.fixture
def mallory(db):
    user = make_user("mallory@example.tw")
    account_actions.create_organisation(user, kind=Organisation.Kind.ENTERPRISE, name="Mallory 工作室")
    return user


@pytest.fixture
def team(alice, bob):
    """Alice owns the enterprise team; Bob is its editor."""
    organisation = account_actions.create_organisation(alice, kind=Organisation.Kind.ENTERPRISE, name="口湖魚塭隊")
    organisation.memberships.create(user=bob, role=Role.EDITOR)
    return organisation


@pytest.fixture
def kouhu(townships):
    return Township.objects.get(code=TEST_TOWN_CODES[2])


@pytest.fixture
def profile(cms_site, team, alice, kouhu):  # noqa: F811
    from marketplace.actions import save_enterprise_profile

    return save_enterprise_profile(alice, team, township=kouhu, team_size=4, members_returned_home=3, summary="養殖")
