"""A Redis outage costs speed and live updates, never a page (issue #17.2).

Real faults, no mocks: "refused" is a port where nothing listens; "hung" is a socket that accepts every connection
and never answers (what a frozen or overloaded Redis looks like to a client).
"""

import socket
import time

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from django.urls import reverse

from config.asgi import application
from core import cache as resilient_cache
from core.live import CLOSE_LIVE_UNAVAILABLE
from tests.factories.accounts import PASSWORD
from tests.helpers import hung_server, socket_headers

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]

# The bar: each page answers within this, with the feature's own message, and nothing 500s.
WITHIN_SECONDS = 2


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def refused_redis():
    return f"redis://127.0.0.1:{_free_port()}/0"


@pytest.fixture
def hung_redis():
    with hung_server() as (host, port):
        yield f"redis://{host}:{port}/0"


@pytest.fixture(params=["refused", "hung"])
def broken_redis(request):
    return request.getfixturevalue(f"{request.param}_redis")


@pytest.fixture
def cache_on(settings):
    """Point the cache at `url` as production configures it (config/settings/base.py), with a fresh outage state."""

    def point_at(url):
        settings.CACHES = {
            "default": {**settings.CACHES["default"], "BACKEND": "core.cache.ResilientRedisCache", "LOCATION": url}
        }
        resilient_cache._outages.clear()

    yield point_at
    resilient_cache._outages.clear()


def timed_get(client, url):
    started = time.perf_counter()
    response = client.get(url)
    return response, time.perf_counter() - started


@pytest.mark.parametrize(
    "url",
    [
        "/zh-hant/",
        "/en/search/?q=米",
        "/en/impact/",
        "/en/accounts/login/",
        "/sitemap.xml",
        "/en/townships/map/",
    ],
)
def test_public_pages_answer_quickly_while_redis_is_broken(client, cms_site, cache_on, broken_redis, settings, url):
    cache_on(settings.REDIS_URL)
    client.get(url)  # warm: templates compiled, so what is timed below is the page itself
    healthy, healthy_seconds = timed_get(client, url)
    cache_on(broken_redis)

    responses = [timed_get(client, url) for _ in range(3)]

    assert [response.status_code for response, _ in [(healthy, 0), *responses]] == [200] * 4
    # The outage costs at most one short socket timeout. (A slow page is slow with a healthy Redis too: on a
    # machine shared by many test runs, compare with that rather than with a bare 2 s.)
    assert max(seconds for _, seconds in responses) < max(WITHIN_SECONDS, healthy_seconds + 1)


def test_sign_in_works_and_failed_attempts_are_still_limited_while_redis_is_down(client, alice, cache_on, hung_redis):
    cache_on(hung_redis)

    for _attempt in range(5):
        client.post("/en/accounts/login/", {"login": "alice@example.tw", "password": "wrong"})
    started = time.perf_counter()
    limited = client.post("/en/accounts/login/", {"login": "alice@example.tw", "password": PASSWORD})

    assert time.perf_counter() - started < WITHIN_SECONDS
    assert "Too many failed login attempts" in limited.text  # counted in this process's memory meanwhile
    assert "_auth_user_id" not in client.session


def test_the_cache_uses_redis_again_once_it_answers(cache_on, settings, monkeypatch):
    redis_url = settings.REDIS_URL
    cache_on(f"redis://127.0.0.1:{_free_port()}/0")
    cache.set("outage-probe", "kept locally")
    assert cache.get("outage-probe") == "kept locally"  # served from memory during the outage

    monkeypatch.setattr(resilient_cache, "RETRY_AFTER_SECONDS", 0)
    cache_on(redis_url)
    cache.set("outage-probe", "in redis")

    assert cache._cache.get_client().exists(cache.make_key("outage-probe")) == 1
    cache.delete("outage-probe")


def test_healthz_says_degraded_fast_and_tells_details_only_to_a_monitor(client, cache_on, broken_redis, settings):
    settings.METRICS_TOKEN = "monitor-token-for-tests"
    cache_on(broken_redis)

    public, seconds = timed_get(client, "/healthz")
    detailed = client.get("/healthz", HTTP_AUTHORIZATION="Bearer monitor-token-for-tests")

    assert seconds < WITHIN_SECONDS + 1
    assert (public.status_code, public.json()) == (200, {"status": "degraded"})
    assert detailed.json()["checks"]["cache"]["ok"] is False
    assert detailed.json()["checks"]["database"]["ok"] is True


@pytest.mark.django_db(transaction=True)
def test_a_live_socket_says_live_updates_are_offline_when_the_channel_layer_is_down(alice, settings, broken_redis):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": broken_redis, "socket_timeout": 15}]},
        }
    }
    headers = socket_headers(alice)

    async def scenario():
        communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
        started = time.perf_counter()
        connected, _ = await communicator.connect(timeout=5)
        closed = await communicator.receive_output(timeout=5)
        await communicator.wait()
        return connected, closed, time.perf_counter() - started

    connected, closed, seconds = async_to_sync(scenario)()

    assert connected is True
    assert closed == {"type": "websocket.close", "code": CLOSE_LIVE_UNAVAILABLE}
    assert seconds < WITHIN_SECONDS + 1


def test_the_healthy_cache_is_redis(client, cache_on, settings):
    cache_on(settings.REDIS_URL)
    cache.set("healthy-probe", 1)

    assert cache._cache.get_client().exists(cache.make_key("healthy-probe")) == 1
    assert list(client.get(reverse("healthz")).json()) == ["status"]  # nothing about the services to anyone
    cache.delete("healthy-probe")


def test_cache_objects_of_different_threads_share_one_redis_client_and_pool(cache_on, settings):
    """Django makes a cache object per thread (per request under ASGI); each used to open its own pool, and make a
    new redis client for every call."""
    from django.core.cache import caches

    cache_on(settings.REDIS_URL)
    first, second = caches.create_connection("default"), caches.create_connection("default")
    assert first is not second

    first.set("shared-probe", "世界")

    assert second.get("shared-probe") == "世界"
    assert first._cache.get_client() is second._cache.get_client()
    assert second._cache.get_client().connection_pool is first._cache.get_client(write=True).connection_pool
    first.delete("shared-probe")
