import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from places.map_build import ARTEFACT_PATH, build
from places.maps import PALETTES, choropleth, make_bins, map_artefact
from places.models import County, Township
from places.topojson import decode_arcs, features, ring_points

# --- the decoder ---------------------------------------------------------


def test_decoder_undoes_delta_encoding_and_the_transform_and_reverses_negative_arcs():
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.5, 2.0], "translate": [100.0, 20.0]},
        "arcs": [[[0, 0], [2, 0], [0, 1]], [[2, 1], [-2, 0], [0, -1]]],
        "objects": {
            "shapes": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "properties": {"code": "a"}},
                    {"type": "MultiPolygon", "arcs": [[[~1, ~0]]], "properties": {"code": "b"}},
                ],
            }
        },
    }

    arcs = decode_arcs(topology)

    assert arcs[0] == [(100.0, 20.0), (101.0, 20.0), (101.0, 22.0)]
    assert arcs[1] == [(101.0, 22.0), (100.0, 22.0), (100.0, 20.0)]
    square, reversed_square = features(topology, "shapes")
    assert square.properties == {"code": "a"}
    assert ring_points(square.polygons[0][0], arcs) == [
        (100.0, 20.0),
        (101.0, 20.0),
        (101.0, 22.0),
        (100.0, 22.0),
        (100.0, 20.0),
    ]
    assert ring_points(reversed_square.polygons[0][0], arcs) == [
        (100.0, 20.0),
        (100.0, 22.0),
        (101.0, 22.0),
        (101.0, 20.0),
        (100.0, 20.0),
    ]


def test_the_committed_artefact_is_what_the_build_command_makes(tmp_path):
    output = tmp_path / "township_paths.json"

    call_command("build_township_map", output=str(output))

    assert output.read_text(encoding="utf-8") == ARTEFACT_PATH.read_text(encoding="utf-8")
    assert output.stat().st_size < 300_000


def test_the_artefact_has_368_township_and_22_county_paths():
    artefact = build()

    assert len(artefact["towns"]) == 368
    assert len(artefact["counties"]) == 22
    assert all(re.fullmatch(r"(M-?\d+ -?\d+l[-\d ]+z)+", town["d"]) for town in artefact["towns"].values())
    assert all(town["county"] == code[:5] for code, town in artefact["towns"].items())


@pytest.mark.django_db
@pytest.mark.postgres
def test_artefact_codes_match_the_reference_data_exactly(townships):
    artefact = map_artefact()

    assert set(artefact["towns"]) == set(Township.objects.values_list("code", flat=True))
    assert set(artefact["counties"]) == set(County.objects.values_list("code", flat=True))
    for code, county in Township.objects.values_list("code", "county__code"):
        assert artefact["towns"][code]["county"] == county


# --- binning -------------------------------------------------------------


def test_quantile_bins_put_equal_counts_in_each_bin():
    bins = make_bins(range(1, 11), scale="quantile", bins=5)

    assert bins.thresholds == [3, 5, 7, 9]
    assert [bins.index(value) for value in range(1, 11)] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert bins.ranges() == [(1, 3), (3, 5), (5, 7), (7, 9), (9, 10)]


def test_linear_bins_have_equal_widths_and_the_maximum_in_the_last_bin():
    bins = make_bins([0, 10, 55, 100, None], scale="linear", bins=5)

    assert bins.thresholds == [20, 40, 60, 80]
    assert [bins.index(value) for value in (0, 19.9, 20, 55, 79, 80, 100)] == [0, 0, 1, 2, 3, 4, 4]
    assert bins.index(None) is None


def test_repeated_values_do_not_make_empty_bins():
    assert make_bins([7, 7, 7], bins=5).count == 1
    assert make_bins([1, 1, 1, 1, 1, 1, 1, 1, 2, 3], scale="quantile", bins=5).thresholds == [2]
    assert make_bins([None, None]).count == 0


def test_a_few_values_above_a_crowd_of_zeros_are_not_drawn_in_the_zeros_colour():
    """The demo's impact map: 5 townships with money among 368 at NT$0 were one flat colour (every quantile was 0)."""
    bins = make_bins([0] * 363 + [13_500, 66_700, 70_600, 115_400, None], scale="quantile", bins=5)

    assert bins.thresholds == [13_500] and bins.count == 2
    assert [bins.index(value) for value in (0, 13_500, 115_400)] == [0, 1, 1]


def test_unknown_scale_or_bin_count_is_refused():
    with pytest.raises(ValueError):
        make_bins([1, 2], scale="log")
    with pytest.raises(ValueError):
        make_bins([1, 2], bins=9)


@pytest.mark.django_db
@pytest.mark.postgres
def test_fills_follow_the_bins_and_missing_values_are_hatched(townships):
    codes = list(Township.objects.filter(county__code="10013").values_list("code", flat=True))
    values = {code: index for index, code in enumerate(codes)}
    values[codes[0]] = None

    result = choropleth(values, measure_label="n", county="10013", scale="linear", bins=5)

    by_code = {region.code: region for region in result.regions}
    assert by_code[codes[0]].fill == "url(#township-map-no-data)"
    assert by_code[codes[0]].bin is None
    assert by_code[codes[1]].fill == PALETTES[5][0]
    assert by_code[codes[-1]].fill == PALETTES[5][4]
    assert [entry.fill for entry in result.legend] == PALETTES[5] + ["url(#township-map-no-data)"]
    assert result.legend[-1].no_data


# --- the rendered map ----------------------------------------------------


def _links(html):
    return re.findall(r'<a class="choropleth-region" href="([^"]+)" tabindex="-?[01]" aria-label="([^"]+)"', html)


@pytest.mark.django_db
@pytest.mark.postgres
def test_taiwan_view_has_368_focusable_named_links_county_borders_and_a_368_row_table(client, townships):
    response = client.get("/zh-hant/townships/map/?measure=population")

    assert response.status_code == 200
    html = response.content.decode()
    links = _links(html)
    assert len(links) == 368
    neipu = Township.objects.get(name_zh="內埔鄉")
    expected = f"屏東縣內埔鄉：{neipu.population:,}"
    assert any(label == expected for _, label in links)
    assert "<title>" not in html.split('class="choropleth-map"')[1].split("</svg>")[0], "the readout shows the label"
    assert len(re.findall(r'<tr id="township-map-township-\d{8}">', html)) == 368
    assert html.count('<g class="choropleth-counties"') == 1
    assert len(re.findall(r"<path d=", html.split('<g class="choropleth-counties"')[1].split("</g>")[0])) == 22
    assert "<details" in html


@pytest.mark.django_db
@pytest.mark.postgres
def test_the_map_is_one_tab_stop_with_a_skip_link_to_its_table_whose_rows_link_where_the_map_does(client, townships):
    html = client.get("/zh-hant/townships/map/?measure=population").content.decode()

    regions = re.findall(r'<a class="choropleth-region" [^>]*tabindex="(-?\d)"', html)
    assert regions.count("0") == 1  # the first township; the arrow keys move between the others
    # The table's own stop is its scroll box (a keyboard scrolls it on a phone), named by the table's caption.
    assert html.count('tabindex="0"') == 2
    assert 'class="table-scroll" tabindex="0" role="region" aria-labelledby="township-map-table-caption"' in html
    assert '<caption id="township-map-table-caption">' in html
    assert html.count('class="choropleth-region" href="/zh-hant/townships/map/') == 368
    assert 'href="#township-map-table" data-choropleth-skip' in html
    assert '<details class="choropleth-table" id="township-map-table">' in html
    neipu = Township.objects.get(code="10013130")
    row = re.search(r'<tr id="township-map-township-10013130">(.*?)</tr>', html).group(1)
    assert re.search(r'<th scope="row"><a href="/zh-hant/townships/map/\?[^"]*county=10013[^"]*">內埔鄉</a></th>', row)
    assert f"{neipu.population:,}" in row
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "an id is used twice"


@pytest.mark.django_db
@pytest.mark.postgres
def test_english_names_and_percentages_under_en(client, townships):
    response = client.get("/en/townships/map/?measure=share_aged_65_plus")

    html = response.content.decode()
    neipu = Township.objects.get(name_zh="內埔鄉")
    assert f'aria-label="Neipu Township, Pingtung County: {neipu.share_aged_65_plus}%"' in html
    assert "Share aged 65 and over in Taiwan, by township" in html


@pytest.mark.django_db
@pytest.mark.postgres
def test_county_view_draws_only_that_county_zoomed(client, townships):
    response = client.get("/zh-hant/townships/map/?measure=aging_index&county=10013")

    assert response.status_code == 200
    html = response.content.decode()
    pingtung = set(Township.objects.filter(county__code="10013").values_list("code", flat=True))
    drawn = set(re.findall(r'data-code="(\d{8})"', html))
    assert drawn == pingtung
    assert len(re.findall(r'<tr id="township-map-township-\d{8}">', html)) == len(pingtung)
    assert "choropleth-counties" not in html
    view_box = [int(n) for n in re.search(r'class="choropleth-map" viewBox="([-\d ]+)"', html).group(1).split()]
    assert view_box[2] < map_artefact()["view_box"][2] / 3
    assert "屏東縣各鄉鎮市區的老化指數" in html
    links = _links(html)
    assert all(href.startswith("/zh-hant/townships/map/?measure=aging_index&amp;county=10013#") for href, _ in links)


@pytest.mark.django_db
@pytest.mark.postgres
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("measure=income", "“income” is not a measure this map can show."),
        ("county=99999", "“99999” is not a county code."),
        ("measure=population&county=10013%27", "is not a county code."),
    ],
)
def test_unknown_measure_or_county_is_refused_with_a_message(client, townships, query, message):
    with translation.override("en"):
        response = client.get(f"/en/townships/map/?{query}")

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'")
    assert "choropleth-region" not in html


@pytest.mark.django_db
@pytest.mark.postgres
def test_the_page_runs_a_bounded_number_of_queries(client, townships):
    with CaptureQueriesContext(connection) as taiwan:
        assert client.get("/ja/townships/map/").status_code == 200
    with CaptureQueriesContext(connection) as county:
        assert client.get("/ja/townships/map/?county=63000").status_code == 200

    # The map itself needs a handful; the site shell adds the site lookup and the navigation settings.
    assert len(taiwan) <= 10
    assert len(county) <= 10


@pytest.mark.django_db
@pytest.mark.postgres
def test_links_from_a_dict_and_default_links_to_the_table_row(townships):
    with translation.override("zh-hant"):
        result = choropleth(
            {"10013030": Decimal("1.5")},
            measure_label="x",
            links={"10013030": "/somewhere/"},
            county="10013",
            map_id="m",
        )

    by_code = {region.code: region for region in result.regions}
    assert by_code["10013030"].href == "/somewhere/"
    assert by_code["10013010"].href == "#m-township-10013010"
    assert by_code["10013010"].display == "無資料"


@pytest.mark.django_db
@pytest.mark.postgres
def test_choropleth_refuses_an_unknown_county_code(townships):
    with pytest.raises(ValueError, match="unknown county code"):
        choropleth({}, measure_label="x", county="99999")


def test_artefact_file_is_compact_json():
    text = ARTEFACT_PATH.read_text(encoding="utf-8")

    assert json.loads(text)["generated_by"] == "manage.py build_township_map"
    assert len(text.encode()) < 300_000


@pytest.mark.django_db
@pytest.mark.postgres
def test_names_and_labels_are_escaped_in_the_map_and_its_table(client, townships):
    Township.objects.filter(name_zh="內埔鄉").update(name_en='Neipu <script>alert("x")</script> & co')

    html = client.get("/en/townships/map/?measure=population").content.decode()

    assert "<script>alert" not in html
    escaped = "Neipu &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co"
    assert f'aria-label="{escaped}, Pingtung County: ' in html, "the region's accessible name"
    assert re.search(rf'<th scope="row"><a href="[^"<>]+">{re.escape(escaped)}</a></th>', html), "the table alternative"


@pytest.mark.django_db
@pytest.mark.postgres
def test_a_map_without_any_value_has_no_class_and_every_township_as_no_data(townships):
    assert make_bins([None, None]).ranges() == []
    result = choropleth({}, measure_label="results")
    assert {region.bin for region in result.regions} == {None}
    assert [entry.no_data for entry in result.legend] == [True]
