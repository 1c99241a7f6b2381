"""Place names written in any of Taiwan's romanizations: 池上 as Chishang, Chihshang, Chih-shang or Ch'ih-shang.

Taiwan's place names reach English texts in several systems: Hanyu pinyin (the township data's English names, since
2009, with older forms kept for some: Taitung, Hualien, Kaohsiung), Wade-Giles (T'ai-tung, Mei-nung, I-lan), Tongyong
pinyin (Jhushan, Sinjhu), with or without hyphens, apostrophes, tone marks or tone numbers. The township data holds
one English name per county and township (places/data/townships.csv); documents hold those names (search/content.py:
`place_english`) and the Chinese ones.

`place_at(texts)` reads the query's Latin words from the start of `texts` and, when one to four of them spell a
county's or township's name in one of the systems (compared without case, hyphens, apostrophes, tones or
diacritics: its "key"), gives the place's English name as the township data writes it and its Chinese name, which
the planner adds as alternatives; a following "Township", "County", "Xiang", "Zhen", "Hsiang"… is part of the name.
Keys are made from the Chinese names' readings (CC-CEDICT, search/lexicon.py) in each system, plus the data's own
English names. Nothing here touches the index.
"""

import csv
import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from search import lexicon
from search.analysis import normalise

MAX_WORDS = 4  # Latin words one name may be typed in ("t'ai ma li")
MAX_READINGS = 16  # reading combinations of one name (polyphonic characters)
# What may follow a place name as part of it: the administrative level in English, Hanyu, Wade-Giles or Tongyong.
SUFFIXES = frozenset(
    ("township", "county", "city", "district", "village", "town")  # English
    + ("xiang", "zhen", "shi", "xian", "qu")  # Hanyu pinyin
    + ("hsiang", "chen", "shih", "hsien", "chu")  # Wade-Giles
    + ("siang", "jhen", "cyu")  # Tongyong
)
_ZH_LEVEL = "縣市鄉鎮區"
_EN_LEVEL = re.compile(r"\s+(county|city|township|district)$", re.IGNORECASE)


def key(text):
    """The form names are compared in: letters only, without case, diacritics (ü, tone marks) or tone numbers."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if "a" <= char <= "z")


# --- Pinyin to the other systems (toneless syllables, as CC-CEDICT's readings are: "lv" for lü) -------------------

_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r", "z", "c", "s")
_WG_WHOLE = {"zhi": "chih", "chi": "chih", "shi": "shih", "ri": "jih", "zi": "tzu", "ci": "tzu", "si": "ssu",
             "er": "erh", "e": "o", "ye": "yeh", "yi": "i", "you": "yu", "yan": "yen", "yue": "yueh", "yong": "yung",
             "lve": "lueh", "nve": "nueh"}  # fmt: skip
_WG_INITIALS = {"b": "p", "d": "t", "g": "k", "zh": "ch", "r": "j", "z": "ts", "c": "ts", "j": "ch", "q": "ch",
                "x": "hs"}  # fmt: skip
_TY_WHOLE = {"zhi": "jhih", "chi": "chih", "shi": "shih", "ri": "rih", "zi": "zih", "ci": "cih", "si": "sih",
             "feng": "fong", "weng": "wong", "wen": "wun"}  # fmt: skip
_TY_INITIALS = {"zh": "jh", "q": "c", "x": "s"}


def _split(syllable):
    for initial in _INITIALS:
        if syllable.startswith(initial) and len(syllable) > len(initial):
            return initial, syllable[len(initial) :]
    return "", syllable


def wade_giles(syllable):
    """A toneless pinyin syllable in Wade-Giles, without apostrophes or umlauts (dong → tung, xin → hsin)."""
    if syllable in _WG_WHOLE:
        return _WG_WHOLE[syllable]
    initial, final = _split(syllable)
    if initial in ("j", "q", "x"):
        final = final.replace("u", "v", 1) if final.startswith("u") else final
    final = final.replace("v", "u")
    if final in ("ong", "iong"):
        final = final[:-3] + "ung"
    elif final == "ian":
        final = "ien"
    elif final in ("ie", "ue"):
        final += "h"
    elif final == "ui" and initial in ("g", "k"):
        final = "uei"  # gui → kuei (shui stays)
    elif (final == "uo" and initial not in ("g", "k", "h", "sh")) or (final == "e" and initial in ("g", "k", "h")):
        final = "o"  # duo → to, ge → ko
    return _WG_INITIALS.get(initial, initial) + final


def tongyong(syllable):
    """A toneless pinyin syllable in Tongyong pinyin (zhu → jhu, xin → sin, qiao → ciao, feng → fong)."""
    if syllable in _TY_WHOLE:
        return _TY_WHOLE[syllable]
    initial, final = _split(syllable)
    if initial in ("j", "q", "x"):
        if final.startswith("u"):
            final = "yu" + final[1:]
        elif final == "iong":
            final = "yong"
    final = final.replace("v", "yu" if initial in ("n", "l") else "u")
    if final == "ui":
        final = "uei"
    elif final == "iu":
        final = "iou"
    elif final == "eng" and initial == "f":
        final = "ong"
    return _TY_INITIALS.get(initial, initial) + final


def hanyu(syllable):
    return syllable.replace("v", "u")


SYSTEMS = (hanyu, wade_giles, tongyong)


# --- The places ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    english: tuple  # the township data's English names (without "County", "Township"…), lower case
    chinese: tuple  # the Chinese names without 縣市鄉鎮區, normalised (臺東)


def _name_keys(chinese):
    readings = [sorted(lexicon.readings(char)) for char in chinese]
    if not all(readings):
        return set()
    keys = set()
    for combination in itertools.islice(itertools.product(*readings), MAX_READINGS):
        for system in SYSTEMS:
            keys.add("".join(system(syllable) for syllable in combination))
    return keys


@lru_cache(maxsize=1)
def places():
    """{key: Place} of every county and township whose Chinese name has two characters or more besides its level
    (東區 is no name to spell)."""
    from places.actions import TOWNSHIPS_CSV

    english_keys, reading_keys = {}, {}  # key -> ({english name: None}, {chinese name: None})
    with TOWNSHIPS_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for chinese, english in ((row["county_zh"], row["county_en"]), (row["town_zh"], row["town_en"])):
                chinese = normalise(chinese)
                if chinese[-1:] and chinese[-1] in _ZH_LEVEL:
                    chinese = chinese[:-1]
                if len(chinese) < 2:
                    continue
                english = _EN_LEVEL.sub("", english.strip()).lower()
                for found, name_keys in ((english_keys, {key(english)}), (reading_keys, _name_keys(chinese))):
                    for name_key in name_keys:
                        names = found.setdefault(name_key, ({}, {}))
                        names[0][english] = None
                        names[1][chinese] = None
    # A name as the township data writes it is that place, whatever another name's rarer reading would spell
    # (Taitung is 臺東, not 大同 read "tai-tung").
    found = {**{k: v for k, v in reading_keys.items() if len(k) >= 4}, **english_keys}
    return {name_key: Place(tuple(en), tuple(zh)) for name_key, (en, zh) in found.items() if len(name_key) >= 4}


def place_at(texts):
    """(number of words, Place) for the longest run of Latin words at the start of `texts` that spells a place,
    with a level word after it ("Chishang Township") counted in; None when none does."""
    for length in range(min(MAX_WORDS, len(texts)), 0, -1):
        span = texts[:length]
        if not all(_latin(text) for text in span):
            continue
        found = places().get(key("".join(span)))
        if found is not None:
            if length < len(texts) and key(texts[length]) in SUFFIXES:
                length += 1
            return length, found
    return None


def _latin(text):
    """Whether a query word is Latin letters (tone marks, tone numbers and apostrophes allowed: "ch'ih2", "chí")."""
    stripped = "".join(char for char in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(char))
    return bool(_LATIN.fullmatch(stripped))


_LATIN = re.compile(r"[a-z0-9'’]*[a-z][a-z0-9'’]*")
