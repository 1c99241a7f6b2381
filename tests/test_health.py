import pytest
from django.test import override_settings

from search import engines

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis, pytest.mark.elasticsearch]

# Which service fails and why is for a monitor holding METRICS_TOKEN (and staff); anyone else sees the status only.
MONITOR = {"HTTP_AUTHORIZATION": "Bearer monitor-token-for-tests"}


@pytest.fixture(autouse=True)
def monitor_token(settings):
    settings.METRICS_TOKEN = "monitor-token-for-tests"


def test_healthz_reports_every_service_of_the_full_set_up(client):
    response = client.get("/healthz", **MONITOR)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    checks = body["checks"]
    assert checks["database"] == {"ok": True, "vendor": "postgresql", "ms": checks["database"]["ms"]}
    assert checks["search"]["engine"] == "elasticsearch"
    assert checks["search"]["ok"] is True
    assert checks["channel_layer"]["backend"] == "RedisPubSubChannelLayer"
    assert checks["channel_layer"]["ok"] is True
    assert checks["cache"] == {"ok": True, "backend": "ResilientRedisCache", "ms": checks["cache"]["ms"]}
    assert checks["payments"]["configured"] is True
    assert checks["payments"]["mode"] == "test"
    assert "sk_test" not in response.text


def test_an_unreachable_search_engine_degrades_healthz_without_failing_it(client, settings):
    engines._elasticsearch_client.cache_clear()
    unreachable = {**settings.HOMEWARD_SEARCH, "ELASTICSEARCH_URL": "http://127.0.0.1:9", "TIMEOUT_SECONDS": 1}
    with override_settings(HOMEWARD_SEARCH=unreachable):
        response = client.get("/healthz", **MONITOR)
    engines._elasticsearch_client.cache_clear()

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["search"] == {
        "ok": False,
        "engine": "elasticsearch",
        "fallback": "database",
        "error": "ConnectionError",
        "ms": body["checks"]["search"]["ms"],
    }


def test_payments_without_a_key_are_reported_as_not_configured(client):
    with override_settings(STRIPE_SECRET_KEY=""):
        response = client.get("/healthz", **MONITOR)

    assert response.json()["checks"]["payments"]["configured"] is False
    assert response.json()["checks"]["payments"]["mode"] == "not configured"


def test_anyone_else_sees_only_the_status(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/healthz", HTTP_AUTHORIZATION="Bearer wrong").json() == {"status": "ok"}


def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405
