import json

from places.neighbours import NEIGHBOURS_PATH, TOPOJSON_PATH, are_neighbours, county_pairs_sharing_a_border


def test_the_committed_table_is_what_the_boundaries_say(tmp_path):
    topojson = json.loads(TOPOJSON_PATH.read_text(encoding="utf-8"))
    pairs = county_pairs_sharing_a_border(topojson)
    committed = NEIGHBOURS_PATH.read_text(encoding="utf-8").splitlines()[1:]

    assert committed == [f"{a},{b}" for a, b in pairs]


def test_counties_that_share_a_border_are_neighbours_both_ways():
    assert are_neighbours("10014", "64000")  # 臺東縣 – 高雄市
    assert are_neighbours("64000", "10014")
    assert are_neighbours("10020", "10010")  # 嘉義市 – 嘉義縣
    assert not are_neighbours("10014", "10008")  # 臺東縣 – 南投縣: Hualien and Kaohsiung lie between
    assert not are_neighbours("63000", "68000")  # 臺北市 – 桃園市: New Taipei lies between


def test_islands_have_no_neighbours():
    for code in ("10016", "09020", "09007"):  # 澎湖縣, 金門縣, 連江縣
        assert not any(are_neighbours(code, other) for other in ("10013", "64000", "67000", "10009"))


def test_shared_arcs_make_neighbours_and_reversed_arcs_count():
    topojson = {
        "objects": {
            "counties": {
                "geometries": [
                    {"properties": {"COUNTYCODE": "A"}, "arcs": [[0, 1]]},
                    {"properties": {"COUNTYCODE": "B"}, "arcs": [[[~1, 2]]]},
                    {"properties": {"COUNTYCODE": "C"}, "arcs": [[3]]},
                ]
            }
        }
    }
    assert county_pairs_sharing_a_border(topojson) == [("A", "B")]
