"""From a typed query to a query plan both engines run: concepts, each with weighted alternatives.

1. **Words.** The query is normalised (search/analysis.py) and cut into words: Latin words, kana runs, and Han runs
   cut by jieba's dictionary with the domain words (no HMM guessing); a run of single characters the dictionary
   does not know stays one word (文健站). Function words are dropped (我想找…的, where can I, の), so a question
   becomes its content words.
2. **Concepts.** Runs of whole words that spell a staff synonym (search/synonyms.py) or, for English, a CC-CEDICT
   gloss ("black tea", "hot spring") become one concept; every other word is a concept of its own.
3. **Alternatives** of a concept, each with a weight (`KIND_WEIGHTS`): the words as typed; the Japanese kanji
   folded to Traditional forms, and Simplified Chinese written in Traditional characters (search/lexicon.py); a
   spelling correction when the typed word is in no public document (Latin: closest indexed or dictionary word;
   Chinese: one character replaced by a homophone or a character that makes a known word, or two neighbours
   swapped); the synonyms of the concept (and of its correction); for English, CC-CEDICT's Chinese words that
   public documents hold. Single Chinese characters that come from an expansion (竹 for "bamboo") are matched as
   whole words only, never inside 竹山 or 新竹.
4. **Matching** (the same in both engines): a document matches an alternative when it holds all the
   alternative's bigrams (or its one character or Latin word) in any of its fields, or, for a single character
   from an expansion, holds it as a word. A document matches a concept through any alternative, and matches
   the query when it matches at least `minimum_match` = ⌈n/2⌉ of the n concepts (one of two, two of three or
   four…). Scoring: search/ranking.py.
"""

import math
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache

from search import lexicon, romanization, vocabulary
from search.analysis import _HAN, STOP_WORDS, _segmenter, domain_words, normalise, units
from search.spelling import MIN_LENGTH, edit_distance, max_edits
from search.synonyms import NARROWER, SYNONYM, key_text, synonym_index, synonym_serial, term_key

TYPED, VARIANT, SPELLING, DICTIONARY, INFLECTION = "typed", "variant", "spelling", "dictionary", "inflection"
TRADITIONAL = "traditional"  # Simplified Chinese written in Traditional characters
ROMANIZATION = "romanization"  # a place name in another romanization, or in Chinese (search/romanization.py)
KATAKANA = "katakana"  # a word typed in hiragana written in katakana (ここあ → ココア)
KIND_WEIGHTS = {
    TYPED: 1.0,
    VARIANT: 1.0,
    KATAKANA: 1.0,
    TRADITIONAL: 1.0,
    ROMANIZATION: 1.0,
    INFLECTION: 0.9,
    SPELLING: 0.9,
    SYNONYM: 0.9,
    NARROWER: 0.7,
    DICTIONARY: 0.7,
}
MAX_CONCEPTS = 8
MAX_ALTERNATIVES = 16
MAX_DICTIONARY_WORDS = 4
MAX_SPAN = 6  # words in a synonym or dictionary phrase
FUZZY_CHUNK = (2, 6)  # lengths of a Chinese run worth correcting as a whole


# A hiragana run keeps the long-vowel mark ー that input methods write in it (らーめん, おーがにっく); the mark is in
# the katakana block, and a katakana run takes it first when it follows katakana.
_PIECE = re.compile(rf"[{_HAN}]+|[\u3041-\u309f\u30fc]+|[\u30a0-\u30ff]+|[^\W_{_HAN}\u3041-\u30ff]+(?:[.'’][^\W_]+)*")
_HAN_CHAR = re.compile(rf"[{_HAN}]")
_HIRAGANA_RUN = re.compile(r"^[\u3041-\u309f\u30fc]+$")
_HIRAGANA_RUN_ANYWHERE = re.compile(r"[\u3041-\u309f\u30fc]+")
HONORIFICS = ("お", "ご")  # prefixes of the word after them (お茶, ご飯): stop words only there
_LATIN_WORD = re.compile(r"^[a-z]+$")
# ぁ..ゖ and the iteration marks ゝゞ have katakana forms 0x60 above them; ゟ and the combining marks do not.
_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in [*range(0x3041, 0x3097), 0x309D, 0x309E]}


@dataclass(frozen=True)
class Alternative:
    text: str  # normalised text searched
    kind: str  # TYPED, VARIANT, TRADITIONAL, SPELLING, SYNONYM, NARROWER, DICTIONARY
    weight: float
    match: tuple  # tokens a document must hold, all of them, in any field (bigram/unigram tokens)
    scored: tuple  # tokens scored per field (BM25)
    word: str  # the text as one word token ("" for a phrase of several Latin words)
    word_only: bool  # matched as a word token only (a single Chinese character from an expansion)

    @property
    def key(self):
        return (self.text, self.word_only)


@dataclass
class Concept:
    typed: str  # the query's word(s), normalised
    alternatives: list = field(default_factory=list)


@dataclass
class QueryPlan:
    text: str
    concepts: list
    joins: tuple  # phrase tokens: the bigram where two typed words meet ("東可" in 屏東可可)
    minimum_match: int
    corrected: str = ""  # the query with its corrections, when a typed word was replaced by its correction

    @property
    def highlight_terms(self):
        """Texts to mark in results: typed words and every alternative of two characters or more."""
        terms = []
        for concept in self.concepts:
            for alternative in concept.alternatives:
                text = alternative.text
                if (len(text) >= 2 or alternative.kind == TYPED) and text not in terms:
                    terms.append(text)
        return tuple(terms)

    def expansion(self, concept_index, alternative_index):
        """{"from", "to", "kind"} of an alternative that is not the typed word (what the results page says)."""
        concept = self.concepts[concept_index]
        alternative = concept.alternatives[alternative_index]
        return {"from": concept.typed, "to": alternative.text, "kind": alternative.kind}


def is_han(text):
    return bool(text) and all(_HAN_CHAR.match(char) for char in text)


def _bigrams(run):
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def alternative(text, kind, weight=None):
    """The Alternative for a text: its match and scored tokens, as the indexes hold them."""
    text = normalise(text)
    pieces = units(text)
    match, scored = [], []
    han_run = ""
    previous_latin = None
    for unit in [*pieces, None]:
        if unit is not None and _HAN_CHAR.match(unit):
            han_run += unit
            previous_latin = None
            continue
        if han_run:
            grams = _bigrams(han_run)
            match.extend(grams)
            scored.extend(grams)
            han_run = ""
        if unit is None:
            break
        match.append(unit)
        scored.append(unit)
        if previous_latin is not None:
            scored.append(previous_latin + unit)  # the shingle of two neighbouring words: a phrase match scores
        previous_latin = unit
    word = "".join(pieces) if (len(pieces) == 1 or is_han("".join(pieces))) else ""
    word_only = kind != TYPED and len(text) == 1 and is_han(text)
    return Alternative(
        text=" ".join(text.split()),
        kind=kind,
        weight=KIND_WEIGHTS[kind] if weight is None else weight,
        match=tuple(dict.fromkeys(match)),
        scored=tuple(dict.fromkeys(scored)),
        word=word if not word_only else text,
        word_only=word_only,
    )


# --- Words ------------------------------------------------------------------------------------------------------


def _cut(run):
    """jieba's dictionary cut (domain words included, no HMM): known words, unknown text as single characters."""
    return [word for word in _segmenter.tokenizer().cut(run, HMM=False) if word.strip()]


def _join_single_characters(words):
    """Runs of two or more single characters (after function words are dropped) become one word: text the
    dictionary does not know (文健站, 池山) is more likely a name or a term than unrelated characters."""
    out, run = [], ""
    for word in words:
        if len(word) == 1 and is_han(word):
            run += word
            continue
        if run:
            out.append(run)
            run = ""
        out.append(word)
    if run:
        out.append(run)
    return out


@dataclass
class _Word:
    text: str
    chunk: int
    corrected: str = ""  # a spelling correction of this word, found before it was cut


@lru_cache(maxsize=1)
def _stop_phrases():
    """Function words of two or more Han characters, longest first: the query is split on them before jieba cuts
    it (jieba's dictionary is mostly Simplified Chinese and cuts 哪裡 into 哪 and 裡)."""
    phrases = sorted((word for word in STOP_WORDS if len(word) >= 2 and is_han(word)), key=len, reverse=True)
    return re.compile("|".join(re.escape(phrase) for phrase in phrases))


def _content_words(run):
    """The content words of a Han run: function words dropped, what is between them cut by jieba, and runs of
    single characters between function words kept together."""
    out = []
    for part in _stop_phrases().split(run):
        if not part:
            continue
        group = []
        for word in _cut(part):
            if word in STOP_WORDS:
                out.extend(_join_single_characters(group))
                group = []
            else:
                group.append(word)
        out.extend(_join_single_characters(group))
    return out


def _words(text):
    """The query's words, with the chunk (white-space separated part) each came from."""
    words = []
    for chunk_index, chunk in enumerate(text.split()):
        for match in _PIECE.finditer(chunk):
            piece = match.group()
            if is_han(piece):
                correction = _han_correction(piece) if FUZZY_CHUNK[0] <= len(piece) <= FUZZY_CHUNK[1] else ""
                if correction:
                    words.append(_Word(piece, chunk_index, correction))
                    continue
                content = _as_typed(piece, lambda run: _content_words(run) or _join_single_characters(_cut(run)))
                words.extend(_Word(word, chunk_index) for word in content)
            elif _HIRAGANA_RUN.match(piece):
                after_word = match.start() > 0
                before_han = bool(_HAN_CHAR.match(chunk, match.end()))
                words.extend(_Word(word, chunk_index) for word in _hiragana_words(piece, after_word, before_han))
            else:
                words.append(_Word(piece, chunk_index))
    return words


def _as_typed(run, cut):
    """`cut(run)`, made on the run's Traditional form when it is typed in Simplified characters (the domain words and
    function words are Traditional: 台东县池上乡 is cut as 臺東縣池上鄉 is), and given back as typed. The folding
    keeps every character in its place, so each word is the typed text at the same place."""
    traditional = lexicon.fold_simplified(run)
    if traditional == run:
        return cut(run)
    out, position = [], 0
    for word in cut(traditional):
        start = traditional.find(word, position)
        if start < 0:  # never: the cut words are pieces of the run, in order
            return cut(run)
        out.append(run[start : start + len(word)])
        position = start + len(word)
    return out


def _katakana(word):
    """A word typed all in hiragana, written in katakana (ここあ → ココア, てぃらぴあ → ティラピア); any other word as
    it is. Japanese writes loanwords, and many plant and animal names, in katakana, and an input method shows a word in
    hiragana until it is converted: the documents hold the katakana form (one token per katakana run), which the
    hiragana form, one token per character, never matched."""
    if not _HIRAGANA_RUN.match(word):
        return word
    return word.translate(_HIRAGANA_TO_KATAKANA)


def hiragana_written_in_katakana(text):
    """The text with each hiragana run written in katakana, as a concept typed in hiragana is searched (`_katakana`)."""
    return _HIRAGANA_RUN_ANYWHERE.sub(lambda run: _katakana(run.group()), text)


def completion_forms(prefix):
    """The other texts autocomplete completes for a typed prefix, in order, as the search reads the same words: its
    Traditional form (typed in Simplified characters), its katakana form (typed in hiragana), and, when the prefix in
    one of these forms is a whole synonym term, the other terms of that synonym (ここあ → ココア → 可可: the search
    found the cocoa projects, the suggestions under the box listed nothing). The prefix itself is not in the list."""
    text = " ".join(normalise(prefix).split())
    written = list(dict.fromkeys([text, lexicon.fold_simplified(text), hiragana_written_in_katakana(text)]))
    forms = list(written)
    index = synonym_index()
    for form in written:
        forms.extend(expansion.text for expansion in index.lookup(units(form)) if expansion.kind == SYNONYM)
    return [form for form in dict.fromkeys(forms) if form and form != text]


def _hiragana_words(run, after_word=False, before_han=False):
    """A hiragana run without the particles and auxiliaries at its edges (のお → nothing, のみかんを → みかん,
    はどこで → nothing), or as typed when public documents hold it so or it is a synonym term. Only the edges: a
    hiragana word holds the same characters (に in にんじん, は in はちみつ, か in みかん), and cutting at every
    particle left んじん, ちみつ and み + ん. A particle starts a run only after a word (`after_word`: 台湾のみかん),
    never at the start of a query or of a part between spaces; the honorifics お and ご are dropped only at the very
    end of a run that a Han word follows (`before_han`: the word they honour, のお茶), never at its start (おちゃ) and
    never where no word follows: いちご, りんご and たまご end in ご and かかお in お, and they lost them (いち, りん,
    たま; かかお lost everything and the page listed every document)."""
    stops = sorted((word for word in STOP_WORDS if _HIRAGANA_RUN.match(word)), key=len, reverse=True)
    particles = [word for word in stops if word not in HONORIFICS]
    leading = particles if after_word else []
    forms, changed, end_intact = [run], True, True
    while changed and forms[-1] not in stops:
        changed, word = False, forms[-1]
        for stop in leading:
            if word.startswith(stop) and len(word) > len(stop):
                word, changed = word[len(stop) :], True
                break
        for stop in stops if before_han and end_intact else particles:
            if word.endswith(stop) and len(word) > len(stop):
                word, changed, end_intact = word[: -len(stop)], True, False
                break
        if changed:
            forms.append(word)
    if forms[-1] in stops:
        return []
    for form in forms[:-1]:  # the longest form documents hold: a word that only seems to end in a particle (さつまいも)
        if term_key(form) in synonym_index() or set(_bigrams(form)) <= vocabulary.present_bigrams(_bigrams(form)):
            return [form]
    return [forms[-1]]


# --- Spelling ---------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _curated_words():
    """Domain words and township names (search/data/domain_words.txt + places data)."""
    return frozenset(domain_words())


@lru_cache(maxsize=1)
def _curated_patterns():
    """{word with one character replaced by "?": [words]} for the curated words: one wrong character, anywhere."""
    patterns = {}
    for word in _curated_words():
        if 2 <= len(word) <= 8 and is_han(word):
            for i in range(len(word)):
                patterns.setdefault(word[:i] + "?" + word[i + 1 :], []).append(word)
    return patterns


def _synonym_words():
    return synonym_index().han_words


def _known_han(word, synonym_words):
    return (
        word in _curated_words()
        or word in synonym_words
        or lexicon.is_dictionary_word(word)
        or bool(vocabulary.present_words([word]))
    )


def _sound_distance(first, second):
    """How far apart two characters sound: the smallest edit distance between their readings without tones (0 for
    homophones; 山 shan and 上 shang are 1 apart, the ㄢ/ㄤ slip of 注音 typing)."""
    readings_a, readings_b = lexicon.readings(first), lexicon.readings(second)
    if not readings_a or not readings_b:
        return 9
    return min(edit_distance(a, b) for a in readings_a for b in readings_b)


def _han_correction(word):
    """A Chinese word one typo away from a known word, when `word` itself is in no public document and in no
    dictionary: one character replaced by a homophone (注音 typing: 在 for 再) or by any character that makes a
    curated word (池山 → 池上), or two neighbours swapped. Preferred: a candidate public documents hold, then the
    one whose changed character sounds closest to the typed one (a swap counts 1), then the first in order.
    "" when there is none."""
    synonym_words = _synonym_words()
    traditional = lexicon.fold_simplified(word)
    if _known_han(word, synonym_words) or (traditional != word and _known_han(traditional, synonym_words)):
        return ""  # a word typed in Simplified characters is no typo: its Traditional form is an alternative
    candidates = {}  # candidate -> how far it sounds from the typed word
    for i in range(len(word) - 1):
        candidates.setdefault(word[:i] + word[i + 1] + word[i] + word[i + 2 :], 1)
    for i, char in enumerate(word):
        for other in lexicon.homophones(char):
            candidates.setdefault(word[:i] + other + word[i + 1 :], 0)
        for other in _curated_patterns().get(word[:i] + "?" + word[i + 1 :], ()):
            candidates.setdefault(other, _sound_distance(char, other[i]))
    known = [
        candidate
        for candidate in candidates
        if candidate != word
        and (candidate in _curated_words() or candidate in synonym_words or lexicon.is_dictionary_word(candidate))
    ]
    if not known:
        return ""
    indexed = vocabulary.present_words(known)
    return min(known, key=lambda c: (c not in indexed, candidates[c], known.index(c)))


def _latin_correction(word):
    """The closest indexed Latin word (or synonym term) to a Latin word of 4+ letters that no public document
    holds: Damerau-Levenshtein, 1 edit up to 5 letters and 2 from 6, same first letter; indexed words first, then
    the word more documents hold, then alphabetical. "" when there is none."""
    if len(word) < MIN_LENGTH or not _LATIN_WORD.match(word) or vocabulary.present_words([word]):
        return ""
    if (word,) in synonym_index() or lexicon.english_to_chinese(word):
        return ""  # a word the synonyms or the dictionary know is no typo
    edits = max_edits(word)
    candidates = {}
    for token, documents in vocabulary.latin_words_near(word, edits).items():
        distance = edit_distance(word, token)
        if distance <= edits:
            candidates[token] = (distance, 0, -documents, token)
    if not candidates:
        for key in synonym_index().by_key:
            for token in key:
                if token[0] == word[0] and _LATIN_WORD.match(token) and abs(len(token) - len(word)) <= edits:
                    distance = edit_distance(word, token)
                    if distance <= edits:
                        candidates.setdefault(token, (distance, 1, 0, token))
    if not candidates:
        return ""
    return min(candidates, key=candidates.get)


# --- Concepts ---------------------------------------------------------------------------------------------------


def _expansions(text):
    """[(text, kind)] a concept's text expands to: synonyms of it (and of its Japanese and Simplified foldings),
    then, for English words, CC-CEDICT's Chinese words that public documents hold."""
    index = synonym_index()
    out = []
    sources = [text, lexicon.fold_japanese(text), lexicon.fold_simplified(text), _katakana(text)]
    for source in dict.fromkeys(sources):
        for expansion in index.lookup(units(source)):
            out.append((expansion.text, expansion.kind))
    if text.isascii() and any(char.isalpha() for char in text):
        words = lexicon.english_to_chinese(text)
        present = set(vocabulary.present_words(words))
        multi = [word for word in words if len(word) > 1 and word not in present]
        present |= {word for word in multi if set(_bigrams(word)) <= vocabulary.present_bigrams(_bigrams(word))}
        out.extend((word, DICTIONARY) for word in [w for w in words if w in present][:MAX_DICTIONARY_WORDS])
    return out


def english_stem(word):
    """A light English stem of a lower-case word (plural -s/-es/-ies, -ing, -ed): "farms" and "farming" → "farm",
    "berries" → "berry". Words of four letters or fewer, and words not ending so, are their own stem."""
    if len(word) <= 4 or not _LATIN_WORD.match(word):
        return word
    if word.endswith("ies") and len(word) > 5:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    for ending in ("ing", "ed"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            if len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                stem = stem[:-1]  # "shopping" → "shop"
            return stem
    return word


def english_forms(word):
    """The forms of an English word's stem worth looking for: the stem, its plural, -ing and -ed forms (and the
    stem with a silent e: "making" → "make"). The word itself is not in the list."""
    if not _LATIN_WORD.match(word) or len(word) < 3:
        return []
    stem = english_stem(word)
    forms = [stem, stem + "s", stem + "es", stem + "ing", stem + "ed"]
    if word.endswith(("ing", "ed")):
        forms.append(stem + "e")  # the silent e an ending took away; a bare word gets none ("coffe" is a typo)
    if stem.endswith("y"):
        forms.append(stem[:-1] + "ies")
    if stem.endswith("e"):
        forms += [stem[:-1] + "ing", stem + "d"]
    if len(stem) >= 3 and stem[-1] not in "aeiouwxy" and stem[-2] in "aeiou" and stem[-3] not in "aeiou":
        forms += [stem + stem[-1] + "ing", stem + stem[-1] + "ed"]  # shop → shopping
    return [form for form in dict.fromkeys(forms) if form != word and len(form) >= 3]


def _inflections(typed):
    """English forms of a typed Latin word that public documents hold (the index keeps words as written, so
    "farms" finds "farm" and "farming" through these alternatives, in both engines)."""
    if not _LATIN_WORD.match(typed) or typed in STOP_WORDS:
        return []  # function words have no forms ("and" is not a form of the place name "Anding")
    forms = english_forms(typed)
    if not forms:
        return []
    present = set(vocabulary.present_words(forms))
    return [form for form in forms if form in present]


def _concept(typed, correction="", place=None):
    concept = Concept(typed=typed)
    seen = set()

    def add(text, kind):
        item = alternative(text, kind)
        if item.match and item.key not in seen and len(concept.alternatives) < MAX_ALTERNATIVES:
            seen.add(item.key)
            concept.alternatives.append(item)

    add(typed, TYPED)
    if place is not None:
        for name in (*place.english, *place.chinese):
            add(name, ROMANIZATION)
    folded = lexicon.fold_japanese(typed)
    if folded != typed:
        add(folded, VARIANT)
    traditional = lexicon.fold_simplified(typed)
    if traditional not in (typed, folded):
        add(traditional, TRADITIONAL)
    katakana = _katakana(typed)
    if katakana != typed:
        add(katakana, KATAKANA)
    for form in _inflections(typed):
        add(form, INFLECTION)
    if correction:
        add(correction, SPELLING)
    for source in [correction] if correction else [typed]:
        for text, kind in _expansions(source):
            add(text, kind)
    if correction:
        for text, kind in _expansions(typed):
            add(text, kind)
    return concept


def _phrase_at(words, start):
    """(end, key text) of the longest run of words from `start` that spells a synonym term or, for English, a
    CC-CEDICT gloss; None when no run of two words or more does."""
    index = synonym_index()
    for end in range(min(len(words), start + MAX_SPAN), start + 1, -1):
        key = []
        for word in words[start:end]:
            key.extend(units(word.text))
        written = "".join(key)
        if tuple(key) in index or any(
            tuple(units(fold(written))) in index for fold in (lexicon.fold_japanese, lexicon.fold_simplified)
        ):
            return end, key_text(key)
        span = [word.text for word in words[start:end]]
        if (
            all(_LATIN_WORD.match(text) for text in span)
            and span[0] not in STOP_WORDS
            and span[-1] not in STOP_WORDS
            and lexicon.english_to_chinese(" ".join(span))
        ):
            return end, " ".join(span)
    return None


def _place_at(words, start):
    """(end, typed text, romanization.Place) of a place name spelt by the Latin words from `start` (Chih-shang,
    T'ai-tung, Gaoxiong, Chishang Township); None when they spell none, or when the name is one word public
    documents already hold as typed (Chishang), or an English word."""
    texts = [word.text for word in words[start : start + romanization.MAX_WORDS + 1]]
    found = romanization.place_at(texts)
    if found is None:
        return None
    length, place = found
    if length == 1 and (vocabulary.present_words([texts[0]]) or lexicon.english_to_chinese(texts[0])):
        return None
    return start + length, " ".join(texts[:length]), place


PLAN_CACHE_SECONDS = 60.0
_plans = {}  # (text, synonym index, vocabulary generation) -> (plan, when)


def plan_query(q):
    """The QueryPlan of a typed query (see the module docstring). Plans are remembered for a minute per process,
    as long as the synonyms and what this process knows of the index are unchanged (search/vocabulary.py). A plan
    is never changed once made (callers derive others with dataclasses.replace)."""
    text = " ".join(normalise(q).split())
    key = (text, synonym_serial(), vocabulary.generation())
    now = time.monotonic()
    found = _plans.get(key)
    if found is not None and now - found[1] < PLAN_CACHE_SECONDS:
        return found[0]
    plan = _plan(text)
    if len(_plans) > 2_000:
        _plans.clear()
    _plans[key] = (plan, now)
    return plan


def _plan(text):
    words = _words(text)
    concepts, corrected_words, changed = [], [], False
    position = 0
    while position < len(words) and len(concepts) < MAX_CONCEPTS:
        word = words[position]
        phrase = None if word.corrected else _phrase_at(words, position)
        if phrase:
            end, typed = phrase
            concepts.append(_concept(typed))
            corrected_words.append(typed)
            position = end
            continue
        place = None if word.corrected else _place_at(words, position)
        if place:
            end, typed, found = place
            concepts.append(_concept(typed, place=found))
            corrected_words.append(typed)
            position = end
            continue
        position += 1
        if word.text in STOP_WORDS and any(other.text not in STOP_WORDS for other in words):
            continue
        correction = word.corrected or (_latin_correction(word.text) if word.text.isascii() else "")
        if correction and (correction in english_forms(word.text) or _inflections(word.text)):
            # Another form of the same word is no typo, nor a word whose other forms documents hold ("adopting"
            # when they hold "adopt", not a spelling of "adoption"): the inflection alternatives find them.
            correction = ""
        if not correction and is_han(word.text) and len(word.text) >= 2:
            correction = _han_correction(word.text)
        concept = _concept(word.text, correction)
        if correction and _replaces(concept):
            changed = True
        concepts.append(concept)
        corrected_words.append(correction or word.text)
    joins = []
    for first, second in zip(concepts, concepts[1:], strict=False):
        left, right = units(first.typed), units(second.typed)
        if left and right and is_han(left[-1]) == is_han(right[0]):
            joins.append(left[-1] + right[0])
    return QueryPlan(
        text=text,
        concepts=concepts,
        joins=tuple(dict.fromkeys(joins)),
        minimum_match=max(1, math.ceil(len(concepts) / 2)),
        corrected=" ".join(corrected_words) if changed else "",
    )


def _replaces(concept):
    """Whether the typed word of a corrected concept is in no public document (so the correction replaces it)."""
    typed = concept.alternatives[0]
    if typed.word and vocabulary.present_words([typed.word]):
        return False
    return not (set(typed.match) <= vocabulary.present_bigrams(typed.match))


__all__ = [
    "KIND_WEIGHTS",
    "Alternative",
    "Concept",
    "QueryPlan",
    "alternative",
    "completion_forms",
    "hiragana_written_in_katakana",
    "plan_query",
]
