"""Both engines on the relevance set of issue 16 (tests/search/relevance_set/: 172 projects and 149 graded queries
written apart from the demo and before any engine ran on them), next to the two baselines bench/search_relevance.py
prints: single-character overlap and plain BM25 on bigrams without synonyms."""

import pytest

from search.db_engine import DatabaseEngine
from search.documents import register, unregister
from search.es import ElasticsearchEngine
from search.query import SearchQuery
from tests.search import relevance_set
from tests.search.metrics import baseline_ranking, bm25_bigram_baseline, graded_ndcg_at, recall_at

pytestmark = [pytest.mark.postgres, pytest.mark.elasticsearch]


@pytest.fixture(scope="module")
def indexed_set(django_db_setup, django_db_blocker):
    family = register(relevance_set.family())
    documents = list(family.documents.values())
    engines = (DatabaseEngine(), ElasticsearchEngine())
    with django_db_blocker.unblock():
        engines[0].clear(family.name)
        engines[0].index_documents(documents)
        engines[1].rebuild(family)
    yield family, documents
    with django_db_blocker.unblock():
        engines[0].clear(family.name)
    engines[1].drop(family.name)
    unregister(family.name)


def _figures(ranker, queries):
    rows = []
    for query in queries:
        ranked, total = ranker(query.text)
        rows.append((graded_ndcg_at(ranked, query.grades), recall_at(ranked, query.grades), total == 0))
    n = len(rows)
    return {
        "ndcg": sum(row[0] for row in rows) / n,
        "recall": sum(row[1] for row in rows) / n,
        "zero": sum(row[2] for row in rows) / n,
    }


def test_the_set_is_large_enough_and_hard_enough(indexed_set, db):
    _family, documents = indexed_set
    queries = relevance_set.queries()
    assert len(queries) >= 100 and len(documents) >= 150
    kinds = {query.kind for query in queries}
    assert kinds >= {"place", "crop", "english", "japanese", "abbreviation", "typo", "words", "concept", "question"}
    single = _figures(lambda q: (baseline_ranking(documents, q), 1), queries)
    assert single["ndcg"] < 0.9  # the single-character baseline does not already solve it


def test_both_engines_reach_the_aims_above_both_baselines_with_the_same_top_ten(indexed_set, db):
    family, documents = indexed_set
    queries = relevance_set.queries()
    tops = {}

    def engine_ranker(engine):
        def rank(q):
            result = engine.search(SearchQuery(q=q, per_page=10, families=(family.name,)))
            ranked = [hit["uid"] for hit in result.hits]
            tops.setdefault(q, []).append(ranked)
            return ranked, result.total

        return rank

    bm25 = bm25_bigram_baseline(documents)
    figures = {
        "database": _figures(engine_ranker(DatabaseEngine()), queries),
        "elasticsearch": _figures(engine_ranker(ElasticsearchEngine()), queries),
        "single": _figures(lambda q: (baseline_ranking(documents, q), 1), queries),
        "bm25": _figures(lambda q: (ranked := bm25(q), len(ranked)), queries),
    }
    print(figures)
    for name in ("database", "elasticsearch"):
        engine = figures[name]
        assert engine["ndcg"] >= 0.95 and engine["recall"] >= 0.95 and engine["zero"] <= 0.03, (name, figures)
        assert engine["ndcg"] >= figures["single"]["ndcg"] + 0.1, (name, figures)
        assert engine["ndcg"] >= figures["bm25"]["ndcg"] + 0.1, (name, figures)
    same = sum(1 for database, elasticsearch in tops.values() if database == elasticsearch)
    assert same >= 0.95 * len(tops), (same, len(tops))
