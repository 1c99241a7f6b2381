"""load_demo creates a superuser whose password and TOTP secret are published: never outside dev and test."""

import pytest
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_STAFF_EMAIL
from accounts.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_load_demo_refuses_the_production_settings_and_creates_nothing(settings):
    settings.SETTINGS_MODULE = "config.settings.production"

    with pytest.raises(CommandError, match="only with the dev or test settings"):
        call_command("load_demo")

    assert not User.objects.filter(email=DEMO_STAFF_EMAIL).exists()
