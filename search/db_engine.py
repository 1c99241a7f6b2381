"""The database search engine: the embedded default and the fallback when Elasticsearch fails.

Same analysis (search/analysis.py), same query plan (search/planner.py), same ranking (search/ranking.py) and the
same facet semantics as search/es.py, so the contract suite gets the same hits and counts: the token table holds
each field's unigrams and bigrams with their counts and each document's words; a search reads the rows of the
plan's tokens in the searched families (which also gives the terms' document frequencies), the field statistics
(one aggregate), and scores in Python exactly as Elasticsearch's query does. Facet counts for one facet apply
every other facet's filter (values within a facet are ORed).
"""

import math

from django.db import connection, transaction
from django.db.models import Count, ExpressionWrapper, F, FloatField, Max, Q, Sum, Value
from django.db.models.expressions import RawSQL

from search import vocabulary
from search.analysis import normalise, normalised_words, suggest_inputs, units
from search.documents import FACETS, MULTI_VALUED_FACETS, SINGLE_VALUED_FACETS, families
from search.models import SearchEntry, SearchFacetValue, SearchToken
from search.query import SearchResult
from search.ranking import FIELD_CODES, FIELDS, Candidate, FieldStats, Scorer
from search.results import centroid, make_hit, ordered_facets
from search.suggest import did_you_mean, search_with_plan, zero_result_help

TOKEN_LENGTH = 100


_CODE_FIELDS = {code: name for name, code in FIELD_CODES.items()}


def _grams(unit_list):
    """Unigrams and bigrams of a run of units: what the `standard` tokenizer with a 2-shingle filter makes."""
    out = []
    for index, unit in enumerate(unit_list):
        out.append(unit)
        if index + 1 < len(unit_list):
            out.append(unit + unit_list[index + 1])
    return out


def analysed_document(document):
    """({(kind, field code, token): frequency}, {field: (units, tokens)}, words) for one document: the unigrams and
    bigrams of each scored field with their counts, each field's length in positions and its token count (the
    statistics of search/ranking.py), the document's distinct words, and its autocomplete inputs (their weight
    as frequency)."""
    rows, lengths, words = {}, {}, set()
    for field, values in document.field_texts().items():
        code = FIELD_CODES[field]
        positions = tokens = 0
        for value in values:
            text = normalise(value)
            unit_list = units(text)
            grams = _grams(unit_list)
            positions += len(unit_list)
            tokens += len(grams)
            for gram in grams:
                key = (SearchToken.BIGRAM, code, gram[:TOKEN_LENGTH])
                rows[key] = rows.get(key, 0) + 1
            words.update(normalised_words(text))
        lengths[field] = (positions, tokens)
    for word in words:
        rows[(SearchToken.WORD, "", word[:TOKEN_LENGTH])] = 1
    if document.is_public:
        for token, weight in suggest_inputs(document.title, document.title_en, document.title_ja).items():
            rows[(SearchToken.SUGGEST, "", token[:TOKEN_LENGTH])] = weight
    return rows, lengths, len(words)


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


def _ids_in(ids):
    """Q(pk__in=ids) for many ids: on PostgreSQL one array parameter (thousands of placeholders cost more to
    send than the query costs to run), elsewhere a plain IN list."""
    ids = sorted(ids)
    if connection.vendor == "postgresql" and len(ids) > 100:
        return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))
    return Q(pk__in=ids)


def _on_entry_ids(ids):
    """`_ids_in` for a table with a foreign key `entry`."""
    ids = sorted(ids)
    if connection.vendor == "postgresql" and len(ids) > 100:
        return Q(entry_id__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))
    return Q(entry_id__in=ids)


def _passes(values, filters, skip=None):
    """Whether an entry's facet values pass every filter but `skip` (values ORed within a facet)."""
    for facet, wanted in filters.items():
        if facet == skip or not wanted:
            continue
        if not set(values.get(facet, ())) & set(wanted):
            return False
    return True


def _count_facets(facets, filters, counted):
    """{facet: {value: count}}, each facet counted with every other facet's filter, as the SQL path does."""
    counts = {}
    for facet in counted:
        found = {}
        for values in facets.values():
            if _passes(values, filters, skip=facet):
                for value in values.get(facet, ()):
                    found[value] = found.get(value, 0) + 1
        counts[facet] = found
    return counts


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
        analysed = [analysed_document(document) for document in documents]
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
                        words=word_count,
                        **{f"units_{field}": lengths[field][0] for field in FIELDS},
                        **{f"tokens_{field}": lengths[field][1] for field in FIELDS},
                        **single_valued_facets(document),
                    )
                    for document, (_rows, lengths, word_count) in zip(documents, analysed, strict=True)
                ]
            )
            tokens, facet_values = [], []
            for entry, document, (rows, _lengths, _count) in zip(entries, documents, analysed, strict=True):
                for (kind, field, token), frequency in rows.items():
                    tokens.append((entry.pk, kind, field, token, min(frequency, 32767)))
                for facet, values in document.facet_values().items():
                    if facet in MULTI_VALUED_FACETS:
                        facet_values.extend((entry.pk, facet, value) for value in values)
            _insert_rows(SearchToken, ["entry_id", "kind", "field", "token", "frequency"], tokens)
            _insert_rows(SearchFacetValue, ["entry_id", "facet", "value"], facet_values)
        vocabulary.forget()  # this process's memory of which words exist (other processes: within a minute)
        return len(documents)

    def delete_documents(self, family, object_ids):
        _delete(SearchEntry.objects.filter(family=family, object_id__in=[str(i) for i in object_ids]))
        vocabulary.forget()

    def clear(self, family):
        _delete(SearchEntry.objects.filter(family=family))
        vocabulary.forget()

    # --- reading ------------------------------------------------------------------------------------
    def _field_stats(self, family_names):
        """({field: FieldStats}, FieldStats of the words) over every document of the searched families (drafts too,
        as Elasticsearch's statistics count every document of the index)."""
        aggregates = {}
        for field in FIELDS:
            aggregates[f"n_{field}"] = Count("pk", filter=Q(**{f"units_{field}__gt": 0}))
            aggregates[f"t_{field}"] = Sum(f"tokens_{field}")
        aggregates["n_words"] = Count("pk", filter=Q(words__gt=0))
        aggregates["t_words"] = Sum("words")
        row = SearchEntry.objects.filter(family__in=family_names).aggregate(**aggregates)
        stats = {field: FieldStats(row[f"n_{field}"] or 0, row[f"t_{field}"] or 0) for field in FIELDS}
        return stats, FieldStats(row["n_words"] or 0, row["t_words"] or 0)

    def scores(self, query, plan):
        """{entry id: score} of the documents matching the plan (public ones unless `include_private`)."""
        family_names = list(query.families or families())
        grams, words = set(plan.joins), set()
        for concept in plan.concepts:
            for alternative in concept.alternatives:
                grams.update(alternative.match)
                grams.update(alternative.scored)
                if alternative.word:
                    words.add(alternative.word)
        rows = SearchToken.objects.filter(entry__family__in=family_names).filter(
            Q(kind=SearchToken.BIGRAM, token__in=sorted(grams)) | Q(kind=SearchToken.WORD, token__in=sorted(words))
        )
        candidates, frequencies, word_frequencies = {}, {}, {}
        for entry_id, kind, code, token, frequency in rows.values_list(
            "entry_id", "kind", "field", "token", "frequency"
        ):
            candidate = candidates.get(entry_id)
            if candidate is None:
                candidate = candidates[entry_id] = Candidate(fields={}, words=set(), lengths={})
            if kind == SearchToken.WORD:
                candidate.words.add(token)
                word_frequencies[token] = word_frequencies.get(token, 0) + 1
            else:
                field = _CODE_FIELDS[code]
                candidate.fields.setdefault(field, {})[token] = frequency
                frequencies[(field, token)] = frequencies.get((field, token), 0) + 1
        if not candidates:
            return {}
        stats, word_stats = self._field_stats(family_names)
        scorer = Scorer(plan, stats, word_stats, frequencies, word_frequencies)
        entries = SearchEntry.objects.filter(_ids_in(candidates))
        if not query.include_private:
            entries = entries.filter(is_public=True)
        out = {}
        for entry_id, *lengths in entries.values_list("pk", *(f"units_{field}" for field in FIELDS)):
            candidate = candidates[entry_id]
            candidate.lengths = dict(zip(FIELDS, lengths, strict=True))
            score = scorer.score(candidate)
            if score is not None:
                out[entry_id] = score
        return out

    def matched_alternatives(self, plan, entry_ids):
        """{entry id: [(concept, alternative)]} of the alternatives each entry matches (for "matched via")."""
        if not entry_ids or not plan.concepts:
            return {}
        grams, words = set(), set()
        for concept in plan.concepts:
            for alternative in concept.alternatives:
                grams.update(alternative.match)
                if alternative.word_only:
                    words.add(alternative.word)
        rows = SearchToken.objects.filter(entry_id__in=list(entry_ids)).filter(
            Q(kind=SearchToken.BIGRAM, token__in=sorted(grams)) | Q(kind=SearchToken.WORD, token__in=sorted(words))
        )
        candidates = {entry_id: Candidate(fields={}, words=set(), lengths={}) for entry_id in entry_ids}
        for entry_id, kind, code, token in rows.values_list("entry_id", "kind", "field", "token"):
            if kind == SearchToken.WORD:
                candidates[entry_id].words.add(token)
            else:
                candidates[entry_id].fields.setdefault(_CODE_FIELDS[code], {})[token] = 1
        scorer = Scorer(plan, {}, None, {}, {})
        return {entry_id: scorer.matched(candidate) for entry_id, candidate in candidates.items()}

    def _base(self, query, scores):
        """Conditions (a Q on SearchEntry) for the entries of the families asked for (public unless
        `include_private`) that match the query's text (`scores`: None when the query has no text)."""
        condition = Q(family__in=list(query.families or families()))
        if not query.include_private:
            condition &= Q(is_public=True)
        if scores is not None:
            condition &= _ids_in(scores)
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
        return search_with_plan(self, query)

    def has_hits(self, query, plan):
        scores = self.scores(query, plan) if plan.concepts else None
        if scores is not None and not scores:
            return False
        return SearchEntry.objects.filter(self._filtered(self._base(query, scores), query.filters)).exists()

    def answer(self, query, plan):
        """The SearchResult of `query` with its text planned as `plan` (search/suggest.py calls this)."""
        if query.sort == "nearest":
            lat0, lon0 = centroid(query.near)
        scores = self.scores(query, plan) if plan.concepts else None
        base = self._base(query, scores)
        if scores is not None:
            # The matching documents are known: filter and count their facets in Python (two queries), rather than
            # sending the ids again with each facet's SQL.
            facets = self._facet_rows(scores)
            kept = [pk for pk, values in facets.items() if _passes(values, query.filters)]
            total = len(kept)
            counts = _count_facets(facets, query.filters, query.counted_facets)
        else:
            matching = SearchEntry.objects.filter(self._filtered(base, query.filters))
            total = matching.count()
            counts = self._facet_counts(base, query.filters, query.counted_facets)
        if scores is not None and query.sort == "relevance":
            uids = {pk: facets[pk]["uid"] for pk in kept}
            ranked = sorted(kept, key=lambda pk: (-scores[pk], uids[pk]))
            page_ids = ranked[query.offset : query.offset + query.per_page]
            by_id = SearchEntry.objects.in_bulk(page_ids)
            page = [by_id[pk] for pk in page_ids]
        elif scores is not None:
            ordered = self._ordered(SearchEntry.objects.filter(_ids_in(kept)), query)
            page = list(ordered[query.offset : query.offset + query.per_page]) if kept else []
        else:
            page = list(self._ordered(matching, query)[query.offset : query.offset + query.per_page])
        matched = self.matched_alternatives(plan, [entry.pk for entry in page]) if scores is not None else {}
        hits = []
        for entry in page:
            distance = None
            if query.sort == "nearest" and entry.latitude is not None:
                distance = haversine_km(lat0, lon0, entry.latitude, entry.longitude)
            hits.append(make_hit(entry.display, query, plan, matched.get(entry.pk, ()), distance))
        return SearchResult(hits=hits, total=total, facets=ordered_facets(counts), query=query, engine=self.name)

    @staticmethod
    def _facet_rows(ids):
        """{entry id: {"uid": uid, facet: [values]}} for these entries (single-valued facets from the entry's
        columns, the others from its facet value rows)."""
        single = list(SINGLE_VALUED_FACETS)
        out = {}
        for row in SearchEntry.objects.filter(_ids_in(ids)).values("pk", "uid", *single):
            out[row["pk"]] = {"uid": row["uid"], **{facet: [row[facet]] if row[facet] else [] for facet in single}}
            for facet in MULTI_VALUED_FACETS:
                out[row["pk"]][facet] = []
        rows = SearchFacetValue.objects.filter(_on_entry_ids(ids)).values_list("entry_id", "facet", "value")
        for entry_id, facet, value in rows:
            if entry_id in out:
                out[entry_id][facet].append(value)
        return out

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
        return did_you_mean(self, query)

    def zero_result_help(self, query):
        return zero_result_help(self, query)

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
            .annotate(best=Max("frequency"))
            .order_by("-best", "entry_id")[:size]
        )
        ids = [row["entry_id"] for row in rows]
        by_id = {entry.pk: entry for entry in SearchEntry.objects.filter(pk__in=ids)}
        return [_suggestion(by_id[i].display) for i in ids if i in by_id]


def _suggestion(display):
    return {
        "uid": f"{display['family']}:{display['object_id']}",
        "family": display["family"],
        "title": display.get("title", ""),
        "title_en": display.get("title_en", ""),
        "title_ja": display.get("title_ja", ""),
        "url": display.get("url", ""),
    }
