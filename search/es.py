"""The Elasticsearch engine: index settings (core features only), alias-swap rebuilds, queries.

The test distribution of Elasticsearch carries only the server core, as noted in
DESIGN.md: no analysis-common, no mapper-extras, no painless. So the mapping uses
the `standard` tokenizer with a `shingle` filter (2-grams, empty separator) for
Chinese, keyword arrays for jieba's words (made in Python), `completion` for
autocomplete and `geo_point` for distance. Every text is normalised in Python
(search/analysis.py) before it is sent, at indexing and at query time.

One index per family behind an alias `<prefix>-<family>`; a rebuild fills
`<alias>-<timestamp>` and swaps the alias in one request.
"""

import gc
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.conf import settings
from elasticsearch import NotFoundError, helpers
from elasticsearch.dsl import (
    Boolean,
    Completion,
    Date,
    Document,
    Double,
    GeoPoint,
    Index,
    Keyword,
    Long,
    Object,
    Q,
    Search,
    Text,
    analyzer,
    token_filter,
)

from search.analysis import normalise, normalised_words, suggest_inputs
from search.documents import LATEST_UPDATES_KEPT, families
from search.engines import elasticsearch_client
from search.query import SearchResult
from search.ranking import COORD, FIELD_WEIGHTS, FIELDS, PHRASE_BOOST, TIE_BREAKER, TITLE_ALL_BOOST, WORD_WEIGHT
from search.results import centroid, make_hit, ordered_facets
from search.suggest import did_you_mean, search_with_plan, zero_result_help

bigram_shingle = token_filter(
    "hw_bigram_shingle",
    "shingle",
    min_shingle_size=2,
    max_shingle_size=2,
    output_unigrams=True,
    token_separator="",
)
query_shingle = token_filter(
    "hw_bigram_query_shingle",
    "shingle",
    min_shingle_size=2,
    max_shingle_size=2,
    output_unigrams=False,
    output_unigrams_if_no_shingles=True,
    token_separator="",
)
hw_bigram = analyzer("hw_bigram", tokenizer="standard", filter=["lowercase", bigram_shingle])
hw_bigram_query = analyzer("hw_bigram_query", tokenizer="standard", filter=["lowercase", query_shingle])


class SearchDoc(Document):
    """The mapping every family's index uses."""

    family = Keyword(eager_global_ordinals=True)
    object_id = Keyword()
    uid = Keyword()
    is_public = Boolean()
    # The scored fields of search/ranking.py (BM25, Elasticsearch's default similarity: k1 1.2, b 0.75), without
    # positions (queries are term queries on the bigram tokens; highlights are made in Python). A document matches
    # an alternative when it holds each of its tokens in any of these fields (`_anywhere`). A copy of every field
    # into one more field would answer that with one term per token, but it cost the node a third of its indexing
    # time (the text analysed twice), for queries that stay a few milliseconds either way.
    title = Text(analyzer=hw_bigram, search_analyzer=hw_bigram_query, index_options="freqs")
    summary = Text(analyzer=hw_bigram, search_analyzer=hw_bigram_query, index_options="freqs")
    body = Text(analyzer=hw_bigram, search_analyzer=hw_bigram_query, index_options="freqs")
    meta = Text(analyzer=hw_bigram, search_analyzer=hw_bigram_query, index_options="freqs")
    # The document's distinct words (jieba), matched and scored as terms; never sorted or counted, so without doc
    # values (a hundred words a document: building them was a tenth of the node's indexing).
    words = Keyword(ignore_above=100, index_options="docs", doc_values=False)
    # The facets: their global ordinals are built when a refresh opens a new reader, not by the first search after
    # it (every search counts all nine facets; with writes and a 1 s refresh, that search would pay for them).
    county = Keyword(eager_global_ordinals=True)
    township = Keyword(eager_global_ordinals=True)
    sector = Keyword(eager_global_ordinals=True)
    funding_type = Keyword(eager_global_ordinals=True)
    sdg = Keyword(eager_global_ordinals=True)
    priority_area = Keyword(eager_global_ordinals=True)
    status = Keyword(eager_global_ordinals=True)
    traceability = Keyword(eager_global_ordinals=True)
    # The facets of people, help requests, experiences and organisations (search/people_families.py).
    category = Keyword(eager_global_ordinals=True)
    field = Keyword(eager_global_ordinals=True)
    date = Keyword(eager_global_ordinals=True)
    price = Keyword(eager_global_ordinals=True)
    language = Keyword(eager_global_ordinals=True)
    ministry = Keyword(eager_global_ordinals=True)
    programme_kind = Keyword(eager_global_ordinals=True)
    published_at = Date()
    backed_amount = Long()
    backers = Long()
    progress = Double()
    goal_gap = Double()
    location = GeoPoint()
    sort_title = Keyword()  # ties in recommendations are broken by title, in code-point order (UTF-8 bytes)
    ask_low = Long()
    ask_high = Long()
    # latest_updates.u1 is the newest update's date, u2 the one before…: "at least k updates since d" is one range
    # query on uk, so recent updates are counted without scripts.
    latest_updates = Object(properties={f"u{k}": Date() for k in range(1, LATEST_UPDATES_KEPT + 1)})
    suggest = Completion(analyzer="keyword", search_analyzer="keyword", max_input_length=50)
    display = Object(enabled=False)


def alias_name(family):
    return f"{settings.HOMEWARD_SEARCH['INDEX_PREFIX']}-{family}"


def _new_index(family):
    name = f"{alias_name(family)}-{time.strftime('%Y%m%d%H%M%S')}-{time.monotonic_ns() % 1_000_000:06d}"
    index = Index(name)
    # One replica as soon as the cluster has a second data node (none on a single node, where it could never be
    # placed and would keep the index yellow); Elasticsearch adjusts it as nodes join and leave.
    index.settings(number_of_shards=1, auto_expand_replicas="0-1", refresh_interval="1s")
    index.document(SearchDoc)
    index.create(using=elasticsearch_client())
    return name


def ensure_alias(family):
    """Create an empty index behind the family's alias if there is none yet."""
    client = elasticsearch_client()
    alias = alias_name(family)
    if not client.indices.exists_alias(name=alias):
        client.indices.update_aliases(actions=[{"add": {"index": _new_index(family), "alias": alias}}])


def to_source(document):
    # The words in order of first appearance (a dict keeps it): sorting them took a sixth of the analysis, and
    # Elasticsearch indexes a keyword array the same in any order.
    words = {}
    source = {
        "family": document.family,
        "object_id": document.object_id,
        "uid": document.uid,
        "is_public": document.is_public,
    }
    for field, values in document.field_texts().items():
        texts = [normalise(value) for value in values]
        for text in texts:
            words.update(dict.fromkeys(normalised_words(text)))
        if texts:
            source[field] = texts
    source.update(
        {
            "words": list(words),
            "published_at": document.published_at.isoformat() if document.published_at else None,
            "backed_amount": document.backed_amount,
            "backers": document.backers,
            "progress": document.progress,
            "goal_gap": document.goal_gap,
            "display": document.display(),
            "sort_title": document.title,
            "ask_low": document.ask_low,
            "ask_high": document.ask_high,
            "latest_updates": {f"u{k}": date.isoformat() for k, date in enumerate(document.update_dates, start=1)},
        }
    )
    source.update(document.facet_values())
    source.pop("family")
    source["family"] = document.family
    if document.latitude is not None and document.longitude is not None:
        source["location"] = {"lat": document.latitude, "lon": document.longitude}
    if document.is_public:
        source["suggest"] = [
            {"input": [text], "weight": weight}
            for text, weight in suggest_inputs(document.title, document.title_en, document.title_ja).items()
        ]
    return source


def _actions(index, documents):
    for document in documents:
        yield {"_index": index, "_id": document.uid, "_source": to_source(document)}


# Batches handed to the sending thread before the reader waits for the oldest to be indexed (memory stays bounded).
SENDS_AHEAD = 2


def _send(client, actions, chunk_size):
    """Index ready-made actions with the streaming bulk helper; returns how many were indexed (raises on an error)."""
    done = 0
    for _ok, _item in helpers.streaming_bulk(client, actions, chunk_size=chunk_size, raise_on_error=True):
        done += 1
    return done


@contextmanager
def _long_lived_objects_frozen():
    """Leave the objects the process already holds (Django's state, jieba's dictionary, caches) out of the garbage
    collector's passes while the block runs. A rebuild makes millions of short-lived objects, and each full pass
    they trigger would otherwise walk every long-lived one too (measured on the analysis alone: 2-3x its time; in
    a whole rebuild the gain was within the noise), and a forked analyser's passes would copy their pages. What
    the block itself makes is collected as usual."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _analyse_and_stream(client, index, batches, chunk_size, progress=None):
    """Analyse each batch of documents in this thread while one sending thread streams the previous one to the
    node with the bulk helper (the wait for the node releases the interpreter), so the node indexes one batch as
    the next is prepared. Returns how many were indexed; `progress(count)` after each batch."""
    count = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-bulk") as sender:
        in_flight = deque()
        for documents in batches:
            in_flight.append(sender.submit(_send, client, list(_actions(index, documents)), chunk_size))
            while len(in_flight) > SENDS_AHEAD or (in_flight and in_flight[0].done()):
                count += in_flight.popleft().result()
                if progress:
                    progress(count)
        while in_flight:
            count += in_flight.popleft().result()
            if progress:
                progress(count)
    return count


# From this many batches on, a rebuild analyses and sends in a second process (a fork, which costs a few
# milliseconds): reading, analysing and sending all in one process kept one core busy while the node left the
# other half idle (bench/rebuild_scale.py).
ANALYSER_PROCESS_MIN_BATCHES = 4
# How long the reader waits for the analyser before checking that it is still alive.
_ANALYSER_POLL_SECONDS = 1


def _can_fork():
    """Linux only: macOS's system libraries are not safe to use in a forked child (and its default is spawn)."""
    import multiprocessing
    import sys

    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


class AnalyserFailed(RuntimeError):
    """The analysing process of a rebuild failed or died; the new index is dropped and the alias left alone."""


def _fill_with_analyser_process(client, family, index, progress, chunk_size):
    """Large rebuilds: this process reads the objects and builds their documents (the database in the caller's
    thread and transaction); a forked process analyses them (`to_source`) and streams them to the node, with a
    client of its own. At most SENDS_AHEAD batches wait between the two, so memory stays bounded."""
    import multiprocessing
    import queue

    context = multiprocessing.get_context("fork")
    inbox, outbox = context.Queue(maxsize=SENDS_AHEAD), context.Queue()
    config = settings.HOMEWARD_SEARCH
    analyser = context.Process(
        target=_analyser_main,
        args=(config["ELASTICSEARCH_URL"], index, chunk_size, inbox, outbox),
        name="search-analyser",
        daemon=True,
    )
    analyser.start()
    sent = received = count = 0

    def stopped():
        return AnalyserFailed(f"the analysing process stopped (exit code {analyser.exitcode})")

    def take(block):
        """Collect the analyser's answers: those already there, or (block) until every batch sent is answered."""
        nonlocal received, count
        while received < sent:
            try:
                kind, value = outbox.get(timeout=_ANALYSER_POLL_SECONDS) if block else outbox.get_nowait()
            except queue.Empty:
                if not block:
                    return
                if not analyser.is_alive():
                    raise stopped() from None
                continue
            if kind == "error":
                raise AnalyserFailed(value)
            received += 1
            count = value
            if progress:
                progress(count)

    try:
        for documents in family.iter_documents(batch_size=chunk_size):
            while True:
                try:
                    inbox.put(documents, timeout=_ANALYSER_POLL_SECONDS)
                    break
                except queue.Full:
                    take(block=False)  # an error the analyser reported is raised here
                    if not analyser.is_alive():
                        raise stopped() from None
            sent += 1
            take(block=False)
        inbox.put(None)
        take(block=True)
        analyser.join(timeout=30)
    finally:
        if analyser.is_alive():  # the reader failed (or the analyser hangs): nothing more will be read
            analyser.terminate()
            inbox.cancel_join_thread()  # batches nobody will read must not keep this process from exiting
        analyser.join(timeout=5)
        inbox.close()
        outbox.close()
    return count


def _analyser_main(url, index, chunk_size, inbox, outbox):
    """The analysing process: batches of documents in (until None), the running count out after each batch, or
    one error. A client of its own: the inherited one's connections belong to the parent."""
    from search.engines import new_elasticsearch_client

    client = new_elasticsearch_client(url).options(request_timeout=120)
    try:
        _analyse_and_stream(
            client, index, iter(inbox.get, None), chunk_size, progress=lambda count: outbox.put(("done", count))
        )
    except BaseException as error:  # reported to the reader, which drops the new index
        outbox.put(("error", f"{type(error).__name__}: {error}"[:2000]))


class ElasticsearchEngine:
    name = "elasticsearch"

    # --- writing ------------------------------------------------------------------------------------
    def index_documents(self, documents, refresh=False):
        documents = list(documents)
        by_family = {}
        for document in documents:
            by_family.setdefault(document.family, []).append(document)
        for family, items in by_family.items():
            ensure_alias(family)
            helpers.bulk(elasticsearch_client(), _actions(alias_name(family), items), refresh=refresh)
        return len(documents)

    def delete_documents(self, family, object_ids, refresh=False):
        ensure_alias(family)
        actions = (
            {"_op_type": "delete", "_index": alias_name(family), "_id": f"{family}:{object_id}"}
            for object_id in object_ids
        )
        helpers.bulk(elasticsearch_client(), actions, refresh=refresh, raise_on_error=False)

    def refresh(self, family):
        elasticsearch_client().indices.refresh(index=alias_name(family))

    def rebuild(self, family, progress=None, chunk_size=500):
        """Fill a new index from the family's objects, swap the alias, drop the old indices. Returns (docs, seconds).

        Only the index work: keeping writes made meanwhile (search.indexing.rebuild_elasticsearch_index records the
        rebuild and replays them) is the indexing layer's."""
        client = elasticsearch_client().options(request_timeout=120)
        alias = alias_name(family.name)
        started = time.perf_counter()
        new = _new_index(family.name)
        try:
            count = self._fill(client, family, new, progress, chunk_size)
            old = list(client.indices.get_alias(name=alias)) if client.indices.exists_alias(name=alias) else []
            client.indices.update_aliases(
                actions=[{"remove": {"index": name, "alias": alias}} for name in old]
                + [{"add": {"index": new, "alias": alias}}]
            )
        except Exception:
            client.indices.delete(index=new, ignore_unavailable=True)
            raise
        for name in old:
            client.indices.delete(index=name, ignore_unavailable=True)
        return count, time.perf_counter() - started

    def _fill(self, client, family, new, progress, chunk_size):
        # No refresh and an asynchronous translog while the new index fills (nobody reads it before the swap; a
        # crash means rebuilding again); the live settings come back before the swap.
        client.indices.put_settings(index=new, settings={"refresh_interval": "-1", "translog.durability": "async"})
        with _long_lived_objects_frozen():
            if family.count() >= ANALYSER_PROCESS_MIN_BATCHES * chunk_size and _can_fork():
                count = _fill_with_analyser_process(client, family, new, progress, chunk_size)
            else:
                # Small rebuilds: read and analysed in this thread (the database stays in the caller's transaction).
                batches = family.iter_documents(batch_size=chunk_size)
                count = _analyse_and_stream(client, new, batches, chunk_size, progress)
        client.indices.put_settings(index=new, settings={"refresh_interval": "1s", "translog.durability": "request"})
        client.indices.refresh(index=new)
        return count

    def drop(self, family_name):
        """Delete the family's indices and alias (tests and benchmarks)."""
        client = elasticsearch_client()
        client.indices.delete(index=f"{alias_name(family_name)}-*", ignore_unavailable=True, allow_no_indices=True)

    # --- reading ------------------------------------------------------------------------------------
    def _indices(self, query):
        return ",".join(alias_name(name) for name in self._family_names(query))

    @staticmethod
    def _family_names(query):
        return list(query.families or families())

    @staticmethod
    def _anywhere(token):
        """Documents holding the token in any of the text fields."""
        return {"bool": {"should": [{"term": {field: token}} for field in FIELDS], "minimum_should_match": 1}}

    @classmethod
    def _alternative_match(cls, alternative, field=None):
        """Documents holding every token of the alternative, each in any text field, or all in `field`."""
        if alternative.word_only:
            return {"term": {"words": alternative.word}}
        terms = [{"term": {field: token}} if field else cls._anywhere(token) for token in alternative.match]
        return terms[0] if len(terms) == 1 else {"bool": {"filter": terms}}

    def _alternative_query(self, alternative, name):
        should = [
            {"term": {field: {"value": token, "boost": FIELD_WEIGHTS[field] * alternative.weight}}}
            for field in FIELDS
            for token in alternative.scored
        ]
        if alternative.word:
            should.append({"term": {"words": {"value": alternative.word, "boost": WORD_WEIGHT * alternative.weight}}})
        return {"bool": {"filter": [self._alternative_match(alternative)], "should": should, "_name": name}}

    def _concept_match(self, concept, field=None):
        alternatives = [a for a in concept.alternatives if field is None or not a.word_only]
        if not alternatives:
            return None
        return {
            "bool": {"should": [self._alternative_match(a, field) for a in alternatives], "minimum_should_match": 1}
        }

    def _text_query(self, query, plan):
        """The query of search/ranking.py's model: a dis_max of alternatives per concept, at least
        `minimum_match` concepts, phrase and title boosts, and COORD per matched concept (function_score)."""
        filters = [] if query.include_private else [{"term": {"is_public": True}}]
        # No filter on `family`: each family has its own index, and only the searched families' aliases are read.
        if not plan.concepts:
            return {"bool": {"must": [{"match_all": {}}], "filter": filters}}
        concepts = [
            {
                "dis_max": {
                    "queries": [
                        self._alternative_query(alternative, f"{i}.{j}")
                        for j, alternative in enumerate(concept.alternatives)
                    ],
                    "tie_breaker": TIE_BREAKER,
                }
            }
            for i, concept in enumerate(plan.concepts)
        ]
        should = [{"constant_score": {"filter": self._anywhere(join), "boost": PHRASE_BOOST}} for join in plan.joins]
        if len(plan.concepts) >= 2:
            in_title = [self._concept_match(concept, "title") for concept in plan.concepts]
            if all(in_title):
                should.append({"constant_score": {"filter": {"bool": {"filter": in_title}}, "boost": TITLE_ALL_BOOST}})
        base = {
            "bool": {
                "must": [{"bool": {"should": concepts, "minimum_should_match": plan.minimum_match}}],
                "should": should,
                "filter": filters,
            }
        }
        if len(plan.concepts) < 2:
            return base
        return {
            "function_score": {
                "query": base,
                "functions": [{"filter": self._concept_match(concept), "weight": COORD} for concept in plan.concepts],
                "score_mode": "multiply",
                "boost_mode": "multiply",
            }
        }

    @staticmethod
    def _facet_filter(filters, skip=None):
        return [Q("terms", **{facet: values}) for facet, values in filters.items() if facet != skip and values]

    def _search(self, query):
        return Search(using=elasticsearch_client(), index=self._indices(query)).params(
            ignore_unavailable=True, allow_no_indices=True
        )

    def search(self, query, raw=False):
        """A SearchResult; its `took_ms` is the node's own time of the main request (`raw` is kept for callers)."""
        return search_with_plan(self, query)

    def has_hits(self, query, plan):
        body = {"query": self._text_query(query, plan), "size": 0, "track_total_hits": 1}
        post = self._facet_filter(query.filters)
        if post:
            body["post_filter"] = Q("bool", filter=post).to_dict()
        response = elasticsearch_client().search(
            index=self._indices(query),
            body=body,
            ignore_unavailable=True,
            allow_no_indices=True,
            search_type="dfs_query_then_fetch" if len(self._family_names(query)) > 1 else None,
        )
        return bool(response["hits"]["total"]["value"])

    def answer(self, query, plan):
        """The SearchResult of `query` with its text planned as `plan` (search/suggest.py calls this)."""
        search = self._search(query)
        post = self._facet_filter(query.filters)
        if post:
            search = search.post_filter(Q("bool", filter=post))
        # Facets without a filter of their own share one scope (every filter): one filter bucket for all of them, or
        # none when nothing is filtered. A facet with a filter is counted without it, in a bucket of its own.
        counted = query.counted_facets
        # One family searched and not filtered on: its count is the total (one index, every document of it is of that
        # family, and the shared scope applies every filter), so it needs no aggregation.
        names = self._family_names(query)
        family_is_total = "family" in counted and len(names) == 1 and not query.filters.get("family")
        shared = [
            facet for facet in counted if not query.filters.get(facet) and not (facet == "family" and family_is_total)
        ]
        if shared:
            parent = search.aggs.bucket("f_shared", "filter", filter=Q("bool", filter=post)) if post else search.aggs
            for facet in shared:
                parent.bucket(f"f_{facet}", "terms", field=facet, size=500)
        for facet in counted:
            if facet in shared or (facet == "family" and family_is_total):
                continue
            others = self._facet_filter(query.filters, skip=facet)
            bucket = search.aggs.bucket(f"f_{facet}", "filter", filter=Q("bool", filter=others))
            bucket.bucket("values", "terms", field=facet, size=500)
        sort = self._sort(query, plan)
        search = search.sort(*sort).extra(track_total_hits=True, track_scores=False)
        search = search.source(["display"])[query.offset : query.offset + query.per_page]
        body = search.to_dict()
        body["query"] = self._text_query(query, plan)
        # The raw answer: elasticsearch.dsl's Response wrappers cost milliseconds on 8 aggregations.
        response = elasticsearch_client().search(
            index=self._indices(query),
            body=body,
            ignore_unavailable=True,
            allow_no_indices=True,
            # Term statistics of every searched index together, as the database engine computes them (one index has
            # one shard: its own statistics are already the whole family's).
            search_type="dfs_query_then_fetch" if plan.concepts and len(names) > 1 else None,
        )
        hits = []
        for hit in response["hits"]["hits"]:
            distance = None
            if query.sort == "nearest" and hit.get("sort") and hit["sort"][0] is not None:
                value = hit["sort"][0]
                distance = value if value != float("inf") and value < 1e300 else None
            matched = sorted(
                tuple(int(part) for part in name.split(".")) for name in hit.get("matched_queries", ()) if "." in name
            )
            hits.append(make_hit(hit["_source"]["display"], query, plan, matched, distance))
        aggregations = response.get("aggregations", {})
        shared_scope = aggregations.get("f_shared", aggregations)
        total = response["hits"]["total"]["value"]
        counts = {}
        for facet in counted:
            if facet == "family" and family_is_total:
                counts[facet] = {names[0]: total}
                continue
            buckets = (
                shared_scope[f"f_{facet}"]["buckets"]
                if facet in shared
                else aggregations[f"f_{facet}"]["values"]["buckets"]
            )
            counts[facet] = {b["key"]: b["doc_count"] for b in buckets}
        result = SearchResult(
            hits=hits,
            total=total,
            facets=ordered_facets(counts),
            query=query,
            engine=self.name,
        )
        result.took_ms = response["took"]
        return result

    def _sort(self, query, plan):
        if query.sort == "relevance":
            return ["_score", "uid"] if plan.concepts else ["uid"]
        if query.sort == "newest":
            return [{"published_at": {"order": "desc", "missing": "_last"}}, "uid"]
        if query.sort == "most_backed":
            return [{"backed_amount": {"order": "desc"}}, "uid"]
        if query.sort == "closest_to_goal":
            return [{"goal_gap": {"order": "asc", "missing": "_last"}}, "uid"]
        lat, lon = centroid(query.near)
        return [
            {"_geo_distance": {"location": {"lat": lat, "lon": lon}, "order": "asc", "unit": "km"}},
            "uid",
        ]

    def did_you_mean(self, query):
        return did_you_mean(self, query)

    def zero_result_help(self, query):
        return zero_result_help(self, query)

    def autocomplete(self, prefix, size=8, families_=None):
        prefix = " ".join(normalise(prefix).split())
        if not prefix:
            return []
        names = list(families_ or families())
        search = (
            Search(using=elasticsearch_client(), index=",".join(alias_name(n) for n in names))
            .params(ignore_unavailable=True, allow_no_indices=True)
            .source(["display"])
            .extra(size=0)
        )
        search = search.suggest("complete", prefix[:50], completion={"field": "suggest", "size": size})
        response = search.execute()
        out, seen = [], set()
        for option in response.suggest.complete[0].options:
            display = option._source.display.to_dict()
            uid = f"{display['family']}:{display['object_id']}"
            if uid not in seen:
                seen.add(uid)
                out.append(
                    {
                        "uid": uid,
                        "family": display["family"],
                        "title": display.get("title", ""),
                        "title_en": display.get("title_en", ""),
                        "title_ja": display.get("title_ja", ""),
                        "url": display.get("url", ""),
                    }
                )
        return out


def analyse(text, analyzer_name="hw_bigram", family="townships"):
    """The tokens the node makes of a (normalised) text: for the contract test against search/analysis.py."""
    response = elasticsearch_client().indices.analyze(index=alias_name(family), analyzer=analyzer_name, text=text)
    return [token["token"] for token in response["tokens"]]


__all__ = ["ElasticsearchEngine", "NotFoundError", "alias_name", "analyse", "ensure_alias"]
