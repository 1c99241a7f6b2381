"""Settings read the environment and fail with one clear line, never a traceback."""

import os

import pytest

from tests.helpers import clean_environment, manage

pytestmark = pytest.mark.postgres

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "p" * 20 + "9f8e7d6c5b4a3210fedcba9876543210-xyz",
    "DJANGO_ALLOWED_HOSTS": "homeward.tw,www.homeward.tw",
    "REDIS_URL": "redis://127.0.0.1:6390/0",
    "AWS_STORAGE_BUCKET_NAME": "homeward-media",
    "AWS_ACCESS_KEY_ID": "homeward",
    "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
    "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
    "TRACE_SIGNING_KEY": "bm90LWEtcmVhbC1rZXktYnV0LTMyLWJ5dGVzLWxvbmc=",
    "SITE_BASE_URL": "https://homeward.tw",
}


@pytest.fixture
def production_env(live_database_url):
    return clean_environment(**PRODUCTION, DATABASE_URL=live_database_url)


@pytest.fixture
def live_database_url(settings):
    database = settings.DATABASES["default"]
    return (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    )


def test_production_settings_pass_the_deployment_checklist(production_env):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "missing",
    [
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "AWS_STORAGE_BUCKET_NAME",
        "TRACE_SIGNING_KEY",
        "SITE_BASE_URL",
    ],
)
def test_production_refuses_to_start_without_each_required_variable(production_env, missing):
    del production_env[missing]

    result = manage("check", env=production_env)

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("homeward: configuration error:")
    assert missing in lines[0]


def test_production_refuses_a_short_or_development_secret_key(production_env):
    production_env["DJANGO_SECRET_KEY"] = "dev-only-insecure-key-homeward-8f2c1e0d7b6a5948372615"

    result = manage("check", env=production_env)

    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://localhost", "points at this machine"),
        ("https://localhost:8443", "points at this machine"),
        ("https://127.0.0.1", "points at this machine"),
        ("http://127.0.0.1:8000/", "points at this machine"),
        ("https://[::1]", "points at this machine"),
        ("https://app.localhost", "points at this machine"),
        ("http://homeward.tw", "is http"),
        ("https://homeward.tw/zh-hant/", "has a path"),
        ("homeward.tw", "is not a URL"),
    ],
)
def test_production_refuses_a_site_base_url_that_visitors_cannot_follow(production_env, value, expected):
    production_env["SITE_BASE_URL"] = value

    result = manage("check", env=production_env)

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("homeward: configuration error: SITE_BASE_URL=")
    assert expected in lines[0]


def test_a_local_production_like_cluster_opts_in_to_a_loopback_site_base_url(production_env):
    production_env.update(SITE_BASE_URL="http://127.0.0.1:8105", SITE_BASE_URL_ALLOW_LOCAL="1")

    result = manage(
        "shell", "-c", "from django.conf import settings; print(settings.SITE_BASE_URL)", env=production_env
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8105"


def test_the_local_cluster_recipe_starts_production_settings_on_its_loopback_address(tmp_path, monkeypatch):
    from deploy.local_cluster import cluster_environment

    for name in ("ELASTICSEARCH_URL", "S3_TEST_ENDPOINT_URL", "S3_TEST_ACCESS_KEY_ID", "S3_TEST_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, os.environ.get(name) or "http://127.0.0.1:9")
    environment = cluster_environment(tmp_path)

    result = manage("shell", "-c", "from django.conf import settings; print(settings.SITE_BASE_URL)", env=environment)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1"
    del environment["SITE_BASE_URL_ALLOW_LOCAL"]
    assert "points at this machine" in manage("check", env=environment).stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Zm4k+socsuqUxfLsmPoFZ552+7NMtepBWCcJQo00kjU=", "published development key"),
        ("c2hvcnQ=", "base64 of 32 bytes"),
        ("not base64 at all!", "base64 of 32 bytes"),
    ],
)
def test_production_refuses_a_development_or_malformed_trace_signing_key(production_env, value, expected):
    production_env["TRACE_SIGNING_KEY"] = value

    result = manage("check", env=production_env)

    assert result.returncode != 0
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("SEARCH_ENGINE", "solr", "SEARCH_ENGINE='solr' is not one of: database, elasticsearch."),
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG='maybe' is not a boolean"),
        ("DATABASE_URL", "mysql://x@y/z", "DATABASE_URL uses the scheme 'mysql'"),
        ("SEARCH_TIMEOUT_SECONDS", "soon", "SEARCH_TIMEOUT_SECONDS='soon' is not a whole number."),
        ("WEB_GC_THRESHOLDS", "50000,often", "WEB_GC_THRESHOLDS takes three whole numbers of at least 1"),
        ("WEB_GC_THRESHOLDS", "0,10,10", "WEB_GC_THRESHOLDS takes three whole numbers of at least 1"),
    ],
)
def test_an_unknown_value_is_named_in_one_line(variable, value, expected):
    env = clean_environment(DJANGO_SETTINGS_MODULE="config.settings.dev", **{variable: value})

    result = manage("check", env=env)

    assert result.returncode != 0
    assert result.stderr.strip() == f"homeward: configuration error: {result.stderr.strip().split(': ', 2)[2]}"
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_elasticsearch_without_an_address_is_refused():
    env = clean_environment(DJANGO_SETTINGS_MODULE="config.settings.dev", SEARCH_ENGINE="elasticsearch")

    result = manage("check", env=env)

    assert "SEARCH_ENGINE=elasticsearch needs ELASTICSEARCH_URL" in result.stderr


# --- the demo checkout (payments/gateways/demo.py) ----------------------------------------------------------------

SHOW_GATEWAY = "from django.conf import settings; print(settings.PAYMENTS_GATEWAY, settings.STRIPE_WEBHOOK_SECRET)"


def test_production_refuses_to_start_with_the_demo_checkout(production_env):
    production_env["PAYMENTS_GATEWAY"] = "demo"

    result = manage("check", env=production_env)

    assert result.returncode != 0
    assert "PAYMENTS_GATEWAY='demo'" in result.stderr and "refused in production" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_the_demo_checkouts_published_webhook_secret(production_env):
    production_env["STRIPE_WEBHOOK_SECRET"] = "whsec_demo_homeward_no_money_moves"

    result = manage("check", env=production_env)

    assert result.returncode != 0
    assert "demo checkout's published secret" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"STRIPE_SECRET_KEY": "", "STRIPE_WEBHOOK_SECRET": ""}, "demo whsec_demo_homeward_no_money_moves"),
        ({"STRIPE_SECRET_KEY": "sk_test_1", "STRIPE_WEBHOOK_SECRET": "whsec_real"}, "stripe whsec_real"),
        ({"STRIPE_SECRET_KEY": "", "STRIPE_WEBHOOK_SECRET": "", "PAYMENTS_GATEWAY": "stripe"}, "stripe "),
    ],
)
def test_make_run_uses_the_demo_checkout_only_without_stripe_keys(environment, expected):
    env = clean_environment(DJANGO_SETTINGS_MODULE="config.settings.dev", **environment)

    result = manage("shell", "-c", SHOW_GATEWAY, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == expected  # after the shell's own line about its imports


POOLED_REQUESTS_SCRIPT = """
import asyncio
import psycopg
from asgiref.testing import ApplicationCommunicator
from config.asgi import application

opened = []
connect = psycopg.Connection.connect.__func__

def counting_connect(cls, *args, **kwargs):
    opened.append(1)
    return connect(cls, *args, **kwargs)

psycopg.Connection.connect = classmethod(counting_connect)
psycopg.connect = psycopg.Connection.connect  # what Django calls without a pool

async def one_request():
    scope = {"type": "http", "method": "GET", "path": "/healthz", "raw_path": b"/healthz",
             "query_string": b"", "headers": [(b"host", b"homeward.tw")], "scheme": "https", "http_version": "1.1",
             "server": ("homeward.tw", 443), "client": ("127.0.0.1", 5000), "root_path": ""}
    communicator = ApplicationCommunicator(application, scope)
    await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
    start = await communicator.receive_output(10)
    while (await communicator.receive_output(10)).get("more_body"):
        pass
    await communicator.wait(10)  # the request's end (request_finished), where its connection goes back
    return start["status"]

statuses = [asyncio.run(one_request()) for _ in range(6)]
print("POOLED", statuses, len(opened))
"""


def test_production_requests_under_asgi_reuse_pooled_database_connections(production_env):
    """Under ASGI each request's database work runs in a thread of its own: persistent connections were never
    reused (a new PostgreSQL connection per request); the pool lends the same few."""
    production_env["REDIS_URL"] = os.environ.get("REDIS_URL", production_env["REDIS_URL"])
    result = manage("shell", "-c", POOLED_REQUESTS_SCRIPT, env=production_env)

    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("POOLED"))
    statuses, opened = line.removeprefix("POOLED ").rsplit(" ", 1)
    assert statuses == "[200, 200, 200, 200, 200, 200]", result.stderr[-3000:]
    assert int(opened) <= 3  # the pool's minimum of 2, one more if a request came before they were ready

    production_env["DATABASE_POOL_MAX_SIZE"] = "0"  # persistent connections, as before the pool
    result = manage("shell", "-c", POOLED_REQUESTS_SCRIPT, env=production_env)
    line = next(line for line in result.stdout.splitlines() if line.startswith("POOLED"))
    assert int(line.rsplit(" ", 1)[1]) == 6


COOKIE_FLAGS_SCRIPT = """
from django.conf import settings
from django.test import Client
switched = Client(HTTP_HOST="homeward.tw").post("/i18n/setlang/", {"language": "en", "next": "/en/"}, secure=True)
morsel = switched.cookies["django_language"]
print("COOKIE", "django_language", bool(morsel["secure"]), bool(morsel["httponly"]), morsel["samesite"] or "-")
for name in ("SESSION", "CSRF"):
    flags = [getattr(settings, f"{name}_COOKIE_{flag}") for flag in ("SECURE", "HTTPONLY", "SAMESITE")]
    print("COOKIE", name, *flags)
"""


def test_production_cookies_are_secure_and_same_site(production_env):
    """The language switch's cookie went out without Secure, HttpOnly or SameSite (Django's defaults, which the
    deployment check does not look at). The CSRF cookie stays readable by the page's scripts, which send it back."""
    production_env["REDIS_URL"] = os.environ.get("REDIS_URL", production_env["REDIS_URL"])
    result = manage("shell", "-c", COOKIE_FLAGS_SCRIPT, env=production_env)

    assert result.returncode == 0, result.stderr[-3000:]
    cookies = {line.split()[1]: line.split()[2:] for line in result.stdout.splitlines() if line.startswith("COOKIE ")}
    assert cookies == {
        "django_language": ["True", "True", "Lax"],
        "SESSION": ["True", "True", "Lax"],
        "CSRF": ["True", "False", "Lax"],
    }
