"""The database search engine: the embedded default and the fallback when Elasticsearch fails.

Same analysis (search/analysis.py), same matching rule and the same facet
semantics as search/es.py, so the contract suite gets the same hits and counts:
a document matches when, for every clause of the query, it holds all the
clause's bigrams in one of its texts' token sets together; facet counts for one
facet apply every other facet's filter (values within a facet are ORed).
"""

import math

from django.db import connection, transaction
from django.db.models import Count, ExpressionWrapper, F, FloatField, Max, Q, Sum, Value

from search.analysis import (
    bigram_tokens,
    clause_bigrams,
    edit_distance,
    normalise,
    query_clauses,
    query_words,
    suggest_inputs,
    suggestion_words,
    word_tokens,
)
from search.documents import FACETS, MULTI_VALUED_FACETS, SINGLE_VALUED_FACETS, families
from search.models import SearchEntry, SearchFacetValue, SearchToken
from search.query import SearchResult
from search.results import centroid, make_hit, ordered_facets, suggested_query
from search.spelling import looser_suggestion, search_with_correction

TOKEN_LENGTH = 100


def document_tokens(document):
    """{(kind, token): weight} for one document: bigrams and words of each text, autocomplete inputs."""
    weights = {}
    for text, weight in document.weighted_texts():
        for token in bigram_tokens(text):
            key = (SearchToken.BIGRAM, token[:TOKEN_LENGTH])
            weights[key] = max(weights.get(key, 0), weight)
        for token in word_tokens(text):
            key = (SearchToken.WORD, token[:TOKEN_LENGTH])
            weights[key] = max(weights.get(key, 0), weight)
    if document.is_public:
        for token, weight in suggest_inputs(document.title, document.title_en).items():
            weights[(SearchToken.SUGGEST, token[:TOKEN_LENGTH])] = weight
    return weights


def single_valued_facets(document):
    """The facets with one value per document, stored as columns of the entry ("" when none)."""
    values = document.facet_values()
    return {facet: (values[facet][0] if values[facet] else "") for facet in SINGLE_VALUED_FACETS if facet != "family"}


def haversine_km(lat1, lon1, lat2, lon2):
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 6371.0088 * 2 * math.asin(math.sqrt(a))


def _insert_rows(model, columns, rows):
    """Many rows in few statements: COPY on PostgreSQL, executemany elsewhere (the ORM's objects cost 10x)."""
    if not rows:
        return
    # Table and column names come from the model, never from input.
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _delete(entries):
    """Delete entries with one statement per table (the ORM's cascade would load every token first)."""
    with transaction.atomic():
        SearchToken.objects.filter(entry__in=entries.values("pk")).delete()
        SearchFacetValue.objects.filter(entry__in=entries.values("pk")).delete()
        entries.delete()


class DatabaseEngine:
    name = "database"

    # --- writing ------------------------------------------------------------------------------------
    def index_documents(self, documents):
        documents = list(documents)
        if not documents:
            return 0
        with transaction.atomic():
            _delete(SearchEntry.objects.filter(uid__in=[document.uid for document in documents]))
            entries = SearchEntry.objects.bulk_create(
                [
                    SearchEntry(
                        family=document.family,
                        object_id=document.object_id,
                        uid=document.uid,
                        is_public=document.is_public,
                        published_at=document.published_at,
                        backed_amount=document.backed_amount,
                        backers=document.backers,
                        progress=document.progress,
                        goal_gap=document.goal_gap,
                        latitude=document.latitude,
                        longitude=document.longitude,
                        display=document.display(),
                        **single_valued_facets(document),
                    )
                    for document in documents
                ]
            )
            tokens, facet_values = [], []
            for entry, document in zip(entries, documents, strict=True):
                for (kind, token), weight in document_tokens(document).items():
                    tokens.append((entry.pk, kind, token, weight))
                for facet, values in document.facet_values().items():
                    if facet in MULTI_VALUED_FACETS:
                        facet_values.extend((entry.pk, facet, value) for value in values)
            _insert_rows(SearchToken, ["entry_id", "kind", "token", "weight"], tokens)
            _insert_rows(SearchFacetValue, ["entry_id", "facet", "value"], facet_values)
        return len(documents)

    def delete_documents(self, family, object_ids):
        _delete(SearchEntry.objects.filter(family=family, object_id__in=[str(i) for i in object_ids]))

    def clear(self, family):
        _delete(SearchEntry.objects.filter(family=family))

    # --- reading ------------------------------------------------------------------------------------
    def _base(self, query):
        """Conditions (a Q on SearchEntry) for the public entries of the families asked for that match every
        clause of the query. The text match is computed once, as a list of ids, and reused by every query."""
        condition = Q(family__in=list(query.families or families()))
        if not query.include_private:
            condition &= Q(is_public=True)
        matched = None
        for clause in query_clauses(query.q):
            grams = sorted(set(clause_bigrams(clause)))
            holders = set(
                SearchToken.objects.filter(kind=SearchToken.BIGRAM, token__in=grams)
                .values("entry_id")
                .annotate(found=Count("token", distinct=True))
                .filter(found=len(grams))
                .values_list("entry_id", flat=True)
            )
            matched = holders if matched is None else matched & holders
            if not matched:
                break
        if matched is not None:
            condition &= Q(pk__in=sorted(matched))
        return condition

    @staticmethod
    def _filtered(condition, filters, skip=None):
        for facet, values in filters.items():
            if facet == skip or not values:
                continue
            if facet in MULTI_VALUED_FACETS:
                condition &= Q(pk__in=SearchFacetValue.objects.filter(facet=facet, value__in=values).values("entry_id"))
            else:
                condition &= Q(**{f"{facet}__in": values})
        return condition

    @staticmethod
    def _on_entry(condition):
        """The same condition, seen from a table with a foreign key `entry` (joins instead of IN subqueries)."""
        prefixed = Q(_connector=condition.connector, _negated=condition.negated)
        for child in condition.children:
            if isinstance(child, Q):
                prefixed.children.append(DatabaseEngine._on_entry(child))
            else:
                prefixed.children.append((f"entry__{child[0]}", child[1]))
        return prefixed

    def _relevance_page(self, entries, query):
        """Scores for the matching entries (sum of the weights of the query's tokens they hold), best first."""
        tokens = sorted(
            {gram for clause in query_clauses(query.q) for gram in clause_bigrams(clause)} | set(query_words(query.q))
        )
        ids = dict(entries.values_list("pk", "uid"))
        scores = dict(
            SearchToken.objects.filter(entry_id__in=sorted(ids), kind__in=["b", "w"], token__in=tokens)
            .values("entry_id")
            .annotate(total=Sum("weight"))
            .values_list("entry_id", "total")
        )
        ranked = sorted(ids, key=lambda pk: (-scores.get(pk, 0), ids[pk]))
        page_ids = ranked[query.offset : query.offset + query.per_page]
        by_id = SearchEntry.objects.in_bulk(page_ids)
        return [by_id[pk] for pk in page_ids]

    def _ordered(self, entries, query):
        if query.sort == "relevance":
            return entries.order_by("uid")
        if query.sort == "newest":
            return entries.order_by(F("published_at").desc(nulls_last=True), "uid")
        if query.sort == "most_backed":
            return entries.order_by("-backed_amount", "uid")
        if query.sort == "closest_to_goal":
            return entries.order_by(F("goal_gap").asc(nulls_last=True), "uid")
        # nearest: an equirectangular distance keeps the order of great-circle distances at Taiwan's scale.
        lat0, lon0 = centroid(query.near)
        k = math.cos(math.radians(lat0))
        distance = (F("latitude") - Value(lat0)) * (F("latitude") - Value(lat0)) + (
            (F("longitude") - Value(lon0)) * Value(k)
        ) * ((F("longitude") - Value(lon0)) * Value(k))
        return entries.annotate(distance=ExpressionWrapper(distance, output_field=FloatField())).order_by(
            F("distance").asc(nulls_last=True), "uid"
        )

    def search(self, query):
        return search_with_correction(self._answer, query)

    def _has_hits(self, query):
        return SearchEntry.objects.filter(self._filtered(self._base(query), query.filters)).exists()

    def _answer(self, query):
        if query.sort == "nearest":
            lat0, lon0 = centroid(query.near)
        base = self._base(query)
        matching = SearchEntry.objects.filter(self._filtered(base, query.filters))
        total = matching.count()
        if query.sort == "relevance" and query_clauses(query.q):
            page = self._relevance_page(matching, query) if total else []
        else:
            page = list(self._ordered(matching, query)[query.offset : query.offset + query.per_page])
        hits = []
        for entry in page:
            distance = None
            if query.sort == "nearest" and entry.latitude is not None:
                distance = haversine_km(lat0, lon0, entry.latitude, entry.longitude)
            hits.append(make_hit(entry.display, query, distance))
        counts = self._facet_counts(base, query.filters, query.counted_facets)
        result = SearchResult(hits=hits, total=total, facets=ordered_facets(counts), query=query, engine=self.name)
        if total == 0 and query.q:
            result.suggestion = self.did_you_mean(query)
        return result

    def _facet_counts(self, base, filters, counted=tuple(FACETS)):
        """{facet: {value: count}}. A facet with an active filter is counted without its own filter (one query
        each); the facets without one share the full scope and are counted together (two queries in all)."""
        counts = {facet: {} for facet in counted}
        shared = self._filtered(base, filters)
        single = [f for f in SINGLE_VALUED_FACETS if not filters.get(f) and f in counted]
        multi = [f for f in MULTI_VALUED_FACETS if not filters.get(f) and f in counted]
        if single:
            for row in SearchEntry.objects.filter(shared).values(*single).annotate(n=Count("pk")).order_by():
                for facet in single:
                    if row[facet]:
                        counts[facet][row[facet]] = counts[facet].get(row[facet], 0) + row["n"]
        if multi:
            rows = (
                SearchFacetValue.objects.filter(self._on_entry(shared), facet__in=multi)
                .values("facet", "value")
                .annotate(n=Count("entry_id"))
                .order_by()
            )
            for row in rows:
                counts[row["facet"]][row["value"]] = row["n"]
        for facet in counted:
            if not filters.get(facet):
                continue
            scope = self._filtered(base, filters, skip=facet)
            if facet in MULTI_VALUED_FACETS:
                rows = (
                    SearchFacetValue.objects.filter(self._on_entry(scope), facet=facet)
                    .values("value")
                    .annotate(n=Count("entry_id"))
                    .values_list("value", "n")
                )
            else:
                rows = (
                    SearchEntry.objects.filter(scope)
                    .exclude(**{facet: ""})
                    .values(facet)
                    .annotate(n=Count("pk"))
                    .values_list(facet, "n")
                )
            counts[facet] = dict(rows)
        return counts

    def did_you_mean(self, query):
        replacements = {}
        for word in suggestion_words(query.q):
            if SearchToken.objects.filter(kind=SearchToken.WORD, token=word, entry__is_public=True).exists():
                continue
            candidates = (
                SearchToken.objects.filter(kind=SearchToken.WORD, token__startswith=word[0])
                .values("token")
                .annotate(frequency=Count("entry_id"))
                .values_list("token", "frequency")
            )
            best = None
            for token, frequency in candidates:
                if abs(len(token) - len(word)) > 2:
                    continue
                distance = edit_distance(word, token)
                if distance <= min(2, max(1, len(word) - 1)):
                    key = (distance, -frequency, token)
                    if best is None or key < best[0]:
                        best = (key, token)
            if best:
                replacements[word] = best[1]
        suggestion = suggested_query(query.q, replacements)
        if suggestion and self._has_hits(_with_q(query, suggestion)):
            return suggestion
        return looser_suggestion(query.q, lambda q: self._has_hits(_with_q(query, q)))

    def autocomplete(self, prefix, size=8, families_=None):
        prefix = " ".join(normalise(prefix).split())
        if not prefix:
            return []
        rows = (
            SearchToken.objects.filter(
                kind=SearchToken.SUGGEST,
                token__startswith=prefix[:TOKEN_LENGTH],
                entry__is_public=True,
                entry__family__in=list(families_ or families()),
            )
            .values("entry_id")
            .annotate(best=Max("weight"))
            .order_by("-best", "entry_id")[:size]
        )
        ids = [row["entry_id"] for row in rows]
        by_id = {entry.pk: entry for entry in SearchEntry.objects.filter(pk__in=ids)}
        return [_suggestion(by_id[i].display) for i in ids if i in by_id]


def _with_q(query, q):
    from dataclasses import replace

    return replace(query, q=q, page=1)


def _suggestion(display):
    return {
        "uid": f"{display['family']}:{display['object_id']}",
        "family": display["family"],
        "title": display.get("title", ""),
        "title_en": display.get("title_en", ""),
        "url": display.get("url", ""),
    }
