"""TEST DATA: the relevance set of issue 16, read from projects.txt and queries.txt beside this file.

The projects become SearchDocuments of a StaticFamily named "relset" (indexed like any family, in both engines):
place names from places/data/townships.csv (Chinese and English), sector, SDG and funding labels in the three
languages as the real families make them (search.content.label_texts). Written apart from the demo content
and before any engine was run on it (see the files' headers and the commit that added them).
"""

import csv
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from places.actions import TOWNSHIPS_CSV
from search.documents import SearchDocument, StaticFamily

FAMILY = "relset"
HERE = Path(__file__).resolve().parent
NOW = datetime(2026, 11, 1, tzinfo=UTC)

# The set's sectors, named as the demo catalogue names them (cms/demo.py DEMO_SECTORS), plus care.
SECTORS = {
    "agriculture": ("農業與食品", "Agriculture and food", "農業・食品"),
    "aquaculture": ("漁業與養殖", "Fisheries and aquaculture", "漁業・養殖"),
    "tourism": ("體驗觀光", "Experiential tourism", "体験型観光"),
    "education": ("教育與培力", "Education and training", "教育・人材育成"),
    "circular": ("循環經濟", "Circular economy", "循環型経済"),
    "crafts": ("工藝與文化", "Crafts and culture", "工芸・文化"),
    "care": ("社會照顧", "Social care", "福祉・ケア"),
}


@dataclass
class Named:
    name_zh: str
    name_en: str
    name_ja: str
    number: int = 0


@dataclass
class Query:
    kind: str
    text: str
    grades: dict  # uid -> grade (2 or 1)


def _lines(name):
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line


def documents():
    from cms.sdgs import SDGS
    from search.content import label_texts

    towns = {}
    with TOWNSHIPS_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            towns[row["town_code"]] = row
    sdgs = {number: Named(zh, en, ja, number) for number, zh, en, ja in SDGS}
    out = []
    for index, line in enumerate(_lines("projects.txt")):
        key, code, sector, sdg_numbers, funding, title, title_en, team, summary, body = line.split("|")
        town = towns[code]
        numbers = [int(n) for n in sdg_numbers.split(",") if n]
        kinds = [kind for kind in funding.split(",") if kind]
        out.append(
            SearchDocument(
                family=FAMILY,
                object_id=key,
                title=title,
                title_en=title_en,
                summary=summary,
                body=body,
                team=team,
                url=f"/relset/{key}/",
                county=town["county_code"],
                county_name=town["county_zh"],
                township=code,
                township_name=town["town_zh"],
                place_en=f"{town['town_en']} {town['county_en']}",
                labels=label_texts([Named(*SECTORS[sector])], [sdgs[n] for n in numbers], kinds),
                sector=[sector],
                funding_type=kinds,
                sdg=[str(n) for n in numbers],
                status="funding",
                published_at=NOW - timedelta(days=index),
                latitude=float(town["lat"]),
                longitude=float(town["lon"]),
            )
        )
    return out


def family():
    return StaticFamily(FAMILY, documents(), label="Relevance set (test data)")


def queries():
    out = []
    for line in _lines("queries.txt"):
        kind, text, labels = line.split("|")
        grades = {}
        for label in labels.split():
            key, grade = label.split(":")
            grades[f"{FAMILY}:{key}"] = int(grade)
        out.append(Query(kind, text, grades))
    return out
