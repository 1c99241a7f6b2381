import datetime

import pytest
from django.utils import timezone

from accounts.models import Organisation
from experiences import actions
from experiences.models import Experience
from tests.factories.accounts import verified_organisation
from tests.factories.market import ZHUSHAN, township


@pytest.fixture(autouse=True)
def english(default_language):
    """These tests read refusals and pages in English (the other languages are checked where named)."""
    from django.utils import translation

    translation.activate("en")
    yield


@pytest.fixture
def office(alice, townships):
    """A township office Alice runs."""
    return verified_organisation(
        alice, kind=Organisation.Kind.TOWNSHIP_OFFICE, name="竹山鎮公所", township=township(ZHUSHAN)
    )


def soon(days=3, hour=9):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def make_experience(user, organisation, **fields):
    values = {
        "kind": Experience.Kind.EXPERIENCE,
        "title_zh": "竹山採茶體驗",
        "description_zh": "跟著茶農上山採茶。",
        "township": township(ZHUSHAN),
        "languages": ["zh", "en"],
        "is_published": True,
    }
    values.update(fields)
    return actions.create_experience(user, organisation, **values)


@pytest.fixture
def experience(alice, office, townships):
    return make_experience(alice, office)


@pytest.fixture
def slot(alice, experience):
    start = soon()
    return actions.add_slot(alice, experience, starts_at=start, ends_at=start + datetime.timedelta(hours=3), capacity=2)
