"""Small locating maps: Taiwan's county outline with dots, and one township within its county."""

import re

from places.locator import OUTLINE_FILE, outline_svg, taiwan_with_points, township_locator
from places.maps import map_artefact


def test_the_committed_outline_file_is_the_one_the_artefact_gives():
    """Rebuild it with places.locator.write_outline_file() after the artefact changes."""
    assert OUTLINE_FILE.read_text(encoding="utf-8") == outline_svg()
    assert outline_svg().count("<path ") == len(map_artefact()["counties"])


def test_a_dot_per_known_township_in_the_whole_map_view():
    points_map = taiwan_with_points(["10013130", "10013130", "10009190", "99999999"])

    assert len(points_map.points) == 2
    assert points_map.view_box == " ".join(str(n) for n in map_artefact()["view_box"])
    assert points_map.points_html().count('class="map-point"') == 2


def test_a_township_is_highlighted_among_the_townships_of_its_county_only():
    locator = township_locator("10013130")  # 屏東縣內埔鄉

    pingtung = [code for code in map_artefact()["towns"] if code.startswith("10013")]
    assert locator.paths_html.count("<path ") == len(pingtung)
    assert locator.paths_html.count('class="is-here"') == 1
    x, y, width, height = (float(n) for n in locator.view_box.split())
    assert width < map_artefact()["view_box"][2] / 3
    assert re.search(r'<path class="is-here" d="[^"]+"/>$', locator.paths_html)


def test_an_unknown_code_has_no_locator():
    assert township_locator("99999999") is None
