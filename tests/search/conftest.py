"""The search corpus: the 368 townships and the synthetic project-like fixture (tests/search/fixture.py),
indexed once for the whole tests/search package in both engines (PostgreSQL and Elasticsearch), removed after."""

import pytest

from search.db_engine import DatabaseEngine
from search.documents import register, unregister
from search.es import ElasticsearchEngine
from tests.search.fixture import FAMILY, fixture_family


def _drop_every_family():
    from search.documents import families

    es = ElasticsearchEngine()
    for name in families():
        es.drop(name)


def _clear_everything():
    from places.models import County, Township
    from search.models import PendingUpdate, SearchEntry

    # Tests in other packages index what they create into this worker's Elasticsearch indexes and roll only the
    # database back; without dropping every family here, a match-all query would count their leftovers.
    _drop_every_family()

    SearchEntry.objects.all().delete()
    PendingUpdate.objects.all().delete()
    Township.objects.all().delete()
    County.objects.all().delete()


@pytest.fixture(scope="package")
def search_corpus(django_db_setup, django_db_blocker):
    from places.actions import load_townships
    from search.documents import get_family

    family = register(fixture_family())
    es = ElasticsearchEngine()
    # What this commits outlives every test's transaction: it is removed even when building the corpus fails,
    # or the next package's tests would find 368 townships they did not load.
    try:
        with django_db_blocker.unblock():
            _clear_everything()
            load_townships()  # the search app's receivers index them (one batched task)
            database = DatabaseEngine()
            for name in ("townships", FAMILY):
                source = get_family(name)
                database.clear(name)
                database.index_documents(source.to_document(obj) for obj in source.iter_objects())
                es.rebuild(source)
            from search.models import PendingUpdate

            PendingUpdate.objects.all().delete()
        yield family
    finally:
        with django_db_blocker.unblock():
            _clear_everything()
        for name in ("townships", FAMILY):
            es.drop(name)
        unregister(FAMILY)


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request, search_corpus, db):
    return DatabaseEngine() if request.param == "database" else ElasticsearchEngine()


@pytest.fixture
def content_site(home_pages, townships, django_capture_on_commit_callbacks):
    """Home pages, catalogues, the pages of three townships; content indexes emptied before and after."""
    from cms.actions import ensure_project_review_workflow, ensure_township_pages
    from cms.demo import ensure_catalogues
    from tests.factories.cms import TEST_TOWN_CODES
    from tests.factories.search import CONTENT

    es = ElasticsearchEngine()
    for name in CONTENT:
        es.drop(name)
    with django_capture_on_commit_callbacks(execute=True):
        ensure_catalogues()
        ensure_project_review_workflow()
        ensure_township_pages(codes=TEST_TOWN_CODES)
    yield
    for name in CONTENT:
        es.drop(name)


@pytest.fixture
def real_families_only():
    """The synthetic family out of the registry for one test: a page test that reads every facet label and link
    must not meet its made-up rows, which stay indexed while the package's corpus lives (search_corpus)."""
    from search.documents import families

    synthetic = families().get(FAMILY)
    if synthetic is not None:
        unregister(FAMILY)
    yield
    if synthetic is not None:
        register(synthetic)


def elasticsearch_in_step_with_the_database():
    """Make this worker's Elasticsearch hold what the test's database holds before a test compares the engines:
    tests elsewhere index what they create and roll only the database back, so their documents (and townships
    indexed under other ids) stay behind. Every family's index is dropped and the townships are indexed again."""
    from search.documents import get_family

    _drop_every_family()
    ElasticsearchEngine().rebuild(get_family("townships"))
