"""How long the township choropleth takes to build and render (Taiwan view and a
county view), next to rendering the plain 368-row table alone; and the size of
the map artefact.

Uses whatever the environment configures (by default the embedded SQLite
database of `make run`; run `make run` once first so the townships are loaded).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.template.loader import render_to_string  # noqa: E402
from django.utils import translation  # noqa: E402

from bench.timing import measure, print_table  # noqa: E402
from places.map_build import ARTEFACT_PATH  # noqa: E402
from places.maps import choropleth, map_artefact  # noqa: E402
from places.models import Township  # noqa: E402

TABLE_ONLY = """{% for township in townships %}<tr id="t-{{ township.code }}"><th scope="row">{{ township.name }}</th>\
<td>{{ township.county.name }}</td><td>{{ township.population }}</td></tr>{% endfor %}"""


def main(repeat=50):
    from django.template import engines

    translation.activate("zh-hant")
    map_artefact()  # loaded once per process, as in a server
    values = dict(Township.objects.values_list("code", "population"))
    assert len(values) == 368, "load the townships first (make run, or manage.py load_townships)"
    table_template = engines["django"].from_string(TABLE_ONLY)

    def table_only():
        return table_template.render({"townships": list(Township.objects.with_county().order_by("code"))})

    def taiwan():
        result = choropleth(values, measure_label="人口")
        return render_to_string("places/includes/choropleth.html", {"map": result})

    def county():
        result = choropleth(values, measure_label="人口", county="10013")
        return render_to_string("places/includes/choropleth.html", {"map": result})

    rows = {
        "table rows only (baseline)": measure(table_only, repeat),
        "Taiwan choropleth (368 + table)": measure(taiwan, repeat),
        "county view (Pingtung, 33)": measure(county, repeat),
    }
    print_table(rows, "table rows only (baseline)")
    artefact_bytes = ARTEFACT_PATH.stat().st_size
    print(f"\nartefact {ARTEFACT_PATH.name}: {artefact_bytes / 1000:.1f} kB")
    print(f"rendered Taiwan map: {len(taiwan().encode()) / 1000:.1f} kB of HTML")
    print(f"rendered county view: {len(county().encode()) / 1000:.1f} kB of HTML")


if __name__ == "__main__":
    main()
