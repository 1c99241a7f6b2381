"""Search at scale with synthetic documents (made here, deterministic):

- Elasticsearch: bulk indexing throughput of N documents through our code (analysis + bulk, alias swap), then
  p50/p95 latency of faceted queries through our code (SearchQuery -> ElasticsearchEngine.search, with 8 facet
  aggregations, highlights and the hit page) next to the node's own `took` for the same requests.
- Baselines in the same run: the node alone (bulk of ready-made sources of the first 20,000 documents, no analysis
  in the timed part, one client thread), and the analysis alone (`to_source` of 10,000 documents) with our
  dictionary cut next to jieba's own `cut_for_search`, which it replaces.
- Database engine (PostgreSQL): indexing and the same faceted queries over M documents.

The load average is printed with each figure: the machine is shared, compare the ratios.

    eval "$(scripts/services env)"
    .venv/bin/python bench/search_scale.py                  # 100,000 in Elasticsearch, 10,000 in the database
    .venv/bin/python bench/search_scale.py --docs 10000     # quicker

Aims (issue 7): p95 < 50 ms through our code, indexing >= 2,000 docs/s, database engine < 150 ms at 10,000.

Issue 16: the query side reads the database engine's token table (which words public documents hold, for
corrections and dictionary expansions), so the N documents are written to the database engine too (as every
index change is), before the Elasticsearch rebuild. What synonyms and OR semantics cost is printed next to the
full query plan: the same queries with the typed words only, all required (the former AND semantics), and with
the typed words only under OR semantics (search/planner.py's minimum).
"""

import argparse
import csv
import os
import random
import time
from contextlib import contextmanager
from dataclasses import replace

from search_setup import setup

setup()

from elasticsearch import helpers  # noqa: E402

from bench.timing import percentile  # noqa: E402
from places.actions import TOWNSHIPS_CSV  # noqa: E402
from search import analysis, suggest  # noqa: E402
from search.db_engine import DatabaseEngine  # noqa: E402
from search.documents import SearchDocument, StaticFamily, register, unregister  # noqa: E402
from search.engines import elasticsearch_client  # noqa: E402
from search.es import ElasticsearchEngine, _new_index, to_source  # noqa: E402
from search.query import SearchQuery  # noqa: E402

FAMILY = "benchdocs"
PRODUCTS = [
    "可可",
    "香草",
    "咖啡",
    "紅茶",
    "烏龍茶",
    "稻米",
    "菱角",
    "吳郭魚",
    "虱目魚",
    "牡蠣",
    "梅子",
    "竹筍",
    "鳳梨",
    "芒果",
    "文旦",
    "釋迦",
    "洛神花",
    "小米",
    "紅藜",
    "高粱",
]
ACTIVITIES = [
    "認養",
    "訂閱",
    "農場",
    "工坊",
    "小旅行",
    "民宿",
    "食農教育",
    "加工",
    "電商",
    "合作社",
    "智慧養殖",
    "循環經濟",
    "文化祭",
    "老屋再生",
]
ENGLISH = {
    "可可": "cocoa",
    "香草": "vanilla",
    "咖啡": "coffee",
    "紅茶": "black tea",
    "吳郭魚": "tilapia",
    "稻米": "rice",
    "牡蠣": "oyster",
    "鳳梨": "pineapple",
    "芒果": "mango",
}
SECTORS = ["agriculture", "food", "aquaculture", "tourism", "culture", "circular", "care", "education"]
FUNDING = ["investment", "subscription", "donation"]
STATUSES = ["funding", "funding", "funding", "funded", "closed"]


def synthetic_documents(count, seed=7):
    random.seed(seed)
    with TOWNSHIPS_CSV.open(encoding="utf-8") as handle:
        towns = list(csv.DictReader(handle))
    for index in range(count):
        town = random.choice(towns)
        product, activity = random.choice(PRODUCTS), random.choice(ACTIVITIES)
        goal = random.randrange(50, 5000) * 1000
        backed = int(goal * random.random() * 1.3)
        yield SearchDocument(
            family=FAMILY,
            object_id=str(index),
            title=f"{town['town_zh'][:-1]}{product}{activity}",
            title_en=f"{town['town_en'].split()[0]} {ENGLISH.get(product, 'local')} project",
            summary=f"{town['county_zh']}{town['town_zh']}的返鄉青年以{product}發展{activity}，第{index % 97}號計畫。",
            county=town["county_code"],
            county_name=town["county_zh"],
            township=town["town_code"],
            township_name=town["town_zh"],
            sector=random.sample(SECTORS, random.choice((1, 1, 2))),
            funding_type=random.sample(FUNDING, random.choice((1, 2))),
            sdg=[str(n) for n in random.sample(range(1, 18), 2)],
            status=random.choice(STATUSES),
            backed_amount=backed,
            backers=backed // 1000,
            progress=backed / goal,
            latitude=float(town["lat"]),
            longitude=float(town["lon"]),
            is_public=random.random() > 0.05,
        )


def sample_queries(count, seed=11):
    random.seed(seed)
    with TOWNSHIPS_CSV.open(encoding="utf-8") as handle:
        counties = sorted({row["county_code"] for row in csv.DictReader(handle)})
    queries = []
    for _ in range(count):
        q = random.choice(
            [
                random.choice(PRODUCTS),
                f"{random.choice(['台東', '屏東', '雲林', '南投'])} {random.choice(PRODUCTS)}",
                random.choice(ACTIVITIES),
                random.choice(list(ENGLISH.values())),
                "",
            ]
        )
        filters = {}
        if random.random() < 0.6:
            filters["county"] = random.sample(counties, random.choice((1, 2)))
        if random.random() < 0.5:
            filters["funding_type"] = [random.choice(FUNDING)]
        if random.random() < 0.3:
            filters["sector"] = random.sample(SECTORS, 2)
        sort = random.choice(["relevance", "relevance", "newest", "most_backed", "closest_to_goal"])
        queries.append(SearchQuery(q=q, filters=filters, sort=sort, families=(FAMILY,)))
    return queries


def time_queries(engine, queries, raw=False):
    ours, took = [], []
    for query in queries[:10]:  # warm-up
        engine.search(query)
    for query in queries:
        started = time.perf_counter()
        result = engine.search(query, raw=True) if raw else engine.search(query)
        ours.append((time.perf_counter() - started) * 1000)
        if raw:
            took.append(result.took_ms)
    return ours, took


def typed_and(plan):
    """The plan with the typed words only, every one required: the former AND semantics, no expansion."""
    concepts = [replace(concept, alternatives=concept.alternatives[:1]) for concept in plan.concepts]
    return replace(plan, concepts=concepts, minimum_match=len(concepts))


def typed_or(plan):
    """The typed words only, with the planner's relaxing minimum (OR semantics without synonyms or dictionary)."""
    return replace(plan, concepts=[replace(c, alternatives=c.alternatives[:1]) for c in plan.concepts])


PLAN_VARIANTS = {
    "typed words only, all required (AND, no synonyms)": typed_and,
    "typed words only, OR with the relaxing minimum": typed_or,
    "full plan again (synonyms, dictionary, OR)": lambda plan: plan,
}


@contextmanager
def planned(variant):
    """search.suggest.plan_for replaced by `variant` of it for the block."""
    original = suggest.plan_for
    suggest.plan_for = lambda q: variant(original(q))
    try:
        yield
    finally:
        suggest.plan_for = original


def load():
    return "load average " + " ".join(f"{value:.1f}" for value in os.getloadavg())


def analysis_baseline(documents):
    """to_source docs per CPU second with jieba's own cut_for_search (the baseline), then with our dictionary cut;
    caches cold."""
    jieba = analysis._segmenter.tokenizer()
    fast = analysis.dictionary_cut()
    ours = fast.searchable_block
    rates = {}
    for name, block_words in (
        ("jieba cut_for_search", lambda block: analysis.kept_words(jieba.cut_for_search(block, HMM=False))),
        ("dictionary cut (ours)", ours),
    ):
        analysis._words.cache_clear()
        ours.cache_clear()
        fast.searchable_block = block_words  # jieba cuts block by block too, so a block's cut is its own
        try:
            started = time.process_time()  # CPU time: the load from other work does not blur the ratio
            for document in documents:
                to_source(document)
            rates[name] = len(documents) / (time.process_time() - started)
        finally:
            fast.searchable_block = ours
    analysis._words.cache_clear()
    ours.cache_clear()
    return rates


def node_baseline(documents):
    """docs/s of the node alone: ready-made sources bulk-indexed into a new index with the rebuild's settings."""
    sources = [(document.uid, to_source(document)) for document in documents]
    analysis._words.cache_clear()  # the rebuild below starts with cold caches, as a real one does
    analysis.dictionary_cut().searchable_block.cache_clear()
    client = elasticsearch_client().options(request_timeout=120)
    name = _new_index(FAMILY + "-node")
    client.indices.put_settings(index=name, settings={"refresh_interval": "-1", "translog.durability": "async"})
    try:
        started = time.perf_counter()
        actions = ({"_index": name, "_id": uid, "_source": source} for uid, source in sources)
        for _ in helpers.streaming_bulk(client, actions, chunk_size=1000):
            pass
        client.indices.refresh(index=name)
        return len(sources) / (time.perf_counter() - started)
    finally:
        client.indices.delete(index=name, ignore_unavailable=True)


class CpuTime:
    """CPU seconds used by this process and by the Elasticsearch node while the block runs: unlike wall time, they
    do not grow with the load other work puts on the machine."""

    def __enter__(self):
        self.ours, self.node = time.process_time(), node_cpu_seconds()
        return self

    def __exit__(self, *exc):
        self.ours, self.node = time.process_time() - self.ours, node_cpu_seconds() - self.node


def node_cpu_seconds():
    stats = elasticsearch_client().nodes.stats(metric="process")
    return sum(node["process"]["cpu"]["total_in_millis"] for node in stats["nodes"].values()) / 1000


def line(name, samples):
    return f"{name:<52} p50 {percentile(samples, 0.5):>8.1f} ms   p95 {percentile(samples, 0.95):>8.1f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000, help="documents in Elasticsearch")
    parser.add_argument("--database-docs", type=int, default=10_000, help="documents in the database engine")
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    queries = sample_queries(args.queries)

    documents = list(synthetic_documents(args.docs))
    analysis._segmenter.tokenizer()  # jieba's dictionary loads once per process (about two seconds)
    print(f"Start: {load()}")
    rates = analysis_baseline(documents[:10_000])
    baseline, ours_rate = rates["jieba cut_for_search"], rates["dictionary cut (ours)"]
    print("Analysis alone (to_source, 10,000 docs, per CPU second):", end=" ")
    print(f"jieba's cut_for_search {baseline:,.0f} docs,", end=" ")
    print(f"our dictionary cut {ours_rate:,.0f} docs = {ours_rate / baseline:.1f}× ({load()})")
    node_rate = node_baseline(documents[:20_000])
    print(f"Node alone (bulk of ready-made sources, 20,000 docs, one thread): {node_rate:,.0f} docs/s ({load()})")

    family = register(StaticFamily(FAMILY, documents))
    es = ElasticsearchEngine()
    database = DatabaseEngine()
    started = time.perf_counter()
    database.clear(FAMILY)
    for start in range(0, len(documents), 1000):
        database.index_documents(documents[start : start + 1000])
    seconds = time.perf_counter() - started
    print(f"Database engine (PostgreSQL) indexing: {len(documents)} docs in {seconds:.1f} s", end=" ")
    print(f"= {len(documents) / seconds:,.0f} docs/s ({load()})")
    try:
        with CpuTime() as cpu:
            count, seconds = es.rebuild(family, chunk_size=1000)
        print(f"Elasticsearch bulk indexing through our code: {count} docs in {seconds:.1f} s", end=" ")
        print(f"= {count / seconds:,.0f} docs/s = {count / seconds / node_rate:.2f}× the node alone ({load()})")
        ours_cpu, node_cpu = cpu.ours / count * 1000, cpu.node / count * 1000
        print(f"  CPU per 1,000 docs: our process {ours_cpu:.2f} s, the node {node_cpu:.2f} s")
        with CpuTime() as cpu:
            ours, took = time_queries(es, queries, raw=True)
        print(f"{len(queries)} faceted queries (8 facets, highlights, 20 hits) over {count:,} documents ({load()}):")
        print(line("  through our code (SearchQuery -> result)", ours))
        print(line("  Elasticsearch's own `took` for the same requests", [float(t) for t in took]))
        print(f"  our overhead at p50: {percentile(ours, 0.5) - percentile(took, 0.5):.1f} ms", end=", ")
        print(f"p50 ours / took: {percentile(ours, 0.5) / max(percentile(took, 0.5), 1):.2f}×")
        calls = len(queries) + 10
        ours_cpu, node_cpu = cpu.ours / calls * 1000, cpu.node / calls * 1000
        print(f"  CPU per query: our process {ours_cpu:.1f} ms, the node {node_cpu:.1f} ms")
        for label, variant in PLAN_VARIANTS.items():
            with planned(variant):
                ours, took = time_queries(es, queries, raw=True)
            print(line(f"  {label}", ours), f"(took p50 {percentile(took, 0.5):.0f}, p95 {percentile(took, 0.95):.0f})")
    finally:
        es.drop(FAMILY)

    small = list(synthetic_documents(args.database_docs))
    try:
        database.clear(FAMILY)
        started = time.perf_counter()
        for start in range(0, len(small), 1000):
            database.index_documents(small[start : start + 1000])
        seconds = time.perf_counter() - started
        print(f"Database engine (PostgreSQL) indexing: {len(small)} docs in {seconds:.1f} s", end=" ")
        print(f"= {len(small) / seconds:,.0f} docs/s")
        ours, _ = time_queries(database, queries)
        print(f"{len(queries)} faceted queries over {len(small):,} documents:")
        print(line("  database engine through our code", ours))
        print(f"End: {load()}")
    finally:
        database.clear(FAMILY)
        unregister(FAMILY)


if __name__ == "__main__":
    main()
