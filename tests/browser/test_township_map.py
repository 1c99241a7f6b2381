"""Chromium draws the township map; a keyboard user tabs onto a township and opens it."""

import re

import pytest

from places.models import Township

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/homeward-township-map.png"


def test_keyboard_user_tabs_to_a_township_hears_its_figure_and_opens_its_county(page, live_server, townships):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 900, "height": 1200})
    page.goto(f"{live_server.url}/zh-hant/townships/map/?measure=aging_index")

    regions = page.locator(".choropleth-region")
    expect(regions).to_have_count(368)
    page.locator(".choropleth").screenshot(path=SCREENSHOT)
    box = page.locator(".choropleth-map").bounding_box()
    assert box["height"] > box["width"] > 300  # Taiwan is taller than wide

    page.get_by_role("button", name="顯示").focus()
    page.keyboard.press("Tab")

    first = Township.objects.with_county().order_by("code").first()
    expected = f"{first.county.name_zh}{first.name_zh}：{first.aging_index:,}"
    focused = page.locator(":focus")
    expect(focused).to_have_accessible_name(expected)
    expect(page.locator("[data-choropleth-readout]")).to_have_text(expected)
    assert page.locator("[data-choropleth-highlight]").get_attribute("href") == f"#township-map-path-{first.code}"

    page.keyboard.press("Tab")
    second = Township.objects.with_county().order_by("code")[1]
    expect(page.locator(":focus")).to_have_attribute("data-code", second.code)
    page.locator(".choropleth-map").screenshot(path="/tmp/homeward-township-map-focus.png")

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"county={second.county.code}#township-map-township-{second.code}$"))
    expect(page.locator(".choropleth-region")).to_have_count(
        Township.objects.filter(county__code=second.county.code).count()
    )
    page.locator(".choropleth-map").screenshot(path="/tmp/homeward-township-map-county.png")
