"""The labelled queries (tests/search/labelled.py) against both engines."""

import pytest

from search.query import SearchQuery
from tests.search.labelled import LABELLED_QUERIES
from tests.search.metrics import ndcg_at, recall, resolve

pytestmark = [pytest.mark.postgres, pytest.mark.elasticsearch]


def test_there_are_at_least_thirty_labelled_queries():
    assert len(LABELLED_QUERIES) >= 30


def test_every_labelled_query_finds_all_its_documents_and_ranks_one_first(engine):
    scores = []
    for text, labels in LABELLED_QUERIES:
        relevant = resolve(labels)
        result = engine.search(SearchQuery(q=text, per_page=50))
        ranked = [hit["uid"] for hit in result.hits]
        assert recall(ranked, relevant) == 1.0, (engine.name, text, ranked)
        assert ranked[0] in relevant, (engine.name, text, ranked[:3])
        scores.append(ndcg_at(ranked, relevant))
    assert sum(scores) / len(scores) >= 0.9, (engine.name, scores)
