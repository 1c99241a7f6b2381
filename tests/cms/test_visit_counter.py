"""Page reads are counted in Redis, off the request's database work, and flushed to PageVisitDay by a scheduled job
(cms.visit_counter): the "needs translation" queue still sorts by them, unflushed reads included."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from cms.actions import township_page_for
from cms.models import PageVisitDay, ProjectPage
from cms.translation_queue import recent_visits
from cms.visit_counter import count_visit, flush_page_visits, pending_visits
from places.models import Township
from scheduling.jobs import job_named

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def project(cms_site):
    township = township_page_for(Township.objects.get(code="10008040"))
    page = township.add_child(instance=ProjectPage(title="竹山竹藝工坊", slug="bamboo-visits", summary="竹編"))
    page.save_revision().publish()
    return page


def _visit_statements(captured):
    return [query["sql"] for query in captured.captured_queries if PageVisitDay._meta.db_table in query["sql"]]


def test_a_page_read_writes_nothing_to_the_database_and_the_flush_moves_it(client, project):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(project.url).status_code == 200
        assert client.get(project.url).status_code == 200
    assert _visit_statements(captured) == []
    assert not PageVisitDay.objects.filter(translation_key=project.translation_key).exists()
    assert pending_visits(timezone.localdate())[str(project.translation_key)] == 2

    assert flush_page_visits() >= 2
    [row] = PageVisitDay.objects.filter(translation_key=project.translation_key)
    assert (row.day, row.visits) == (timezone.localdate(), 2)
    assert str(project.translation_key) not in pending_visits(timezone.localdate())
    # Flushed once: a second flush adds nothing; later reads add to the day's row.
    flush_page_visits()
    client.get(project.url)
    flush_page_visits()
    row.refresh_from_db()
    assert row.visits == 3


def test_the_queue_counts_reads_not_flushed_yet_beside_the_stored_ones():
    key = uuid.uuid4()
    today = timezone.localdate()
    PageVisitDay.objects.create(translation_key=key, day=today - datetime.timedelta(days=3), visits=4)
    count_visit(key)
    count_visit(key)
    assert recent_visits()[key] == 6
    flush_page_visits()
    assert recent_visits()[key] == 6  # moved, not counted twice
    assert PageVisitDay.objects.get(translation_key=key, day=today).visits == 2


def test_reads_of_an_earlier_day_go_to_that_day():
    key = uuid.uuid4()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    count_visit(key, day=yesterday)
    flush_page_visits()
    assert PageVisitDay.objects.get(translation_key=key, day=yesterday).visits == 1


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_without_redis_a_read_is_counted_in_the_database_at_once():
    key = uuid.uuid4()
    count_visit(key)
    count_visit(key)
    assert PageVisitDay.objects.get(translation_key=key).visits == 2
    assert flush_page_visits() == 0


def test_the_scheduler_flushes_every_minute():
    job = job_named("flush_page_visits")
    assert job.cron == "* * * * *"
    assert job.task_path == "cms.tasks.flush_page_visits"
