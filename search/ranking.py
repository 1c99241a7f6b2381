"""The ranking model both engines share (Elasticsearch runs it as a query, the database engine computes it here).

A query plan (search/planner.py) has n concepts, each with weighted alternatives. For a document d:

    alternative score  a(d) = Σ over fields f and scored tokens t:  w_f · w_alt · BM25_f(t, d)
                              + w_word · w_alt · idf_words(word)          when d holds the alternative as a word
    concept score      c(d) = the best a(d) among the alternatives d matches, plus TIE_BREAKER × the others
                              (dis_max: evidence from several expansions adds a little)
    base               s(d) = Σ c(d) over matched concepts
                              + PHRASE_BOOST for each join bigram d holds (two typed words written together)
                              + TITLE_ALL_BOOST when every concept matches in the title (n ≥ 2)
    score              s(d) · COORD^k, k = concepts matched (n ≥ 2), for documents matching ≥ ⌈n/2⌉ concepts

BM25 is Lucene's (Elasticsearch 8's default similarity, k1 = 1.2, b = 0.75), with the statistics Lucene keeps:
idf = ln(1 + (N − n + 0.5)/(n + 0.5)) over the documents that have the field (all searched families together:
Elasticsearch is asked with `dfs_query_then_fetch`), tf part = f/(f + k1·(1 − b + b·dl/avgdl)) times (k1 + 1),
where dl is the field's length in positions as Lucene stores it (one byte: exact below 24, then rounded down to
4 significant bits, `encoded_length`) and avgdl is the field's token count (unigrams and bigrams) over the
documents that have it. Words are a keyword field without norms or frequencies: Lucene scores a word with
frequency 1 and length 1 against the average number of words per document.

Field weights: title 3, summary 2, story (body) 1, meta (team, township and county names, sector, SDG and
funding labels in three languages) 0.8.
"""

import math
from dataclasses import dataclass

FIELDS = ("title", "summary", "body", "meta")
FIELD_CODES = {"title": "t", "summary": "s", "body": "b", "meta": "m"}
FIELD_WEIGHTS = {"title": 3.0, "summary": 2.0, "body": 1.0, "meta": 0.8}
WORD_WEIGHT = 1.5
K1, B = 1.2, 0.75
COORD = 3.0
TIE_BREAKER = 0.3
PHRASE_BOOST = 2.0
TITLE_ALL_BOOST = 4.0


# --- Lucene's document length encoding (org.apache.lucene.util.SmallFloat, intToByte4 / byte4ToInt) ---------------


def _long_to_int4(value):
    bits = value.bit_length()
    if bits < 4:
        return value
    shift = bits - 4
    return ((value >> shift) & 0x07) | ((shift + 1) << 3)


def _int4_to_long(value):
    bits = value & 0x07
    shift = (value >> 3) - 1
    return bits if shift == -1 else (bits | 0x08) << shift


_MAX_INT4 = _long_to_int4(2**31 - 1)
_NUM_FREE_VALUES = 255 - _MAX_INT4


def encoded_length(length):
    """The length Lucene's norms give back for a field of `length` positions (exact below 24)."""
    if length < _NUM_FREE_VALUES:
        return length
    encoded = _NUM_FREE_VALUES + _long_to_int4(length - _NUM_FREE_VALUES)
    return _NUM_FREE_VALUES + _int4_to_long(encoded - _NUM_FREE_VALUES)


def idf(document_frequency, document_count):
    return math.log(1 + (document_count - document_frequency + 0.5) / (document_frequency + 0.5))


def bm25(frequency, length, average_length, inverse_frequency, boost):
    norm = K1 * ((1 - B) + B * encoded_length(length) / average_length)
    return boost * inverse_frequency * (K1 + 1) * frequency / (frequency + norm)


# --- The database engine's side ---------------------------------------------------------------------------------


@dataclass
class FieldStats:
    documents: int  # documents that have the field
    tokens: int  # their unigrams and bigrams, together

    @property
    def average_length(self):
        return self.tokens / self.documents if self.documents else 1.0


@dataclass
class Candidate:
    """What the scoring needs of one document: its tokens per field ({field: {token: frequency}}), its words and
    its field lengths."""

    fields: dict
    words: set
    lengths: dict
    _pooled: set = None

    def holds(self, token):
        if self._pooled is None:
            self._pooled = set().union(*self.fields.values()) if self.fields else set()
        return token in self._pooled

    def holds_in(self, field, token):
        return token in self.fields.get(field, ())


def alternative_matches(alternative, candidate):
    if alternative.word_only:
        return alternative.word in candidate.words
    return all(candidate.holds(token) for token in alternative.match)


class Scorer:
    """Scores candidates for a plan with the searched families' statistics: `field_stats` {field: FieldStats},
    `words` (FieldStats of the words: documents with words, their words), `frequencies` {(field, token):
    documents}, `word_frequencies` {word: documents}."""

    def __init__(self, plan, field_stats, words, frequencies, word_frequencies):
        self.plan = plan
        self.field_stats = field_stats
        self.words = words
        self.frequencies = frequencies
        self.word_frequencies = word_frequencies
        self._idfs, self._norms = {}, {}

    def _idf(self, field, token):
        key = (field, token)
        value = self._idfs.get(key)
        if value is None:
            value = self._idfs[key] = idf(self.frequencies.get(key, 0), self.field_stats[field].documents)
        return value

    def _norm(self, field, length):
        """k1 · (1 − b + b · dl / avgdl) of a field length, as Lucene's cache holds it."""
        key = (field, length)
        value = self._norms.get(key)
        if value is None:
            average = self.field_stats[field].average_length
            value = self._norms[key] = K1 * ((1 - B) + B * encoded_length(length) / average)
        return value

    def _alternative_score(self, alternative, candidate):
        """Σ over fields and scored tokens of boost · idf · (k1 + 1) · f / (f + norm): `bm25`, with the idf and norm
        of each field and token computed once per search."""
        score = 0.0
        for field in FIELDS:  # a fixed order: equal documents get equal sums, so ties break as in Elasticsearch
            tokens = candidate.fields.get(field)
            if not tokens:
                continue
            boost = FIELD_WEIGHTS[field] * alternative.weight * (K1 + 1)
            norm = None
            for token in alternative.scored:
                frequency = tokens.get(token)
                if frequency:
                    if norm is None:
                        norm = self._norm(field, candidate.lengths[field])
                    score += boost * self._idf(field, token) * frequency / (frequency + norm)
        if alternative.word and alternative.word in candidate.words:
            inverse = idf(self.word_frequencies.get(alternative.word, 0), self.words.documents)
            score += bm25(1, 1, self.words.average_length, inverse, WORD_WEIGHT * alternative.weight)
        return score

    def matched(self, candidate):
        """[(concept index, alternative index)] of every alternative the candidate matches."""
        return [
            (i, j)
            for i, concept in enumerate(self.plan.concepts)
            for j, alternative in enumerate(concept.alternatives)
            if alternative_matches(alternative, candidate)
        ]

    def score(self, candidate, matched=None):
        """The candidate's score, or None when it matches fewer than `minimum_match` concepts."""
        matched = self.matched(candidate) if matched is None else matched
        concepts = {i for i, _j in matched}
        if len(concepts) < self.plan.minimum_match:
            return None
        by_concept = {}
        for i, j in matched:
            value = self._alternative_score(self.plan.concepts[i].alternatives[j], candidate)
            by_concept.setdefault(i, []).append(value)
        total = sum(max(values) + TIE_BREAKER * (sum(values) - max(values)) for values in by_concept.values())
        total += PHRASE_BOOST * sum(1 for join in self.plan.joins if candidate.holds(join))
        many = len(self.plan.concepts) >= 2
        if many and all(self._matches_in_title(concept, candidate) for concept in self.plan.concepts):
            total += TITLE_ALL_BOOST
        if many:
            total *= COORD ** len(concepts)
        return total

    @staticmethod
    def _matches_in_title(concept, candidate):
        return any(
            not alternative.word_only and all(candidate.holds_in("title", token) for token in alternative.match)
            for alternative in concept.alternatives
        )


__all__ = ["FIELDS", "FIELD_WEIGHTS", "Candidate", "FieldStats", "Scorer", "bm25", "encoded_length", "idf"]
