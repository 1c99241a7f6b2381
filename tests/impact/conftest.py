from tests.cms.conftest import cms_site  # noqa: F401 (fixture)
from tests.marketplace.conftest import alice, bob, kouhu, market, profile, team  # noqa: F401 (fixtures)
