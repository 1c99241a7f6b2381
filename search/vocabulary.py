"""What the index holds, for the query side: which words and bigrams live public documents contain.

Both engines read it from the database engine's token table, which every index change reaches whatever engine
answers (search/engines.py `index_engines`) and which holds live documents only (a deleted document's rows go
with it; Elasticsearch's own term statistics count deleted documents until segments merge). So spelling
corrections, dictionary expansions and "did you mean" are computed once, the same way, for either engine.

Lookups are `EXISTS` probes on the (kind, token) index, one per token, remembered for a minute in this process
(a query repeats the same few words; a word's presence changes rarely).
"""

import time

from django.db.models import Count
from django.db.models.functions import Length

from search.models import SearchToken

REMEMBER_SECONDS = 60.0
_MAX_REMEMBERED = 50_000
_remembered = {}  # (kind, token) -> (present, when)
_generation = [0]  # bumped when this process forgets (after its own index changes)


def generation():
    return _generation[0]


def _present(kind, tokens):
    now = time.monotonic()
    out = set()
    for token in dict.fromkeys(tokens):
        key = (kind, token)
        seen = _remembered.get(key)
        if seen is None or now - seen[1] > REMEMBER_SECONDS:
            present = SearchToken.objects.filter(kind=kind, token=token, entry__is_public=True).exists()
            if len(_remembered) >= _MAX_REMEMBERED:
                _remembered.clear()
            _remembered[key] = (present, now)
        else:
            present = seen[0]
        if present:
            out.add(token)
    return out


def present_words(words):
    """The words (jieba's words of documents, Latin words included) that some public document holds."""
    return _present(SearchToken.WORD, words)


def present_bigrams(tokens):
    """The unigrams and bigrams that some public document holds (in any field)."""
    return _present(SearchToken.BIGRAM, tokens)


def forget():
    """Forget what was remembered (after this process changed the index; tests)."""
    _remembered.clear()
    _generation[0] += 1


def latin_words_near(word, edits):
    """{word: documents holding it} for the indexed Latin words with the same first letter and a length within
    `edits` of `word` (the candidates of a spelling correction)."""
    rows = (
        SearchToken.objects.filter(kind=SearchToken.WORD, token__startswith=word[0], entry__is_public=True)
        .annotate(length=Length("token"))
        .filter(length__gte=len(word) - edits, length__lte=len(word) + edits)
        .values("token")
        .annotate(documents=Count("entry_id"))
        .values_list("token", "documents")
    )
    return {token: documents for token, documents in rows if token.isascii() and token.isalpha()}
