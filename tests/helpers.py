"""Helpers for tests that run manage.py in a child process with a chosen environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Variables the test run sets for the real services; a child that wants the
# embedded defaults or production must not inherit them.
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "ELASTICSEARCH_URL",
    "SEARCH_ENGINE",
    "SEARCH_INDEX_PREFIX",
    "STRIPE_API_BASE",
    "STRIPE_SECRET_KEY",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def clean_environment(**overrides):
    env = {key: value for key, value in os.environ.items() if key not in SERVICE_VARIABLES}
    env.update(overrides)
    return env


def manage(*args, env, timeout=300):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def with_mfa(user):
    """Give a staff user an authenticator app, as the admin requires (accounts.middleware.StaffMFAMiddleware)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user


def totp_code(secret):
    """The authenticator app's current code, computed with allauth's own helpers.

    A code typed in the last seconds of its 30-second window may arrive after the
    window closed; wait for the next window then, as a person would.
    """
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))
