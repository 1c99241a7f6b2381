"""The map of the places a batch passed through: its townships filled, numbered in order, on the county outlines.

Drawn from the township paths the township map uses (places/data/township_paths.json, places.maps), zoomed to
the townships visited; the page lists the same places in a table (what a screen reader or a printer reads).
"""

from html import escape

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from places.maps import map_artefact

MIN_EXTENT = 160  # artefact units: a single township is shown with its surroundings, not filling the frame


def _centre(bounds):
    return (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2


def route_map(places, *, map_id="batch-places"):
    """SVG of `places` ([(places.Township, [entry numbers])] in visiting order), or "" without any."""
    artefact = map_artefact()
    towns = [(township, numbers, artefact["towns"].get(township.code)) for township, numbers in places]
    towns = [item for item in towns if item[2] is not None]
    if not towns:
        return ""
    x0 = min(town["bounds"][0] for _t, _n, town in towns)
    y0 = min(town["bounds"][1] for _t, _n, town in towns)
    x1 = max(town["bounds"][2] for _t, _n, town in towns)
    y1 = max(town["bounds"][3] for _t, _n, town in towns)
    extent = max(x1 - x0, y1 - y0, MIN_EXTENT)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half = extent * 0.6
    box = (cx - half, cy - half, 2 * half, 2 * half)
    # Only the counties whose townships reach into the frame, so a phone does not download the whole island.
    visible_counties = {
        town["county"]
        for town in artefact["towns"].values()
        if town["bounds"][2] >= box[0]
        and town["bounds"][0] <= box[0] + box[2]
        and town["bounds"][3] >= box[1]
        and town["bounds"][1] <= box[1] + box[3]
    }
    outlines = "".join(
        f'<path class="route-county" d="{outline["d"]}"/>'
        for code, outline in artefact["counties"].items()
        if code in visible_counties
    )
    filled = "".join(
        f'<path class="route-town" d="{town["d"]}"><title>{escape(township.full_name)}</title></path>'
        for township, _numbers, town in towns
    )
    centres = [_centre(town["bounds"]) for _t, _n, town in towns]
    line = ""
    if len(centres) > 1:
        line = '<polyline class="route-line" points="{}"/>'.format(" ".join(f"{x:.0f},{y:.0f}" for x, y in centres))
    radius = max(6, extent / 40)
    markers = "".join(
        f'<g class="route-stop"><circle cx="{x:.0f}" cy="{y:.0f}" r="{radius:.0f}"/>'
        f'<text x="{x:.0f}" y="{y + radius * 0.4:.0f}" text-anchor="middle" font-size="{radius * 1.2:.0f}">'
        f"{order}</text></g>"
        for order, (x, y) in enumerate(centres, start=1)
    )
    label = _("Map of the places this batch passed through: %(places)s") % {
        "places": "、".join(township.full_name for township, _numbers, _town in towns)
    }
    view_box = " ".join(f"{value:.0f}" for value in box)
    return mark_safe(  # noqa: S308 (paths from our artefact, names escaped)
        f'<svg class="route-map" id="{escape(map_id)}" viewBox="{view_box}" role="img" aria-label="{escape(label)}">'
        f"{outlines}{filled}{line}{markers}</svg>"
    )
