"""Spelling tolerance, the same for both engines.

1. Latin-script words are corrected before either engine sees the query (`corrected_query`): a word of the
   query that is not in the index vocabulary ("tilapa", "cacoa", "kouhou") is replaced by the closest word that
   is, within a small edit distance (Damerau-Levenshtein: an insertion, deletion, substitution or swap of two
   neighbours costs 1; at most 1 edit for words of 4-5 letters, 2 from 6 letters; words under 4 letters are
   left alone, too many short words are one edit apart). Ties go to the word more documents hold, then to
   the alphabetically first one. The vocabulary is the database engine's token table, which every index
   change reaches whichever engine answers (search/engines.py `index_engines`), so both engines correct a
   query the same way and return the same hits. A word that is in the vocabulary is never changed, and a word
   that is not can match nothing as typed, so a correction never loses a hit.

   Why here and not with Elasticsearch's `fuzziness`: a fuzzy `match` on the bigram field would also blur
   Chinese bigrams (one character of two), it has no equivalent in the database engine that gives the same
   hits, and it scores corrected and exact hits differently in the two engines. One correction in Python is
   the same rule as the rest of our analysis (search/analysis.py).

2. Chinese has no letters to edit; a misspelt Chinese word ("池山" for 池上) gets the "did you mean"
   suggestion of each engine (a term suggester or its SQL mirror). When that finds nothing, `looser_queries`
   proposes the query with fewer words (a clause dropped, or one clause cut into its words) and the engine
   suggests the first that has hits, so a query without results always suggests something to try when
   anything related exists.
"""

import re

from search.analysis import query_clauses, suggestion_words, units

MIN_LENGTH = 4
_LATIN_WORD = re.compile(r"[a-z]+")


def max_edits(word):
    return 1 if len(word) < 6 else 2


def edit_distance(first, second):
    """Damerau-Levenshtein distance (optimal string alignment): insert, delete, substitute, swap neighbours."""
    rows = [list(range(len(second) + 1))]
    for i, a in enumerate(first, 1):
        row = [i]
        for j, b in enumerate(second, 1):
            cost = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a != b))
            if i > 1 and j > 1 and a == second[j - 2] and first[i - 2] == b:
                cost = min(cost, rows[-2][j - 2] + 1)
            row.append(cost)
        rows.append(row)
    return rows[-1][-1]


def _is_correctable(unit):
    return len(unit) >= MIN_LENGTH and unit.isascii() and unit.isalpha()


def in_vocabulary(word):
    from search.models import SearchToken

    return SearchToken.objects.filter(kind=SearchToken.BIGRAM, token=word).exists()


def closest_word(word):
    """The indexed word closest to `word` within `max_edits`, or "" when there is none."""
    from django.db.models import Count
    from django.db.models.functions import Length

    from search.models import SearchToken

    edits = max_edits(word)
    candidates = (
        SearchToken.objects.filter(kind=SearchToken.WORD, token__startswith=word[0])
        .annotate(length=Length("token"))
        .filter(length__gte=len(word) - edits, length__lte=len(word) + edits)
        .values_list("token", flat=True)
        .distinct()
    )
    scored = {}
    for token in candidates:
        if not (token.isascii() and token.isalpha()):
            continue
        distance = edit_distance(word, token)
        if distance <= edits:
            scored[token] = distance
    if not scored:
        return ""
    best = min(scored.values())
    tied = sorted(token for token, distance in scored.items() if distance == best)
    if len(tied) == 1:
        return tied[0]
    frequency = dict(
        SearchToken.objects.filter(kind=SearchToken.WORD, token__in=tied)
        .values("token")
        .annotate(n=Count("entry_id"))
        .values_list("token", "n")
    )
    return min(tied, key=lambda token: (-frequency.get(token, 0), token))


def corrected_query(q):
    """The normalised query with its unknown Latin words corrected; "" when nothing was corrected."""
    clauses = query_clauses(q)
    corrections = {}
    for clause in clauses:
        for unit in units(clause):
            if unit in corrections or not _is_correctable(unit):
                continue
            if not in_vocabulary(unit):
                corrections[unit] = closest_word(unit)
    corrections = {word: better for word, better in corrections.items() if better}
    if not corrections:
        return ""

    def fix(clause):
        whole_units = set(units(clause))
        return _LATIN_WORD.sub(
            lambda match: (
                corrections.get(match.group(), match.group()) if match.group() in whole_units else match.group()
            ),
            clause,
        )

    return " ".join(fix(clause) for clause in clauses)


def search_with_correction(answer, query):
    """`answer(query)` (an engine's search) for the query as corrected; the result keeps the query as typed and
    says what was searched instead in `result.corrected_q`."""
    from dataclasses import replace

    corrected = corrected_query(query.q) if query.q else ""
    if not corrected:
        return answer(query)
    result = answer(replace(query, q=corrected))
    result.query = query
    result.corrected_q = corrected
    return result


def looser_queries(q):
    """Queries to suggest when a query finds nothing, loosest last: each clause dropped in turn (longest query
    first), then a single clause cut into its words, then each of those words alone."""
    clauses = query_clauses(q)
    out = []
    if len(clauses) > 1:
        for index in range(len(clauses)):
            out.append(" ".join(clauses[:index] + clauses[index + 1 :]))
        out.extend(clauses)
    else:
        words = [word for word in suggestion_words(q) if len(word) >= 2]
        if len(words) > 1:
            out.append(" ".join(words))
            out.extend(words)
    normalised = " ".join(clauses)
    seen = []
    for candidate in out:
        if candidate and candidate != normalised and candidate not in seen:
            seen.append(candidate)
    return seen


def looser_suggestion(q, has_hits):
    """The first of `looser_queries(q)` for which `has_hits(q)` is true, or ""."""
    for candidate in looser_queries(q):
        if has_hits(candidate):
            return candidate
    return ""


__all__ = ["corrected_query", "edit_distance", "looser_suggestion", "search_with_correction"]
