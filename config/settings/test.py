"""Settings for the test suite.

The full run (`make test`) points these variables at the real services that
scripts/services starts; nothing here falls back silently to an embedded
engine, because tests/conftest.py checks every service before a test runs.
"""

import os
from urllib.parse import urlsplit, urlunsplit

from config.env import ConfigurationError, database_from_url, env_str

from .base import *  # noqa: F403

_HOW_TO_START = 'run `make test`, or `scripts/services start` then `eval "$(scripts/services env)"`'

DATABASES = {"default": database_from_url("DATABASE_URL", None) or {}}
if DATABASES["default"].get("ENGINE") != "django.db.backends.postgresql":
    raise ConfigurationError(f"the test suite runs on PostgreSQL: set DATABASE_URL to it ({_HOW_TO_START}).")
if not REDIS_URL:  # noqa: F405
    raise ConfigurationError(f"the test suite needs Redis: set REDIS_URL ({_HOW_TO_START}).")
if not HOMEWARD_SEARCH["ELASTICSEARCH_URL"]:  # noqa: F405
    raise ConfigurationError(f"the test suite needs Elasticsearch: set ELASTICSEARCH_URL ({_HOW_TO_START}).")
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "")
if not STRIPE_API_BASE:
    raise ConfigurationError(f"the test suite needs stripe-mock: set STRIPE_API_BASE ({_HOW_TO_START}).")
CHROMIUM_PATH = env_str("CHROMIUM_PATH", "/usr/bin/chromium")
# The S3-compatible server (MinIO) that tests marked `s3` store media in; the rest of the suite keeps local disk.
S3_TEST = {
    "endpoint_url": env_str("S3_TEST_ENDPOINT_URL", ""),
    "access_key": env_str("S3_TEST_ACCESS_KEY_ID", ""),
    "secret_key": env_str("S3_TEST_SECRET_ACCESS_KEY", ""),
    "bucket_name": env_str("S3_TEST_BUCKET", "homeward-test-media"),
}
if not S3_TEST["endpoint_url"]:
    raise ConfigurationError(
        f"the test suite needs an S3-compatible server: set S3_TEST_ENDPOINT_URL ({_HOW_TO_START})."
    )

DEBUG = False
SECRET_KEY = "test-only-key-homeward-aa9d8c7b6e5f4a3b2c1d0e9f8a7b6c5d"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STRIPE_SECRET_KEY = "sk_test_123"  # noqa: S105  # stripe-mock accepts any test key
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "whsec_test_homeward")
# The Stripe path is tested against stripe-mock; the demo checkout's tests turn it on where they need it.
PAYMENTS_GATEWAY = "stripe"
# Tests change pages' data directly and render them again; the page cache's own tests (tests/cms/test_page_cache.py)
# turn it on.
PAGE_CACHE_ENABLED = False
PAGE_CACHE_WARMING = False  # on in the tests of warming (a publish would render pages in every test)
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
TRACE_SIGNING_KEY = TEST_TRACE_SIGNING_KEY  # noqa: F405
# The suite starts many payments from 127.0.0.1 within the limit's window (the cache outlives a test); the checkout
# throttle's own test sets the production rate.
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "checkout": "1000/m/ip"}  # noqa: F405
# stripe-mock on a machine busy with two test processes can take longer than production's 1.5 s; the fault tests
# (tests/test_faults.py) put production's timeout back.
STRIPE_TIMEOUT_SECONDS = 10
HOMEWARD_SEARCH = {**HOMEWARD_SEARCH, "TIMEOUT_SECONDS": 5}  # noqa: F405  (the same reason; tests/search puts 1 back)

# scripts/test runs the suite in two processes (pytest-xdist). pytest-django gives each its own test database;
# here each also gets its own search indexes, Redis database and media folder (each object-storage test makes its
# own bucket), so no test sees another's.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER:
    _worker_number = int(XDIST_WORKER.removeprefix("gw"))
    HOMEWARD_SEARCH["INDEX_PREFIX"] = f"{HOMEWARD_SEARCH['INDEX_PREFIX']}-{XDIST_WORKER}"  # noqa: F405
    REDIS_URL = urlunsplit(urlsplit(REDIS_URL)._replace(path=f"/{1 + _worker_number}"))  # noqa: F405
    CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
    CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]["address"] = REDIS_URL  # noqa: F405
    MEDIA_ROOT = VAR_DIR / f"test-media-{XDIST_WORKER}"  # noqa: F405
