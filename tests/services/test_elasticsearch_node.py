"""The Elasticsearch test node has only the server core; prove that the
features the design relies on (shingles on the standard tokenizer, completion,
geo_point) work on it, through the project's own client."""

import uuid

import pytest

from search.engines import elasticsearch_client, engine_status

pytestmark = pytest.mark.elasticsearch

BIGRAM_SETTINGS = {
    "analysis": {
        "filter": {
            "han_bigrams": {
                "type": "shingle",
                "min_shingle_size": 2,
                "max_shingle_size": 2,
                "output_unigrams": True,
                "token_separator": "",
            }
        },
        "analyzer": {"han_bigram": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "han_bigrams"]}},
    }
}


@pytest.fixture
def index_name():
    client = elasticsearch_client()
    name = f"homeward-test-probe-{uuid.uuid4().hex[:8]}"
    yield name
    client.indices.delete(index=name, ignore_unavailable=True)


def test_engine_status_reports_a_healthy_cluster():
    status = engine_status()

    assert status["ok"] is True
    assert status["cluster_status"] in ("green", "yellow")


def test_core_analysis_gives_han_bigrams(index_name):
    client = elasticsearch_client()
    client.indices.create(index=index_name, settings=BIGRAM_SETTINGS)

    tokens = client.indices.analyze(index=index_name, analyzer="han_bigram", text="屏東可可")["tokens"]

    assert {token["token"] for token in tokens} >= {"屏東", "東可", "可可", "屏"}


def test_completion_and_geo_point_work_on_the_test_node(index_name):
    client = elasticsearch_client()
    client.indices.create(
        index=index_name,
        settings=BIGRAM_SETTINGS,
        mappings={
            "properties": {
                "title": {"type": "text", "analyzer": "han_bigram"},
                "suggest": {"type": "completion"},
                "location": {"type": "geo_point"},
            }
        },
    )
    client.index(
        index=index_name,
        id="1",
        document={"title": "屏東可可農場", "suggest": ["屏東可可農場"], "location": {"lat": 22.61, "lon": 120.56}},
        refresh=True,
    )

    hits = client.search(index=index_name, query={"match": {"title": "可可"}})["hits"]["hits"]
    suggestions = client.search(
        index=index_name, suggest={"s": {"prefix": "屏東", "completion": {"field": "suggest"}}}
    )["suggest"]["s"][0]["options"]
    near = client.search(
        index=index_name,
        query={"geo_distance": {"distance": "50km", "location": {"lat": 22.67, "lon": 120.49}}},
    )["hits"]["hits"]

    assert [hit["_id"] for hit in hits] == ["1"]
    assert [option["text"] for option in suggestions] == ["屏東可可農場"]
    assert [hit["_id"] for hit in near] == ["1"]
