"""Relevance of both search engines on the labelled queries (tests/search/labelled.py), next to a plain
single-character baseline: nDCG@10, recall@10 and recall over every hit.

The baseline scores a document by how many distinct characters of the query (as typed: no normalisation, no
words, no bigrams) occur in its texts, which is what a naive LIKE-per-character search does.

    eval "$(scripts/services env)"; .venv/bin/python bench/search_relevance.py
"""

from search_setup import setup

setup()

from places.actions import load_townships  # noqa: E402
from search.db_engine import DatabaseEngine  # noqa: E402
from search.documents import get_family, register, unregister  # noqa: E402
from search.es import ElasticsearchEngine  # noqa: E402
from search.query import SearchQuery  # noqa: E402
from tests.search.fixture import FAMILY, fixture_family  # noqa: E402
from tests.search.labelled import DEMO_QUERIES, LABELLED_QUERIES  # noqa: E402
from tests.search.metrics import baseline_ranking, ndcg_at, recall, resolve  # noqa: E402

DEMO_FAMILIES = ("townships", "projects", "stories")


def demo_part(database, es):
    """The second set: the CMS demo content (loaded here, as `manage.py load_demo` does) and the townships."""
    from cms.demo import ensure_demo_pages, ensure_home_pages

    ensure_home_pages()
    ensure_demo_pages()
    documents = []
    for name in DEMO_FAMILIES:
        family = get_family(name)
        docs = [family.to_document(obj) for obj in family.iter_objects()]
        if name != "townships":
            database.clear(name)
            database.index_documents(docs)
            es.rebuild(family)
        documents.extend(doc for doc in docs if doc.is_public)
    rows = {"database engine": [], "elasticsearch engine": [], "single-character baseline": []}
    for text, labels in DEMO_QUERIES:
        relevant = resolve(labels)
        for name, engine in (("database engine", database), ("elasticsearch engine", es)):
            query = SearchQuery(q=text, per_page=50, families=DEMO_FAMILIES)
            ranked = [hit["uid"] for hit in engine.search(query).hits]
            rows[name].append((ndcg_at(ranked, relevant), recall(ranked[:10], relevant), recall(ranked, relevant)))
        ranked = baseline_ranking(documents, text)
        rows["single-character baseline"].append(
            (ndcg_at(ranked, relevant), recall(ranked[:10], relevant), recall(ranked, relevant))
        )
    print()
    print(f"{len(DEMO_QUERIES)} labelled queries over {len(documents)} public documents (townships + demo content)")
    print_rows(rows)


def print_rows(rows):
    print(f"{'subject':<28} {'nDCG@10':>8} {'recall@10':>10} {'recall':>8}")
    for name, values in rows.items():
        n = len(values)
        print(
            f"{name:<28} {sum(v[0] for v in values) / n:>8.3f} {sum(v[1] for v in values) / n:>10.3f}"
            f" {sum(v[2] for v in values) / n:>8.3f}"
        )


def main():
    load_townships()
    register(fixture_family())
    database, es = DatabaseEngine(), ElasticsearchEngine()
    documents = []
    for name in ("townships", FAMILY):
        family = get_family(name)
        docs = [family.to_document(obj) for obj in family.iter_objects()]
        database.clear(name)
        database.index_documents(docs)
        es.rebuild(family)
        documents.extend(doc for doc in docs if doc.is_public)
    rows = {"database engine": [], "elasticsearch engine": [], "single-character baseline": []}
    for text, labels in LABELLED_QUERIES:
        relevant = resolve(labels)
        for name, engine in (("database engine", database), ("elasticsearch engine", es)):
            ranked = [hit["uid"] for hit in engine.search(SearchQuery(q=text, per_page=50)).hits]
            rows[name].append((ndcg_at(ranked, relevant), recall(ranked[:10], relevant), recall(ranked, relevant)))
        ranked = baseline_ranking(documents, text)
        rows["single-character baseline"].append(
            (ndcg_at(ranked, relevant), recall(ranked[:10], relevant), recall(ranked, relevant))
        )
    print(f"{len(LABELLED_QUERIES)} labelled queries over {len(documents)} public documents (townships + fixture)")
    print_rows(rows)
    database.clear(FAMILY)
    es.drop(FAMILY)
    unregister(FAMILY)
    demo_part(database, es)


if __name__ == "__main__":
    main()
