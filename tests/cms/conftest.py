import pytest
from django.core.cache import cache


@pytest.fixture
def page_cache_on(settings):
    """The page cache on, on the real Redis, empty before and after the test."""
    assert settings.CACHES["default"]["BACKEND"] == "core.cache.ResilientRedisCache", "these tests need REDIS_URL"
    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    yield
    cache.clear()
