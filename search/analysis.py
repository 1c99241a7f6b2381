"""The one Chinese/English text analysis both search engines use.

Every text goes through `normalise` (NFKC, so full-width letters and digits
become half-width; lower case; a small table of variant characters folded, so
台 and 臺 are the same letter), before either engine sees it, at indexing and at
query time. From the normalised text:

- `bigram_tokens(text)`: what Elasticsearch's `standard` tokenizer followed by a
  `shingle` filter (2-grams, empty separator, unigrams kept) produces. The
  Elasticsearch engine lets the node do this (analyser `hw_bigram` in
  search/es.py); the database engine stores the tokens this function makes. A
  contract test compares the two on real texts.
- `query_clauses(query)`: the query split on white space (highlights, baselines);
  the query side proper is search/planner.py, which cuts a query into words and
  concepts with these same units.
- `word_tokens(text)`: words from jieba (0.42.1, whose dictionary is mostly
  Simplified Chinese) extended with a domain word list: township and county
  names from places/data/townships.csv and search/data/domain_words.txt. They
  are stored as a keyword array and used for scoring, suggestions and
  autocomplete.
"""

import html
import re
import threading
import unicodedata
from functools import lru_cache
from math import log
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
DOMAIN_WORDS = DATA_DIR / "domain_words.txt"

# Variant characters folded before indexing and at query time. The left form is
# replaced by the right one, which is the form the Ministry of Education's
# standard (and the township data) uses. Keep this table small and obvious:
# folding a character that is a different word elsewhere would join unrelated texts.
VARIANTS = {
    "台": "臺",
    "着": "著",
    "裏": "裡",
    "峯": "峰",
    "綫": "線",
    "羣": "群",
    "衆": "眾",
    "爲": "為",
    "温": "溫",
    "鷄": "雞",
    "麪": "麵",
}
_VARIANT_TABLE = str.maketrans(VARIANTS)
_VARIANT_FOUND = re.compile(f"[{''.join(VARIANTS)}]")

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HIRAGANA = r"\u3041-\u309f"
_KATAKANA = r"\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"  # without the middle dot ・ (a separator)
# The units Elasticsearch's standard tokenizer makes from our texts: one token per Han character and per hiragana,
# one per run of katakana, one per run of letters and digits (with inner . ' kept as the Unicode word-break rules
# do for "3.5" or "don't").
_OTHER = rf"[^\W_{_HAN}{_HIRAGANA}{_KATAKANA}]"
_KATAKANA_RUN = re.compile(rf"[{_KATAKANA}]+")
_UNIT = re.compile(rf"[{_HAN}]|[{_HIRAGANA}]|[{_KATAKANA}]+|{_OTHER}+(?:[.'’]{_OTHER}+)*")
_WORD_OK = re.compile(rf"[{_HAN}]|[^\W_]")


# The full-width forms of ASCII and the ideographic space: NFKC makes each one ASCII character. Chinese and
# Japanese prose is full of them (，：（）！), so nearly every body text failed the NFKC check and went through the
# whole normalisation, which took a quarter of a rebuild's analysis. Replacing them alone first gives the same text
# (each becomes its own NFKC form, which composes with nothing before it), and what else needs NFKC still gets it.
_FULL_WIDTH = {chr(code): unicodedata.normalize("NFKC", chr(code)) for code in (*range(0xFF01, 0xFF5F), 0x3000)}
_FULL_WIDTH_FOUND = re.compile("[\uff01-\uff5e\u3000]")


def normalise(text):
    """NFKC, lower case and variant folding: the form both engines index and query."""
    if not text:
        return ""
    text = str(text)
    # The checks are much cheaper than the work they skip, and most texts need neither (indexing normalises
    # every text of every document).
    if not unicodedata.is_normalized("NFKC", text):
        for char in set(_FULL_WIDTH_FOUND.findall(text)):
            text = text.replace(char, _FULL_WIDTH[char])
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    return text.translate(_VARIANT_TABLE) if _VARIANT_FOUND.search(text) else text


def normalise_char(char):
    """The normalised form of one character (may be empty or longer for some compatibility characters)."""
    return normalise(char)


def units(text):
    """The standard tokenizer's tokens of a normalised text."""
    return _UNIT.findall(text)


def _shingles(tokens, with_unigrams):
    out = []
    for index, token in enumerate(tokens):
        if with_unigrams:
            out.append(token)
        if index + 1 < len(tokens):
            out.append(token + tokens[index + 1])
    return out


def bigram_tokens(text):
    """Index-side tokens of one text value (unigrams and bigrams), as the `hw_bigram` analyser makes them."""
    return _shingles(units(normalise(text)), with_unigrams=True)


def clause_bigrams(clause):
    """Query-side tokens of one clause: its bigrams, or its only unit when it has one (`hw_bigram_query`)."""
    tokens = units(normalise(clause))
    if len(tokens) <= 1:
        return tokens
    return _shingles(tokens, with_unigrams=False)


def query_clauses(query):
    """The normalised query split on white space, empty and duplicate clauses dropped."""
    return list(_query_clauses(query))


@lru_cache(maxsize=1024)
def _query_clauses(query):
    # Cached: a page of results highlights three texts per hit with the same query.
    seen = []
    for clause in normalise(query).split():
        if units(clause) and clause not in seen:
            seen.append(clause)
    return tuple(seen)


class _Segmenter:
    """jieba with the domain dictionary, loaded once per process (about two seconds)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._tokenizer = None

    def tokenizer(self):
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    self._tokenizer = self._load()
        return self._tokenizer

    def _load(self):
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for word in domain_words():
            tokenizer.add_word(word, freq=50_000)
        return tokenizer


_segmenter = _Segmenter()


@lru_cache(maxsize=1)
def domain_words():
    """Normalised domain words: the curated list plus every county and township name (with and without 鄉鎮市區縣)."""
    import csv

    words = set()
    for line in DOMAIN_WORDS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(normalise(line))
    from places.actions import TOWNSHIPS_CSV

    with TOWNSHIPS_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for name in (row["county_zh"], row["town_zh"]):
                name = normalise(name)
                words.add(name)
                if len(name) >= 3 and name[-1] in "鄉鎮市區縣":
                    words.add(name[:-1])
    return sorted(words)


def word_tokens(text):
    """Distinct normalised words of a text, in order of first appearance (jieba, search mode)."""
    normalised = normalise(text)
    if not normalised:
        return []
    return list(_words(normalised))


def normalised_words(normalised):
    """`word_tokens` of a text that is already normalised (a tuple)."""
    return _words(normalised) if normalised else ()


class _DictionaryCut:
    """jieba's `cut_for_search(text, HMM=False)`: the same words in the same order, about three times faster.

    Indexing spends most of its Python time in jieba (issue 7's bulk indexing aim). This is jieba 0.42.1's own
    algorithm (`Tokenizer.cut` → `get_DAG` + `calc` + `__cut_DAG_NO_HMM`, then the 2- and 3-grams of
    `cut_for_search`) with its slow parts taken out: the log probabilities are computed once per word instead of
    at every position of every text (the same float operations in the same order, so ties break the same way),
    the DAG and the best route are one pass, and each block (a run jieba cuts on its own) is cut and filtered once
    per process (`searchable_block`).
    `tests/search/test_analysis.py` compares it with jieba on the domain words, the townships and real texts.
    """

    def __init__(self, tokenizer):
        import jieba

        self.freq = tokenizer.FREQ
        logtotal = log(tokenizer.total)
        self.logp = {word: log(count) - logtotal for word, count in self.freq.items() if count}
        self.unknown = log(1) - logtotal  # jieba: `log(FREQ.get(char) or 1) - logtotal` for a char it does not know
        self.re_han = jieba.re_han_default
        self.re_skip = jieba.re_skip_default
        self.re_eng = jieba.re_eng
        # Each block's kept words once per process, at most a few MB: township names, sectors and stock phrases
        # repeat across documents.
        self.searchable_block = lru_cache(maxsize=20_000)(self._searchable_block)

    def cut_for_search(self, sentence):
        for block in self.re_han.split(sentence):
            if block:
                yield from self._block_words(block)

    def searchable_words(self, sentence):
        """The words of `cut_for_search` that an index keeps (`kept_words`), in the same order with repeats."""
        words = []
        for block in self.re_han.split(sentence):
            if block:
                words.extend(self.searchable_block(block))
        return words

    def _searchable_block(self, block):
        return kept_words(self._block_words(block))

    def _block_words(self, block):
        """The cut of one block, a run that jieba cuts on its own."""
        if self.re_han.match(block):
            return self._cut_block(block)
        words = []
        for piece in self.re_skip.split(block):
            if self.re_skip.match(piece):
                words.append(piece)
            else:
                words.extend(piece)
        return words

    def _route(self, sentence):
        freq, logp, unknown = self.freq, self.logp, self.unknown
        size = len(sentence)
        route = [None] * size + [(0, 0)]
        for start in range(size - 1, -1, -1):
            best = None
            end = start
            fragment = sentence[start]
            while end < size and fragment in freq:
                if freq[fragment]:
                    candidate = (logp[fragment] + route[end + 1][0], end)
                    if best is None or candidate > best:
                        best = candidate
                end += 1
                fragment = sentence[start : end + 1]
            if best is None:
                best = (unknown + route[start + 1][0], start)
            route[start] = best
        return route

    def _cut_block(self, block):
        freq = self.freq
        route = self._route(block)
        words = []
        position, size, buffer = 0, len(block), ""
        while position < size:
            end = route[position][1] + 1
            word = block[position:end]
            if len(word) == 1 and self.re_eng.match(word):
                buffer += word
            else:
                if buffer:
                    words.append(buffer)
                    buffer = ""
                words.append(word)
            position = end
        if buffer:
            words.append(buffer)
        out = []
        for word in words:
            if len(word) > 2:
                out.extend(word[i : i + 2] for i in range(len(word) - 1) if freq.get(word[i : i + 2]))
            if len(word) > 3:
                out.extend(word[i : i + 3] for i in range(len(word) - 2) if freq.get(word[i : i + 3]))
            out.append(word)
        return tuple(out)


def load_dictionaries():
    """Load what a search query is planned with now (jieba with the domain words, CC-CEDICT), not in the first
    search that needs them: a web process calls this as it starts (config.asgi_http)."""
    from search.lexicon import cedict

    _segmenter.tokenizer()
    cedict()


_dictionary_cut = None


def dictionary_cut():
    global _dictionary_cut
    if _dictionary_cut is None:
        tokenizer = _segmenter.tokenizer()
        with _segmenter._lock:
            if _dictionary_cut is None:
                _dictionary_cut = _DictionaryCut(tokenizer)
    return _dictionary_cut


@lru_cache(maxsize=50_000)
def _words(normalised, hmm=False):
    # Without jieba's HMM guesser: unknown runs fall back to single characters, which the bigram field covers;
    # the dictionary (with the domain words) decides the words. Twice as fast, and the same at every call.
    if hmm:
        words = kept_words(_segmenter.tokenizer().cut_for_search(normalised, HMM=True))
    else:
        words = dictionary_cut().searchable_words(normalised)
    return tuple(dict.fromkeys(words))


def kept_words(words):
    """The words of a cut an index keeps: stripped, with a letter, digit or Han character."""
    return tuple(word for word in (word.strip() for word in words) if word and _WORD_OK.search(word))


def highlight(text, query, max_length=None):
    """HTML-escaped text with every occurrence of a query clause wrapped in <mark> (see `highlight_terms`)."""
    return highlight_terms(text, _query_clauses(query) if query else (), max_length)


def highlight_terms(text, terms, max_length=None):
    """HTML-escaped text with every occurrence of one of the (normalised) terms wrapped in <mark>.

    Matching is done on the normalised form of each character, so 台東 marks 臺東 and
    ＡＢＣ marks abc; the original characters are shown. Returns a str that is safe to
    insert into HTML as is (callers mark it safe).
    """
    text = text or ""
    if max_length and len(text) > max_length:
        text = text[: max_length - 1] + "…"
    clauses = tuple(terms)
    if not clauses or not text:
        return html.escape(text)
    # Each character's normalised form (cached: a page of hits repeats the same few hundred characters), and for
    # each position of the folded text the character it came from.
    pieces = [_folded_char(char) for char in text]
    folded_text = "".join(pieces)
    found = [clause for clause in clauses if clause in folded_text]
    if not found:
        return html.escape(text)
    owners = [position for position, piece in enumerate(pieces) for _ in piece]
    marked = [False] * len(text)
    for clause in found:
        start = folded_text.find(clause)
        while start != -1:
            for index in range(start, start + len(clause)):
                marked[owners[index]] = True
            start = folded_text.find(clause, start + 1)
    # Runs of marked and unmarked characters, each escaped as a whole (escaping works character by character).
    out = []
    run_start = 0
    for position in range(1, len(text) + 1):
        if position == len(text) or marked[position] != marked[run_start]:
            run = html.escape(text[run_start:position])
            out.append(f"<mark>{run}</mark>" if marked[run_start] else run)
            run_start = position
    return "".join(out)


@lru_cache(maxsize=10_000)
def _folded_char(char):
    return normalise_char(char)


SUGGEST_INPUT_LENGTH = 50
# Function words of questions: the planner drops them when a query has other words, autocomplete never completes them.
STOP_WORDS = frozenset(
    word
    for line in (DATA_DIR / "stop_words.txt").read_text(encoding="utf-8").splitlines()
    if not line.startswith("#")
    for word in line.split()
)


def suggest_inputs(title, title_en="", title_ja=""):
    """{input: weight} for autocomplete: the whole titles (original, English, Japanese), and each word of each title,
    so a reader completes "coc" to "Pingtung Cocoa Cooperative" on whichever page they read."""
    inputs = {}
    titles = [(normalise(text) if text else "", weight) for text, weight in ((title, 3), (title_en, 2), (title_ja, 2))]
    for normalised, weight in titles:
        whole = " ".join(normalised.split())[:SUGGEST_INPUT_LENGTH]
        if whole:
            inputs[whole] = max(inputs.get(whole, 0), weight)
    for normalised, _weight in titles:
        # jieba cuts Han and Latin words; a katakana run (ハーブ, カカオ) is a word of its own
        words = [*normalised_words(normalised), *_KATAKANA_RUN.findall(normalised)]
        for word in words:
            if len(word) >= 2 and word not in inputs and word not in STOP_WORDS:
                inputs[word[:SUGGEST_INPUT_LENGTH]] = 1
    return inputs
