"""My backings with the page cache on: what it shows of each project (title, picture, latest update, in the reader's
language) is kept per project and language (payments.queries.backed_projects); the backer's own rows are read each
time."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import ProjectUpdate
from marketplace import actions
from payments.models import Backing
from tests.factories.payments import pending_donation
from tests.payments.test_payment_pages import pay

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis, pytest.mark.usefixtures("page_cache_on")]


def rows(client):
    with CaptureQueriesContext(connection) as captured:
        text = client.get("/en/backings/").text
    return text, [query["sql"] for query in captured.captured_queries]


def test_the_projects_part_is_kept_and_the_backers_own_rows_are_read_each_time(
    client, listing, alice, bob, django_capture_on_commit_callbacks
):
    donation = pending_donation(listing, 800, backer=bob, status=Backing.Status.PAID)
    client.force_login(bob)
    for _ in range(2):  # the site's first request makes its navigation settings, a change every page follows
        rows(client)

    pay(donation, 800, "payment_intent:pi_k1", receipt="HW-2026-000041")
    text, sql = rows(client)

    assert "HW-2026-000041" in text  # the new receipt, at once
    assert "智慧魚塭" in text
    assert not any('FROM "cms_projectpage"' in statement for statement in sql)  # the project's part was kept
    assert not any('FROM "cms_projectupdate"' in statement for statement in sql)

    with django_capture_on_commit_callbacks(execute=True):
        actions.post_project_update(alice, listing, title="魚苗入池", body="x")
    text, _sql = rows(client)

    assert "魚苗入池" in text  # a new update shows at once


def test_the_project_is_shown_in_the_readers_language_with_its_update_in_its_own(client, listing, bob):
    english = _english_version(listing.project)
    english.title = "Smart fish pond"
    english.save_revision().publish()
    ProjectUpdate.objects.create(project=listing.project, date=timezone.localdate(), title="第一批魚苗", body="x")
    pending_donation(listing, 300, backer=bob, status=Backing.Status.PAID)
    client.force_login(bob)

    for _ in range(2):  # read, then kept
        text, _sql = rows(client)
        assert '<h2 lang="en"><a href="/en/backings/' in text and "Smart fish pond</a></h2>" in text
        assert f'href="{english.url}" lang="zh-Hant-TW">第一批魚苗</a>' in text


def _english_version(project):
    """The project's English page, made a translation of its own (an untranslated page is an alias there)."""
    from wagtail.models import Locale

    english = project.get_translation(Locale.objects.get(language_code="en"))
    english.alias_of = None
    english.save()
    return english
