"""Small maps that say where a place is, drawn from the same artefact as the choropleth (places.maps).

- `taiwan_with_points(codes)`: the outline of Taiwan's counties (a static SVG file, cached by browsers) with a
  dot on each township given: the home page's teaser of the township map.
- `township_locator(township)`: one township highlighted among the townships of its county: project and
  township pages.

Both are pictures (role="img" with a text alternative); the figures themselves live on the township map and
its table. The outline file is generated from the artefact: `write_outline_file()` rewrites it, and a test
checks that the committed file matches.
"""

from dataclasses import dataclass
from html import escape
from pathlib import Path

from django.utils.safestring import mark_safe

from places.maps import map_artefact

OUTLINE_FILE = Path(__file__).resolve().parent / "static" / "places" / "taiwan-counties.svg"
OUTLINE_STATIC_PATH = "places/taiwan-counties.svg"
LOCATOR_MARGIN = 0.08  # share of the county's extent added around it


def _view_box_string(box):
    return " ".join(str(round(number)) for number in box)


def outline_svg():
    """The county outlines and inset frames of the whole map, as a standalone SVG document."""
    artefact = map_artefact()
    paths = "".join(f'<path d="{escape(county["d"])}"/>' for county in artefact["counties"].values())
    frames = "".join(
        '<rect x="{}" y="{}" width="{}" height="{}"/>'.format(*frame["box"]) for frame in artefact["inset_frames"]
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_view_box_string(artefact["view_box"])}">'
        '<g fill="#ffffff" stroke="#1f5e4a" stroke-width="3" stroke-linejoin="round">'
        f"{paths}</g>"
        f'<g fill="none" stroke="#8a918e" stroke-width="3" stroke-dasharray="12 9">{frames}</g></svg>\n'
    )


def write_outline_file():
    OUTLINE_FILE.parent.mkdir(parents=True, exist_ok=True)
    OUTLINE_FILE.write_text(outline_svg(), encoding="utf-8")
    return OUTLINE_FILE


def _centre(bounds):
    x0, y0, x1, y1 = bounds
    return (x0 + x1) / 2, (y0 + y1) / 2


@dataclass
class PointsMap:
    view_box: str
    width: int
    height: int
    points: list  # [(x, y)]

    def points_html(self):
        radius = round(self.width / 70)
        return mark_safe(  # noqa: S308 (numbers only)
            "".join(
                f'<circle cx="{round(x)}" cy="{round(y)}" r="{radius * 2}" class="map-point-halo"/>'
                f'<circle cx="{round(x)}" cy="{round(y)}" r="{radius}" class="map-point"/>'
                for x, y in self.points
            )
        )


def taiwan_with_points(codes):
    """A PointsMap of the whole map with a dot on each of the townships `codes` (unknown codes are left out)."""
    artefact = map_artefact()
    towns = artefact["towns"]
    x0, y0, width, height = artefact["view_box"]
    points = [_centre(towns[code]["bounds"]) for code in dict.fromkeys(codes) if code in towns]
    return PointsMap(view_box=_view_box_string(artefact["view_box"]), width=width, height=height, points=points)


@dataclass
class LocatorMap:
    view_box: str
    paths_html: str


def township_locator(code):
    """The townships of `code`'s county, `code` highlighted; None for a code the map does not know."""
    artefact = map_artefact()
    towns = artefact["towns"]
    if code not in towns:
        return None
    county = code[:5]  # MOI town codes start with their county's code
    neighbours = {other: town for other, town in towns.items() if other[:5] == county}
    x0 = min(town["bounds"][0] for town in neighbours.values())
    y0 = min(town["bounds"][1] for town in neighbours.values())
    x1 = max(town["bounds"][2] for town in neighbours.values())
    y1 = max(town["bounds"][3] for town in neighbours.values())
    margin = max(x1 - x0, y1 - y0) * LOCATOR_MARGIN + 1
    box = [x0 - margin, y0 - margin, x1 - x0 + 2 * margin, y1 - y0 + 2 * margin]
    others = "".join(f'<path d="{escape(town["d"])}"/>' for other, town in neighbours.items() if other != code)
    here = f'<path class="is-here" d="{escape(towns[code]["d"])}"/>'
    return LocatorMap(view_box=_view_box_string(box), paths_html=mark_safe(others + here))  # noqa: S308 (escaped)
