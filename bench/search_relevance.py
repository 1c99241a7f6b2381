"""Relevance of both search engines on the relevance set of issue 16 (tests/search/relevance_set/: 172 projects,
149 graded queries written apart from the demo and before any engine ran on them), next to two baselines in the
same run: single-character overlap, and plain BM25 on bigrams without synonyms. Prints nDCG@10 (graded),
recall@10 and the zero-result rate, for all queries and by kind of query, the top-10 overlap of the two engines,
and the load average.

    eval "$(scripts/services env)"; .venv/bin/python bench/search_relevance.py [--kinds] [--failures]

--failures lists the queries whose nDCG@10 is below 0.8 in either engine, with what came first.
"""

import argparse
import os
import time

from search_setup import setup

setup()

from search.db_engine import DatabaseEngine  # noqa: E402
from search.documents import register, unregister  # noqa: E402
from search.es import ElasticsearchEngine  # noqa: E402
from search.query import SearchQuery  # noqa: E402
from tests.search import relevance_set  # noqa: E402
from tests.search.metrics import (  # noqa: E402
    baseline_ranking,
    bm25_bigram_baseline,
    graded_ndcg_at,
    recall_at,
)

SUBJECTS = ("database engine", "elasticsearch engine", "single-character baseline", "BM25 bigram baseline")


def index_set():
    from search import synonyms, vocabulary
    from search.models import SynonymEntry

    if not SynonymEntry.objects.exists():
        synonyms.load_seed()
    family = register(relevance_set.family())
    documents = list(family.documents.values())
    database, es = DatabaseEngine(), ElasticsearchEngine()
    database.clear(family.name)
    database.index_documents(documents)
    es.rebuild(family)
    vocabulary.forget()
    synonyms.forget_compiled()
    return family, documents, database, es


def run(print_kinds=False, print_failures=False):
    family, documents, database, es = index_set()
    single = lambda text: baseline_ranking(documents, text)  # noqa: E731
    bm25 = bm25_bigram_baseline(documents)
    rows = {name: [] for name in SUBJECTS}
    overlaps, failures, timings = [], [], {"database engine": [], "elasticsearch engine": []}
    queries = relevance_set.queries()
    for query in queries:
        ranked = {}
        for name, engine in (("database engine", database), ("elasticsearch engine", es)):
            started = time.perf_counter()
            result = engine.search(SearchQuery(q=query.text, per_page=10, families=(family.name,)))
            timings[name].append(time.perf_counter() - started)
            ranked[name] = [hit["uid"] for hit in result.hits]
            rows[name].append(_row(query, ranked[name], result.total))
        ranked["single-character baseline"] = single(query.text)
        ranked["BM25 bigram baseline"] = bm25(query.text)
        for name in SUBJECTS[2:]:
            rows[name].append(_row(query, ranked[name], len(ranked[name])))
        a, b = ranked["database engine"][:10], ranked["elasticsearch engine"][:10]
        overlaps.append(len(set(a) & set(b)) / max(len(set(a) | set(b)), 1) if (a or b) else 1.0)
        worst = min(rows["database engine"][-1][0], rows["elasticsearch engine"][-1][0])
        if worst < 0.8:
            failures.append((query, worst, ranked["database engine"][:5], ranked["elasticsearch engine"][:5]))
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{len(queries)} graded queries over {len(documents)} projects (relevance set, issue 16)")
    _print(rows, queries)
    print(
        f"top-10 overlap of the two engines (Jaccard): mean {sum(overlaps) / len(overlaps):.3f}, "
        f"identical top 10 in {sum(1 for o in overlaps if o == 1.0)} of {len(overlaps)} queries"
    )
    for name, samples in timings.items():
        samples = sorted(samples)
        print(
            f"{name}: median {1000 * samples[len(samples) // 2]:.1f} ms, "
            f"p95 {1000 * samples[int(len(samples) * 0.95)]:.1f} ms per query (first queries load CC-CEDICT)"
        )
    if print_kinds:
        for kind in dict.fromkeys(query.kind for query in queries):
            chosen = [i for i, query in enumerate(queries) if query.kind == kind]
            print(f"\n{kind} ({len(chosen)} queries)")
            _print({name: [values[i] for i in chosen] for name, values in rows.items()}, None)
    if print_failures:
        print(f"\nqueries below nDCG@10 0.8 in either engine: {len(failures)}")
        for query, worst, first, second in failures:
            print(f"  {query.kind:<12} {query.text:<24} {worst:.2f}  db {first}  es {second}  wanted {query.grades}")
    database.clear(family.name)
    es.drop(family.name)
    unregister(family.name)
    return rows


def _row(query, ranked, total):
    return (graded_ndcg_at(ranked, query.grades), recall_at(ranked, query.grades), 1.0 if total == 0 else 0.0)


def _print(rows, queries):
    print(f"{'subject':<28} {'nDCG@10':>8} {'recall@10':>10} {'zero results':>13}")
    for name, values in rows.items():
        n = len(values)
        print(
            f"{name:<28} {sum(v[0] for v in values) / n:>8.3f} {sum(v[1] for v in values) / n:>10.3f}"
            f" {100 * sum(v[2] for v in values) / n:>12.1f}%"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", action="store_true", help="figures by kind of query")
    parser.add_argument("--failures", action="store_true", help="list the queries below nDCG@10 0.8")
    options = parser.parse_args()
    run(options.kinds, options.failures)
