"""Indexing follows saves through tasks, in batches; an Elasticsearch outage never breaks a save."""

import multiprocessing

import pytest
from django.core.management import call_command
from django_tasks.signals import task_enqueued

from places.models import Township
from search import engines
from search.db_engine import DatabaseEngine
from search.documents import Family
from search.es import ElasticsearchEngine, alias_name
from search.indexing import batched, rebuild_elasticsearch_index
from search.models import PendingUpdate
from search.query import SearchQuery

pytestmark = [pytest.mark.postgres, pytest.mark.elasticsearch]
KOUHU = "10009190"


@pytest.fixture
def enqueued():
    seen = []

    def record(sender, task_result, **kwargs):
        if task_result.task.name == "update_search_documents":
            seen.append(task_result.args)

    task_enqueued.connect(record)
    yield seen
    task_enqueued.disconnect(record)


def _priority_count(engine, county="10009"):
    result = engine.search(SearchQuery(q="", filters={"county": [county], "priority_area": ["true"]}))
    return result.total


def _set_priority(codes, value, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for township in Township.objects.filter(code__in=codes):
            township.is_priority_area = value
            township.save()


def test_a_save_reindexes_the_township_in_both_engines(search_corpus, db, django_capture_on_commit_callbacks):
    try:
        _set_priority([KOUHU], True, django_capture_on_commit_callbacks)
        ElasticsearchEngine().refresh("townships")
        assert _priority_count(DatabaseEngine()) == 1
        assert _priority_count(ElasticsearchEngine()) == 1
    finally:
        _set_priority([KOUHU], False, django_capture_on_commit_callbacks)
        ElasticsearchEngine().refresh("townships")
    assert _priority_count(ElasticsearchEngine()) == 0


def test_saves_in_one_transaction_enqueue_one_task(search_corpus, db, enqueued, django_capture_on_commit_callbacks):
    codes = list(Township.objects.filter(county__code="10009").values_list("code", flat=True)[:6])
    try:
        _set_priority(codes, True, django_capture_on_commit_callbacks)
        assert len(enqueued) == 1
        assert sorted(enqueued[0][1]) == sorted(
            str(pk) for pk in Township.objects.filter(code__in=codes).values_list("pk", flat=True)
        )
    finally:
        _set_priority(codes, False, django_capture_on_commit_callbacks)
        ElasticsearchEngine().refresh("townships")


def _save_each_in_its_own_commit(codes, capture):
    for township in Township.objects.filter(code__in=codes):
        township.is_priority_area = not township.is_priority_area
        with capture(execute=True):  # as in autocommit mode: this save's callbacks run right away
            township.save()


def test_batched_turns_an_import_loop_into_one_task(search_corpus, db, enqueued, django_capture_on_commit_callbacks):
    codes = ["10009190", "10014060", "67000100"]
    try:
        _save_each_in_its_own_commit(codes, django_capture_on_commit_callbacks)
        assert len(enqueued) == 3  # without batching: one task per save

        enqueued.clear()
        with django_capture_on_commit_callbacks(execute=True), batched():
            _save_each_in_its_own_commit(codes, django_capture_on_commit_callbacks)
        assert len(enqueued) == 1 and len(enqueued[0][1]) == 3
    finally:
        _set_priority(codes, False, django_capture_on_commit_callbacks)
        ElasticsearchEngine().refresh("townships")


def test_a_save_while_elasticsearch_is_down_succeeds_and_is_replayed(
    search_corpus, db, settings, django_capture_on_commit_callbacks
):
    live = settings.HOMEWARD_SEARCH
    settings.HOMEWARD_SEARCH = {**live, "ELASTICSEARCH_URL": "http://127.0.0.1:9"}  # nothing listens there
    try:
        _set_priority([KOUHU], True, django_capture_on_commit_callbacks)  # the save itself must not fail
        assert Township.objects.get(code=KOUHU).is_priority_area
        assert list(PendingUpdate.objects.values_list("family", "action")) == [("townships", "update")]

        # Search answers from the database engine, which already has the change, and says so.
        result = engines.search(SearchQuery(q="口湖"))
        assert result.incomplete and result.engine == "database"
        assert result.total == 3
        assert engines.search(SearchQuery(q="", filters={"county": ["10009"], "priority_area": ["true"]})).total == 1

        settings.HOMEWARD_SEARCH = live  # Elasticsearch is back
        assert _priority_count(ElasticsearchEngine()) == 0  # it missed the change
        call_command("replay_pending_search_updates")
        assert PendingUpdate.objects.count() == 0
        ElasticsearchEngine().refresh("townships")
        assert _priority_count(ElasticsearchEngine()) == 1
        assert engines.search(SearchQuery(q="口湖")).incomplete is False
    finally:
        settings.HOMEWARD_SEARCH = live
        _set_priority([KOUHU], False, django_capture_on_commit_callbacks)
        ElasticsearchEngine().refresh("townships")


def test_rebuild_swaps_the_alias_and_reports_docs_per_second(search_corpus, db, capsys):
    es = ElasticsearchEngine()
    client = engines.elasticsearch_client()
    before = set(client.indices.get_alias(name=alias_name("townships")))
    call_command("rebuild_search_index", "--family", "townships")
    output = capsys.readouterr().out
    after = set(client.indices.get_alias(name=alias_name("townships")))
    assert len(after) == 1 and after != before
    assert not client.indices.exists(index=",".join(before), allow_no_indices=False, ignore_unavailable=False)
    assert "368/368" in output and "docs/s" in output
    assert "townships: 368 documents indexed in elasticsearch" in output
    assert es.search(SearchQuery(q="池上")).total == 3


class WrappedFamily(Family):
    """Another family's objects and documents, for a test to change how they are read."""

    def __init__(self, family):
        self.family, self.name = family, family.name

    def count(self):
        return self.family.count()

    def to_document(self, obj):
        return self.family.to_document(obj)

    def documents_for(self, objects):
        return self.family.documents_for(objects)


class SavingDuringRebuild(WrappedFamily):
    """Townships, but a township is saved (and its update task runs) while the rebuild reads the objects."""

    def __init__(self, family, code, capture):
        super().__init__(family)
        self.code, self.capture = code, capture

    def iter_objects(self, batch_size=500):
        for index, obj in enumerate(self.family.iter_objects(batch_size)):
            yield obj
            if index == 0:  # the rebuild has read every township of this batch: now an editor saves one
                _set_priority([self.code], True, self.capture)


def test_a_save_during_a_rebuild_reaches_the_new_index(search_corpus, db, django_capture_on_commit_callbacks):
    from search.documents import get_family

    es = ElasticsearchEngine()
    try:
        family = SavingDuringRebuild(get_family("townships"), KOUHU, django_capture_on_commit_callbacks)
        rebuild_elasticsearch_index(family)
        es.refresh("townships")
        assert _priority_count(es) == 1  # read stale by the rebuild, replayed into the new index after the swap
        assert PendingUpdate.objects.count() == 0
    finally:
        _set_priority([KOUHU], False, django_capture_on_commit_callbacks)
        es.refresh("townships")


def _sources_behind(alias):
    client = engines.elasticsearch_client()
    client.indices.refresh(index=alias)
    hits = client.search(index=alias, size=1000, query={"match_all": {}})["hits"]["hits"]
    return {hit["_id"]: hit["_source"] for hit in hits}


def test_a_large_rebuild_analyses_in_a_second_process_and_indexes_the_same_documents(search_corpus, db):
    from search.documents import get_family
    from search.es import ANALYSER_PROCESS_MIN_BATCHES, to_source

    family = get_family("townships")
    chunk_size = 50
    assert family.count() >= ANALYSER_PROCESS_MIN_BATCHES * chunk_size  # 368 townships: the two-process path
    analyser_seen, counts = [], []

    def progress(count):
        counts.append(count)
        analyser_seen.extend(child.name for child in multiprocessing.active_children())

    count, _seconds = rebuild_elasticsearch_index(family, progress=progress, chunk_size=chunk_size)

    assert count == 368 and counts[-1] == 368 and counts == sorted(counts)
    assert "search-analyser" in analyser_seen
    assert not [child for child in multiprocessing.active_children() if child.name == "search-analyser"]
    expected = {document.uid: to_source(document) for batch in family.iter_documents() for document in batch}
    assert _sources_behind(alias_name("townships")) == expected
    assert ElasticsearchEngine().search(SearchQuery(q="池上")).total == 3


def test_a_failure_in_the_analysing_process_drops_the_new_index_and_keeps_the_alias(db):
    from search.documents import SearchDocument, StaticFamily
    from search.es import AnalyserFailed

    def document(number, latitude=23.5):
        return SearchDocument(
            family="analyser-failure", object_id=str(number), title=f"測試 {number}", latitude=latitude, longitude=121
        )

    client = engines.elasticsearch_client()
    alias = alias_name("analyser-failure")
    es = ElasticsearchEngine()
    try:
        es.rebuild(StaticFamily("analyser-failure", [document(number) for number in range(5)]))
        live = set(client.indices.get_alias(name=alias))
        # The node refuses document 33 (no latitude of 500): the analysing process reports the bulk error.
        documents = [document(number, latitude=500 if number == 33 else 23.5) for number in range(60)]
        with pytest.raises(AnalyserFailed, match="BulkIndexError"):
            es.rebuild(StaticFamily("analyser-failure", documents), chunk_size=10)
        assert set(client.indices.get_alias(name=alias)) == live
        assert set(client.indices.get(index=f"{alias}-*")) == live  # the half-filled index is gone
        assert len(_sources_behind(alias)) == 5
        assert not [child for child in multiprocessing.active_children() if child.name == "search-analyser"]
    finally:
        es.drop("analyser-failure")


class FailingWhileReading(WrappedFamily):
    """Townships, but the reading fails after three batches (a database error, say) while the analyser waits."""

    def iter_objects(self, batch_size=500):
        for index, obj in enumerate(self.family.iter_objects(batch_size)):
            if index == 3 * batch_size:
                raise RuntimeError("the database went away")
            yield obj


def test_a_reading_failure_stops_the_analysing_process_and_keeps_the_alias(search_corpus, db):
    from search.documents import get_family

    client = engines.elasticsearch_client()
    alias = alias_name("townships")
    live = set(client.indices.get_alias(name=alias))
    with pytest.raises(RuntimeError, match="went away"):
        ElasticsearchEngine().rebuild(FailingWhileReading(get_family("townships")), chunk_size=50)
    assert not [child for child in multiprocessing.active_children() if child.name == "search-analyser"]
    assert set(client.indices.get_alias(name=alias)) == live
    assert set(client.indices.get(index=f"{alias}-*")) == live


def test_the_rebuild_command_can_leave_the_database_tables_alone(search_corpus, db, capsys):
    from search.models import SearchEntry

    entries = set(SearchEntry.objects.filter(family="townships").values_list("pk", flat=True))
    client = engines.elasticsearch_client()
    before = set(client.indices.get_alias(name=alias_name("townships")))
    call_command("rebuild_search_index", "--family", "townships", "--elasticsearch-only")
    output = capsys.readouterr().out
    assert "townships: 368 documents indexed in elasticsearch" in output
    assert "(database)" not in output and "indexed in database" not in output
    assert set(SearchEntry.objects.filter(family="townships").values_list("pk", flat=True)) == entries
    assert set(client.indices.get_alias(name=alias_name("townships"))) != before


def test_elasticsearch_only_is_refused_when_the_engine_is_the_database(db, settings):
    from django.core.management.base import CommandError

    settings.HOMEWARD_SEARCH = {**settings.HOMEWARD_SEARCH, "ENGINE": "database"}
    with pytest.raises(CommandError, match="not Elasticsearch"):
        call_command("rebuild_search_index", "--elasticsearch-only")
    with pytest.raises(CommandError):
        call_command("rebuild_search_index", "--elasticsearch-only", "--database-only")
