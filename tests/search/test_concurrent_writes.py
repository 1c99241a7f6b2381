"""Two workers writing the same search entry at once (a publish is two commits, each with its update): neither
fails, and the entry holds the newer data. On PostgreSQL, each worker on its own connection."""

import threading

import pytest
from django.db import connection, transaction

from places.models import Township
from search.db_engine import DatabaseEngine
from search.documents import get_family
from search.indexing import _documents, update_documents
from search.models import SearchEntry
from tests.factories.market import KOUHU

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_worker_writing_an_entry_another_is_writing_writes_it_again_with_the_newer_data(townships):
    township = Township.objects.get(code=KOUHU)
    family = get_family("townships")
    older, _missing = _documents(family, [township.pk])
    SearchEntry.objects.filter(family="townships", object_id=str(township.pk)).delete()  # a township never indexed
    first_wrote, first_may_commit = threading.Event(), threading.Event()
    outcome = {}

    def first_worker():
        # Its entry inserted, not yet committed: the second worker's insert waits on it.
        try:
            with transaction.atomic():
                DatabaseEngine().index_documents(older)
                first_wrote.set()
                first_may_commit.wait(10)
        finally:
            connection.close()

    def second_worker():
        try:
            outcome["result"] = update_documents("townships", [str(township.pk)])
        except Exception as error:  # reported below
            outcome["error"] = error
        finally:
            connection.close()

    first = threading.Thread(target=first_worker)
    first.start()
    assert first_wrote.wait(10)
    Township.objects.filter(pk=township.pk).update(is_priority_area=True)  # what the second one reads is newer
    second = threading.Thread(target=second_worker)
    second.start()
    second.join(1)
    assert second.is_alive()  # waiting on the first one's entry
    first_may_commit.set()
    first.join(10)
    second.join(10)

    assert "error" not in outcome, outcome.get("error")
    assert outcome["result"]["indexed"] == 1
    [entry] = SearchEntry.objects.filter(family="townships", object_id=str(township.pk))
    assert entry.priority_area == "true"  # the second worker's read, not the first one's


def test_a_publish_outside_a_transaction_is_one_search_task(market):
    """Wagtail's publish is not one transaction: the page's updates, saved again with it, each committed on their
    own and each enqueued its own reindex of the page, besides the publish's."""
    from django.utils import timezone
    from django_tasks.signals import task_enqueued

    from cms.models import ProjectUpdate

    rice = market["rice"]
    rice.updates.add(ProjectUpdate(date=timezone.localdate(), title="秧苗下田", body="<p>第一期稻作開始。</p>"))
    rice.updates.add(ProjectUpdate(date=timezone.localdate(), title="除草", body="<p>田間除草。</p>"))
    rice.save_revision().publish()
    enqueued = []

    def record(sender, task_result, **kwargs):
        if task_result.task.name == "update_search_documents" and task_result.args[0] == "projects":
            enqueued.append(task_result.args[1])

    task_enqueued.connect(record)
    try:
        rice.title = "關山好米"
        rice.save_revision().publish()
    finally:
        task_enqueued.disconnect(record)

    assert len(enqueued) == 1 and str(rice.pk) in enqueued[0]
