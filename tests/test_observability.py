"""Logs, metrics and the error tracker: request ids on every line, Prometheus figures, Sentry only with its DSN."""

import json
import logging

import pytest

from config.observability import ContextFilter, logging_config
from tests.helpers import clean_environment, manage

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_a_request_carries_the_proxys_id_to_its_log_lines_and_response(client):
    seen = []

    class Remember(logging.Handler):
        def emit(self, record):
            seen.append(record)

    handler = Remember()
    handler.addFilter(ContextFilter())
    logging.getLogger("django.request").addHandler(handler)
    try:
        response = client.get("/zh-hant/no-such-page/", HTTP_X_REQUEST_ID="req-0123456789abcdef")
    finally:
        logging.getLogger("django.request").removeHandler(handler)

    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-0123456789abcdef"
    assert [record.request_id for record in seen] == ["req-0123456789abcdef"]  # django.request logs the 404


def test_a_request_without_a_usable_id_gets_a_new_one(client):
    first = client.get("/healthz", HTTP_X_REQUEST_ID="bad id with spaces")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert len(first) == 32 and first != second and " " not in first


def test_json_lines_hold_the_request_id_and_the_role():
    from pythonjsonlogger.json import JsonFormatter

    config = logging_config("json", "INFO")

    options = dict(config["formatters"]["json"])
    options.pop("()")
    record = logging.LogRecord("homeward", logging.WARNING, __file__, 1, "webhook %s late", ("evt_1",), None)
    ContextFilter().filter(record)
    record.request_id = "req-1"
    line = json.loads(JsonFormatter(**options).format(record))

    assert line["message"] == "webhook evt_1 late"
    assert line["level"] == "WARNING" and line["logger"] == "homeward"
    assert line["request_id"] == "req-1" and "role" in line and "task_id" in line


def test_metrics_show_requests_tasks_webhooks_search_and_the_scheduler(client, settings):
    from config.metrics import record_search_fallback

    client.get("/healthz")
    record_search_fallback("search")
    text = client.get("/metrics").content.decode()

    for name in (
        "django_http_requests_total_by_view_transport_method_total",
        "homeward_tasks_queued",
        "homeward_task_workers_alive",
        "homeward_webhook_lag_seconds",
        "homeward_search_fallbacks_total",
        "homeward_search_pending_updates",
        "homeward_scheduler_last_success_timestamp_seconds",
    ):
        assert name in text, name
    assert 'homeward_scheduler_last_success_timestamp_seconds{job="campaign_settlement"}' in text


def test_metrics_need_the_token_when_one_is_set(client, settings):
    settings.METRICS_TOKEN = "scrape-secret"

    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret").status_code == 200


@pytest.mark.parametrize(("dsn", "active"), [("", "False"), ("https://public@errors.example.invalid/1", "True")])
def test_the_error_tracker_is_on_only_with_its_dsn(dsn, active):
    env = clean_environment(DJANGO_SETTINGS_MODULE="config.settings.dev", SENTRY_DSN=dsn)
    result = manage("shell", "-c", "import sentry_sdk; print(sentry_sdk.get_client().is_active())", env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == active
