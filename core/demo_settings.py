"""The guard every demo loader runs first: demo logins have passwords published in the README, so demo content is
never loaded outside the dev and test settings."""

from django.conf import settings
from django.core.management.base import CommandError

DEMO_SETTINGS = ("config.settings.dev", "config.settings.test")


def refuse_outside_demo_settings(command, reason=""):
    """Raise CommandError naming `command` (and why, if given) unless the dev or test settings are in use."""
    if settings.SETTINGS_MODULE not in DEMO_SETTINGS:
        why = f": {reason}" if reason else "."
        raise CommandError(f"{command} runs only with the dev or test settings, not {settings.SETTINGS_MODULE}{why}")
