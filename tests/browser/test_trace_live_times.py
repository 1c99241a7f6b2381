"""The project page's live readings: a value pushed over the socket is dated in Taiwan time, as the server dated
the others, whatever the zone of the reader's computer (a reader in New York saw the previous evening)."""

import types
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from traceability import measures

pytestmark = [pytest.mark.browser]

SCRIPT = Path(settings.BASE_DIR) / "traceability" / "static" / "traceability" / "readings.js"
SOCKET_STUB = """
window.homewardLiveSocket = function (url, handlers) { window.traceHandlers = handlers; };
"""


def panel_html(language):
    measure = measures.BY_CODE["water_temperature"]
    device = types.SimpleNamespace(
        pk=7, name="一號池探頭", township=types.SimpleNamespace(full_name="雲林縣口湖鄉"), is_quiet=False
    )
    row = {"measure": measure, "series": None, "latest": None, "chart": ""}
    with translation.override(language):
        return render_to_string(
            "traceability/includes/project_panel.html",
            {"devices": [{"device": device, "measures": [row]}], "batches": [], "ranges": {}, "project_id": 3},
        )


@pytest.mark.parametrize("language", ["zh-hant", "en", "ja"])
def test_a_pushed_reading_is_dated_in_taiwan_time_not_the_readers_zone(chromium, language):
    context = chromium.new_context(timezone_id="America/New_York", locale="en-US")
    page = context.new_page()
    try:
        page.set_content(f'<html lang="{language}"><body>{panel_html(language)}</body></html>')
        page.add_script_tag(content=SOCKET_STUB)
        page.add_script_tag(content=SCRIPT.read_text())
        page.evaluate("window.traceHandlers.onOpen()")
        # 00:30 UTC on 1 March is 08:30 in Taiwan, and 19:30 on 28 February in New York.
        page.evaluate(
            """window.traceHandlers.onMessage({event: "trace.readings", payload: {project_id: 3, device_id: 7,
               latest: {water_temperature: ["2026-03-01T00:30:00+00:00", 27.4]}}})"""
        )
        shown = page.locator("[data-trace-time]").inner_text()
        value = page.locator("[data-trace-value]").inner_text()
    finally:
        context.close()

    assert "08:30" in shown and "2026" in shown and "19:30" not in shown
    assert "28" not in shown.replace("2026", "")
    assert value.startswith("27.4")
