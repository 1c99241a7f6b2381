"""Production: every secret comes from the environment, with no default.

Missing values stop the process at start-up with one line naming the variable.
"""

import base64

from config.env import (
    ConfigurationError,
    database_from_url,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    public_base_url,
)
from config.observability import logging_config

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("dev-only", "test-only")):
    raise ConfigurationError("DJANGO_SECRET_KEY must be a random value of at least 50 characters.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": database_from_url("DATABASE_URL")}
# A pool of connections per process (psycopg_pool through Django), not persistent connections: under ASGI each
# request runs its database work in a thread of its own (Django's ThreadSensitiveContext), so a thread's persistent
# connection was never reused and every request opened a new PostgreSQL connection (Django's documentation says to
# disable persistent connections under ASGI for that reason). Measured with bench/load.py: see bench/README.md.
# DATABASE_POOL_MAX_SIZE=0 falls back to persistent connections (DATABASE_CONN_MAX_AGE) for a process manager that
# runs Django synchronously.
DATABASE_POOL_MAX_SIZE = env_int("DATABASE_POOL_MAX_SIZE", 8, minimum=0)
if DATABASE_POOL_MAX_SIZE:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(2, DATABASE_POOL_MAX_SIZE),
        "max_size": DATABASE_POOL_MAX_SIZE,
        # A request waits this long for a free connection before it fails (the pool is smaller than the
        # number of requests a process may have in flight: they queue here rather than on PostgreSQL).
        "timeout": env_int("DATABASE_POOL_TIMEOUT_SECONDS", 20, minimum=1),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
# With the pool, Django checks a connection before lending it (one empty round trip): one broken by a database
# restart is replaced instead of failing a request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

if not REDIS_URL:  # noqa: F405
    # The in-memory channel layer cannot reach other processes: live updates would silently vanish.
    raise ConfigurationError("REDIS_URL is not set; production needs Redis for the cache and the channel layer.")

# The key that signs the traceability digests: a published development or test key proves nothing.
TRACE_SIGNING_KEY = env_str("TRACE_SIGNING_KEY")
if TRACE_SIGNING_KEY in (DEV_TRACE_SIGNING_KEY, TEST_TRACE_SIGNING_KEY):  # noqa: F405
    raise ConfigurationError("TRACE_SIGNING_KEY is a published development key; make one: manage.py trace_signing_key")
try:
    _trace_key_length = len(base64.b64decode(TRACE_SIGNING_KEY, validate=True))
except ValueError:
    _trace_key_length = 0
if _trace_key_length != 32:
    raise ConfigurationError("TRACE_SIGNING_KEY must be the base64 of 32 bytes; make one: manage.py trace_signing_key")

# Real money only: the demo checkout (payments/gateways/demo.py) marks payments paid that nobody made.
if PAYMENTS_GATEWAY != "stripe":  # noqa: F405
    raise ConfigurationError(
        f"PAYMENTS_GATEWAY={PAYMENTS_GATEWAY!r}: the demo checkout moves no money and is refused in production; "  # noqa: F405
        "unset it (Stripe is the production gateway)."
    )
if STRIPE_WEBHOOK_SECRET == DEMO_STRIPE_WEBHOOK_SECRET:  # noqa: F405
    raise ConfigurationError("STRIPE_WEBHOOK_SECRET is the demo checkout's published secret; use your endpoint's.")

# Every absolute link (emails, canonical and hreflang tags, the sitemap, feeds, Open Graph) starts with it: required,
# https and not this machine. SITE_BASE_URL_ALLOW_LOCAL=1 is the explicit opt-in of a production-like cluster on
# loopback (deploy/local_cluster.py), never of a real deployment.
SITE_BASE_URL = public_base_url(
    "SITE_BASE_URL", env_str("SITE_BASE_URL"), allow_local=env_bool("SITE_BASE_URL_ALLOW_LOCAL", False)
)
WAGTAILADMIN_BASE_URL = SITE_BASE_URL

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [f"https://{host}" for host in ALLOWED_HOSTS])
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Django leaves the language switch's cookie without Secure (check --deploy does not ask for it): over plain HTTP
# it went out with every request.
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is for months and hard to undo (browsers ship the list): a deliberate choice per domain, never a default.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Django's deployment check asks for preload (security.W021); here leaving it off is the chosen default.
    SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# WhiteNoise serves the collected, hashed static files right after the security middleware.
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}  # noqa: F405
# Collected at image build time (deploy/Dockerfile) into a folder the non-root user cannot change.
STATIC_ROOT = env_str("DJANGO_STATIC_ROOT", str(STATIC_ROOT))  # noqa: F405

# Uploads go to object storage (several web processes on several machines share nothing else); MEDIA_STORAGE=
# filesystem is for a single machine whose proxy serves MEDIA_ROOT.
MEDIA_STORAGE = env_choice("MEDIA_STORAGE", ["filesystem", "s3"], "s3")
if MEDIA_STORAGE == "s3":
    from config.storage import s3_storage_options

    STORAGES["default"] = {"BACKEND": "config.storage.MediaStorage", "OPTIONS": s3_storage_options()}  # noqa: F405
    WAGTAILDOCS_SERVE_METHOD = "redirect"
    # Pictures are served from the store's public address: the Content-Security-Policy lets pages show them.
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": public_policy(picture_origin(STORAGES["default"]["OPTIONS"]))}  # noqa: F405

# One JSON object per log line, with the request or task id (config/observability.py).
LOG_FORMAT = env_choice("LOG_FORMAT", ["plain", "json"], "json")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)  # noqa: F405

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
