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

import time
from dataclasses import replace

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

from search.analysis import (
    normalise,
    normalised_words,
    query_clauses,
    query_words,
    suggest_inputs,
    suggestion_words,
)
from search.documents import LATEST_UPDATES_KEPT, families
from search.engines import elasticsearch_client
from search.query import SearchResult
from search.results import centroid, make_hit, ordered_facets, suggested_query
from search.spelling import looser_suggestion, search_with_correction

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
    title = Text(analyzer=hw_bigram, search_analyzer=hw_bigram_query)
    text = Text(analyzer=hw_bigram, search_analyzer=hw_bigram_query)
    words = Keyword(ignore_above=100)
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
    texts = [normalise(value) for value in document.texts()]
    words = set()
    for text in texts:
        words.update(normalised_words(text))
    source = {
        "family": document.family,
        "object_id": document.object_id,
        "uid": document.uid,
        "is_public": document.is_public,
        "title": [normalise(value) for value in (document.title, document.title_en) if value],
        "text": texts,
        "words": sorted(words),
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
    source.update(document.facet_values())
    source.pop("family")
    source["family"] = document.family
    if document.latitude is not None and document.longitude is not None:
        source["location"] = {"lat": document.latitude, "lon": document.longitude}
    if document.is_public:
        source["suggest"] = [
            {"input": [text], "weight": weight}
            for text, weight in suggest_inputs(document.title, document.title_en).items()
        ]
    return source


def _actions(index, documents):
    for document in documents:
        yield {"_index": index, "_id": document.uid, "_source": to_source(document)}


def _batches(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


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
        count = 0
        # Objects are read here (database access stays in this thread); parallel_bulk's threads analyse and send
        # them, so the analysis of one chunk overlaps the node's indexing of another.
        for batch in _batches(family.iter_objects(batch_size=chunk_size), chunk_size * 10):
            documents = [family.to_document(obj) for obj in batch]
            for _ok, _item in helpers.parallel_bulk(
                client, _actions(new, documents), chunk_size=chunk_size, thread_count=2, raise_on_error=True
            ):
                count += 1
                if progress:
                    progress(count)
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

    def _text_query(self, query):
        must = [
            Q("match", text={"query": clause, "operator": "and", "analyzer": "hw_bigram_query"})
            for clause in query_clauses(query.q)
        ]
        # No filter on `family`: each family has its own index, and only the searched families' aliases are read.
        filters = [] if query.include_private else [Q("term", is_public=True)]
        should = []
        if must:
            should.append(Q("match", title={"query": normalise(query.q), "boost": 3}))
            words = query_words(query.q)
            if words:
                should.append(Q("terms", words=words, boost=2))
        return Q("bool", must=must or [Q("match_all")], filter=filters, should=should)

    @staticmethod
    def _facet_filter(filters, skip=None):
        return [Q("terms", **{facet: values}) for facet, values in filters.items() if facet != skip and values]

    def _search(self, query):
        return Search(using=elasticsearch_client(), index=self._indices(query)).params(
            ignore_unavailable=True, allow_no_indices=True
        )

    def search(self, query, raw=False):
        return search_with_correction(lambda corrected: self._answer(corrected, raw), query)

    def _has_hits(self, query):
        found = self._search(query).query(self._text_query(query))
        post = self._facet_filter(query.filters)
        if post:
            found = found.filter(Q("bool", filter=post))
        return bool(found.extra(size=0, track_total_hits=1).execute().hits.total.value)

    def _answer(self, query, raw=False):
        search = self._search(query).query(self._text_query(query))
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
        sort = self._sort(query)
        search = search.sort(*sort).extra(track_total_hits=True, track_scores=False)
        search = search.source(["display"])[query.offset : query.offset + query.per_page]
        # The raw answer: elasticsearch.dsl's Response wrappers cost milliseconds on 8 aggregations.
        response = elasticsearch_client().search(
            index=self._indices(query), body=search.to_dict(), ignore_unavailable=True, allow_no_indices=True
        )
        hits = []
        for hit in response["hits"]["hits"]:
            distance = None
            if query.sort == "nearest" and hit.get("sort") and hit["sort"][0] is not None:
                value = hit["sort"][0]
                distance = value if value != float("inf") and value < 1e300 else None
            hits.append(make_hit(hit["_source"]["display"], query, distance))
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
        if raw:
            result.took_ms = response["took"]
        if result.total == 0 and query.q:
            result.suggestion = self.did_you_mean(query)
        return result

    def _sort(self, query):
        if query.sort == "relevance":
            return ["_score", "uid"] if query_clauses(query.q) else ["uid"]
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
        words = suggestion_words(query.q)
        if not words:
            return ""
        search = self._search(query).extra(size=0)
        for index, word in enumerate(words):
            search = search.suggest(
                f"w{index}",
                word,
                term={
                    "field": "words",
                    "suggest_mode": "missing",
                    "min_word_length": 2,
                    "prefix_length": 1,
                    "max_edits": 2,
                    "size": 1,
                    "analyzer": "keyword",
                },
            )
        response = search.execute()
        replacements = {}
        for index, word in enumerate(words):
            for entry in getattr(response.suggest, f"w{index}", []):
                if entry.options:
                    replacements[word] = entry.options[0].text
        suggestion = suggested_query(query.q, replacements)
        if suggestion and self._has_hits(replace(query, q=suggestion, page=1)):
            return suggestion
        return looser_suggestion(query.q, lambda q: self._has_hits(replace(query, q=q, page=1)))

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
                        "url": display.get("url", ""),
                    }
                )
        return out


def analyse(text, analyzer_name="hw_bigram", family="townships"):
    """The tokens the node makes of a (normalised) text: for the contract test against search/analysis.py."""
    response = elasticsearch_client().indices.analyze(index=alias_name(family), analyzer=analyzer_name, text=text)
    return [token["token"] for token in response["tokens"]]


__all__ = ["ElasticsearchEngine", "NotFoundError", "alias_name", "analyse", "ensure_alias"]
