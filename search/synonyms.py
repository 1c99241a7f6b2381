"""The staff-owned synonyms (search.models.SynonymEntry), compiled for the query side.

A query's words are looked up here after analysis (search/planner.py): an entry fires when a run of whole query
words, as analysed, spells one of its terms (長照, long-term care, 介護), never when its term is a piece of a
longer word (米 does not fire inside 玉米). Keys are the analyser's units of a term: one per Han character, one
per Latin word or kana run, so "Long-term care" and "long term care" are the same key.

Reloading: every search asks `synonym_index()`, which re-reads the table when its newest change or its row count
differs from what this process compiled (checked at most once a second), so an edit in the admin reaches every
process's next searches without a rebuild of any index.
"""

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from search.analysis import DATA_DIR, normalise, units

SEED_FILE = DATA_DIR / "synonyms.txt"
CHECK_EVERY_SECONDS = 1.0
SYNONYM, NARROWER = "synonym", "narrower"


@dataclass(frozen=True)
class Expansion:
    text: str  # the normalised term the query word expands to
    kind: str  # SYNONYM (same meaning, either way) or NARROWER (one-way entry)
    entry_id: int


def term_key(term):
    """The analysed form a term is matched on: its units (Han characters, Latin words, kana runs)."""
    return tuple(units(normalise(term)))


def key_text(key):
    """A key written back as text: Han and kana run together, Latin words spaced ("長期照顧", "long term care")."""
    out = ""
    for unit in key:
        if out and unit.isascii() and out[-1].isascii():
            out += " "
        out += unit
    return out


class SynonymIndex:
    def __init__(self, entries=()):
        """`entries`: (id, terms, narrower terms, one_way)."""
        by_key = {}
        for entry_id, terms, narrower, one_way in entries:
            keys = [key for key in dict.fromkeys(term_key(term) for term in terms) if key]
            narrower_keys = [key for key in dict.fromkeys(term_key(term) for term in narrower) if key]
            for key in keys:
                found = by_key.setdefault(key, {})
                for other in keys:
                    if other != key:
                        found.setdefault(key_text(other), Expansion(key_text(other), SYNONYM, entry_id))
                if one_way:
                    for other in narrower_keys:
                        if other != key:
                            found.setdefault(key_text(other), Expansion(key_text(other), NARROWER, entry_id))
        self.by_key = {key: tuple(found.values()) for key, found in by_key.items()}
        self.max_units = max((len(key) for key in self.by_key), default=0)
        # The Chinese terms, as words (a typo is corrected towards them: search/planner.py).
        self.han_words = frozenset(
            "".join(key) for key in self.by_key if all("\u3400" <= unit <= "\U0003134f" for unit in key)
        )

    def lookup(self, key):
        return self.by_key.get(tuple(key), ())

    def __contains__(self, key):
        return tuple(key) in self.by_key

    def __len__(self):
        return len(self.by_key)


class _Loaded:
    def __init__(self):
        self.lock = threading.Lock()
        self.index = None
        self.version = None
        self.checked_at = 0.0
        self.serial = 0  # bumped at every compile: what a cached query plan was made with


_loaded = _Loaded()


def _table_version():
    from django.db.models import Count, Max

    from search.models import SynonymEntry

    stats = SynonymEntry.objects.aggregate(latest=Max("updated_at"), rows=Count("pk"))
    return (stats["latest"], stats["rows"])


def _compile():
    from search.models import SynonymEntry

    return SynonymIndex(
        (entry.pk, entry.terms(), entry.narrower_terms(), entry.one_way) for entry in SynonymEntry.objects.all()
    )


def synonym_index():
    """The compiled synonyms, re-read when the table changed (checked at most once a second per process)."""
    now = time.monotonic()
    if _loaded.index is not None and now - _loaded.checked_at < CHECK_EVERY_SECONDS:
        return _loaded.index
    version = _table_version()
    with _loaded.lock:
        if _loaded.index is None or version != _loaded.version:
            _loaded.index = _compile()
            _loaded.version = version
            _loaded.serial += 1
        _loaded.checked_at = now
    return _loaded.index


def synonym_serial():
    """A number that changes whenever this process compiles the synonyms again."""
    synonym_index()
    return _loaded.serial


def forget_compiled():
    """Drop this process's compiled synonyms (tests; the admin's changes are seen without it)."""
    with _loaded.lock:
        _loaded.index = None
        _loaded.version = None
        _loaded.checked_at = 0.0


# --- The seed ---------------------------------------------------------------------------------------------------


def read_seed(path=SEED_FILE):
    """[{terms_zh, terms_en, terms_ja, one_way, narrower}] from the seed file (see its header)."""
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 5 or parts[0] not in ("=", ">"):
            raise ValueError(f"{path}:{number}: expected 'kind | zh | en | ja | narrower', got {line!r}")
        kind, zh, en, ja, narrower = parts
        rows.append({"terms_zh": zh, "terms_en": en, "terms_ja": ja, "one_way": kind == ">", "narrower": narrower})
    return rows


def load_seed(model=None, path=SEED_FILE):
    """Add the seed's entries that are missing (an entry is there when an entry shares its first term); never
    changes an entry, so staff edits stay. Returns how many were added."""
    from search.models import split_terms

    if model is None:
        from search.models import SynonymEntry as model
    existing = set()
    for entry in model.objects.all():
        for field in ("terms_zh", "terms_en", "terms_ja"):
            existing.update(term_key(term) for term in split_terms(getattr(entry, field)))
    missing = []
    for row in read_seed(path):
        first = (split_terms(row["terms_zh"]) or split_terms(row["terms_en"]) or split_terms(row["terms_ja"]))[0]
        if term_key(first) not in existing:
            missing.append(model(**row))
            existing.add(term_key(first))
    model.objects.bulk_create(missing)
    return len(missing)


__all__ = ["NARROWER", "SYNONYM", "Expansion", "SynonymIndex", "load_seed", "synonym_index", "term_key"]
