"""Choropleth maps of the 368 townships, drawn as inline, accessible SVG.

``choropleth(values, ...)`` returns a ``Choropleth`` that the template
``places/includes/choropleth.html`` renders: one focusable link per township
(accessible name: township and formatted value), a legend, county borders in
the Taiwan view, and a table alternative. The paths come from the generated
artefact ``places/data/township_paths.json`` (see ``places.map_build``).

Palette: ColorBrewer "YlGnBu" sequential schemes (colour-blind safe, also
readable in greyscale), light = low, dark = high. Townships without a value are
hatched grey (``#f0f0f0`` with ``#8c8c8c`` stripes) so "no data" does not rely
on colour alone.
"""

import json
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache
from html import escape

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from places.map_build import ARTEFACT_PATH
from places.models import Township

PALETTES = {
    1: ["#2c7fb8"],
    2: ["#a1dab4", "#2c7fb8"],
    3: ["#edf8b1", "#7fcdbb", "#2c7fb8"],
    4: ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
    5: ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
    6: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"],
    7: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"],
}
NO_DATA_BACKGROUND = "#f0f0f0"
NO_DATA_STRIPE = "#8c8c8c"
SCALES = ("quantile", "linear")
COUNTY_VIEW_MARGIN = 0.06  # share of the county's extent added around it


@cache
def map_artefact():
    with open(ARTEFACT_PATH, encoding="utf-8") as handle:
        return json.load(handle)


def county_codes():
    return set(map_artefact()["counties"])


@dataclass
class Bins:
    """Class breaks: value v falls in bin bisect_right(thresholds, v); bins span minimum..maximum."""

    thresholds: list
    minimum: float | None
    maximum: float | None

    @property
    def count(self):
        return 0 if self.minimum is None else len(self.thresholds) + 1

    def index(self, value):
        if value is None or self.minimum is None:
            return None
        return min(bisect_right(self.thresholds, value), self.count - 1)

    def ranges(self):
        if self.minimum is None:
            return []  # no township has a value: no class, only "no data" in the legend
        edges = [self.minimum, *self.thresholds, self.maximum]
        return list(zip(edges[:-1], edges[1:], strict=True))


def make_bins(numbers, scale="quantile", bins=5):
    """Class breaks for the numbers (None ignored): quantiles (equal counts) or linear (equal widths)."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, not {scale!r}")
    if not 1 <= bins <= max(PALETTES):
        raise ValueError(f"bins must be between 1 and {max(PALETTES)}")
    present = sorted(number for number in numbers if number is not None)
    if not present:
        return Bins(thresholds=[], minimum=None, maximum=None)
    low, high = present[0], present[-1]
    if scale == "quantile":
        candidates = [present[(i * len(present)) // bins] for i in range(1, bins)]
        above = next((number for number in present if number > low), None)
        if candidates and candidates[0] == low and above is not None:
            # The lowest value fills the first quantile (most townships at NT$0, a few with money): the values above
            # it still get a class of their own rather than all townships one colour.
            candidates.append(above)
    else:
        candidates = [low + (high - low) * i / bins for i in range(1, bins)]
    # Equal breaks (many equal values, or low == high) would make empty bins: keep each break once.
    thresholds = sorted({threshold for threshold in candidates if low < threshold <= high})
    return Bins(thresholds=thresholds, minimum=low, maximum=high)


@dataclass
class Region:
    code: str
    name: str
    county_name: str
    value: object
    display: str
    label: str
    fill: str
    href: str
    d: str
    bin: int | None


@dataclass
class LegendEntry:
    label: str
    fill: str
    no_data: bool = False


@dataclass
class Choropleth:
    map_id: str
    measure_label: str
    view_box: str
    hatch_size: float
    regions: list
    legend: list
    county: object = None
    county_outlines: list = field(default_factory=list)
    inset_frames: list = field(default_factory=list)

    @property
    def no_data_fill(self):
        return f"url(#{self.map_id}-no-data)"

    # The 368 regions and table rows are joined here rather than looped over in the template: a template loop
    # evaluates a dozen nodes per township (and escapes every path again), which cost more than the rest of the
    # page. The markup is the same; every value is escaped (html.escape, the same escaping as autoescape).

    def regions_html(self):
        """The region links: accessible name = the township's label.

        No <title> tooltip repeats the label: the readout under the map shows it on hover and focus, and 368 titles
        were an eighth of the page's markup and as many more nodes to lay out.

        The map is one tab stop (roving tabindex): the first region takes the focus, the arrow keys move it to
        the nearest township in that direction (places/static/places/choropleth.js). Without the script the
        table below, whose rows link where the regions do, is the way through by keyboard.
        """
        map_id = escape(self.map_id)
        return mark_safe(  # noqa: S308 (every part escaped above or here)
            "\n      ".join(
                f'<a class="choropleth-region" href="{escape(region.href)}" tabindex="{0 if first else -1}" '
                f'aria-label="{label}" data-code="{escape(region.code)}">'
                f'<path id="{map_id}-path-{escape(region.code)}" d="{escape(region.d)}" '
                f'fill="{escape(region.fill)}"></path></a>'
                for first, region in ((number == 0, region) for number, region in enumerate(self.regions))
                for label in (escape(region.label),)
            )
        )

    def table_rows_html(self):
        """The table alternative's rows: township (linked where its region links, unless that is the row itself),
        county, formatted value."""
        map_id = escape(self.map_id)
        own_row = f"#{self.map_id}-township-"

        def name(region):
            if region.href.startswith(own_row):
                return escape(region.name)
            return f'<a href="{escape(region.href)}">{escape(region.name)}</a>'

        return mark_safe(  # noqa: S308 (every part escaped here)
            "\n        ".join(
                f'<tr id="{map_id}-township-{escape(region.code)}"><th scope="row">{name(region)}</th>'
                f'<td>{escape(region.county_name)}</td><td class="numeric">{escape(region.display)}</td></tr>'
                for region in self.regions
            )
        )

    def county_outlines_html(self):
        return mark_safe("".join(f'<path d="{escape(d)}"></path>' for d in self.county_outlines))  # noqa: S308


def format_number(value, decimals=0):
    """1,234,567 / 12.5: the three interface languages (zh-TW, en, ja) all group by thousands with a comma.

    Django's zh-Hant format module sets no grouping, so number_format would print 53141.
    """
    return f"{value:,.{decimals}f}"


def _view_box(towns):
    x0 = min(town["bounds"][0] for town in towns)
    y0 = min(town["bounds"][1] for town in towns)
    x1 = max(town["bounds"][2] for town in towns)
    y1 = max(town["bounds"][3] for town in towns)
    margin = max(x1 - x0, y1 - y0) * COUNTY_VIEW_MARGIN + 1
    return [round(x0 - margin), round(y0 - margin), round(x1 - x0 + 2 * margin), round(y1 - y0 + 2 * margin)]


def choropleth(
    values,
    *,
    measure_label,
    value_format=format_number,
    links=None,
    county=None,
    scale="quantile",
    bins=5,
    map_id="township-map",
    details=None,
    no_data_label=None,
):
    """A map of the townships coloured by ``values`` (town code → number or None; missing codes count as None).

    ``links``: town code → URL, or a callable taking the ``places.Township`` and
    returning its URL; a township without one links to its row of the table.
    ``county``: a county code to draw only that county, zoomed in; None for all Taiwan.
    ``details``: town code → text added to the township's accessible name and readout (its other figures).
    ``no_data_label``: what a township without a value says ("No data" by default).
    Runs one query; names follow the active language.
    """
    artefact = map_artefact()
    if county is not None and county not in artefact["counties"]:
        raise ValueError(f"unknown county code {county!r}")
    townships = Township.objects.with_county().order_by("code")
    if county is not None:
        townships = townships.filter(county__code=county)
    townships = list(townships)

    breaks = make_bins((values.get(township.code) for township in townships), scale=scale, bins=bins)
    palette = PALETTES.get(breaks.count, [])
    no_data_label = no_data_label or _("No data")
    result = Choropleth(
        map_id=map_id,
        measure_label=str(measure_label),
        view_box="",
        hatch_size=0,
        regions=[],
        legend=[],
        county=townships[0].county if county is not None and townships else None,
    )

    for township in townships:
        value = values.get(township.code)
        index = breaks.index(value)
        display = no_data_label if value is None else value_format(value)
        href = links(township) if callable(links) else (links or {}).get(township.code)
        label = _("%(place)s: %(value)s") % {"place": township.full_name, "value": display}
        if details and details.get(township.code):
            label = f"{label} · {details[township.code]}"
        result.regions.append(
            Region(
                code=township.code,
                name=township.name,
                county_name=township.county.name,
                value=value,
                display=display,
                label=label,
                fill=result.no_data_fill if index is None else palette[index],
                href=href or f"#{map_id}-township-{township.code}",
                d=artefact["towns"][township.code]["d"],
                bin=index,
            )
        )

    result.legend = [
        LegendEntry(label=_("%(low)s – %(high)s") % {"low": value_format(low), "high": value_format(high)}, fill=fill)
        for (low, high), fill in zip(breaks.ranges(), palette, strict=True)
    ]
    if any(region.bin is None for region in result.regions):
        result.legend.append(LegendEntry(label=no_data_label, fill=result.no_data_fill, no_data=True))

    if county is None:
        view_box = artefact["view_box"]
        result.county_outlines = [outline["d"] for outline in artefact["counties"].values()]
        result.inset_frames = [frame["box"] for frame in artefact["inset_frames"]]
    else:
        view_box = _view_box([artefact["towns"][township.code] for township in townships])
    result.view_box = " ".join(str(number) for number in view_box)
    result.hatch_size = max(1, round(view_box[2] / 120))
    return result
