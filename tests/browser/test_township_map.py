"""Chromium draws the township map; a keyboard user skips it, or enters it once and moves with the arrow keys."""

import re

import pytest

from places.models import Township

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/homeward-township-map.png"


def test_keyboard_user_enters_the_map_once_moves_with_arrows_and_opens_a_county(page, live_server, townships):
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
    expect(page.locator(":focus")).to_have_text("略過地圖，前往數據表格")
    page.keyboard.press("Tab")

    first = Township.objects.with_county().order_by("code").first()
    expected = f"{first.county.name_zh}{first.name_zh}：{first.aging_index:,}"
    focused = page.locator(":focus")
    expect(focused).to_have_accessible_name(expected)
    expect(page.locator("[data-choropleth-readout]")).to_have_text(expected)
    assert page.locator("[data-choropleth-highlight]").get_attribute("href") == f"#township-map-path-{first.code}"

    page.keyboard.press("ArrowDown")  # the nearest township to the south
    focused = page.locator(":focus")
    expect(focused).to_have_class("choropleth-region")
    moved_to = focused.get_attribute("data-code")
    assert moved_to != first.code
    expect(focused).to_have_attribute("tabindex", "0")
    expect(page.locator(f'[data-code="{first.code}"]')).to_have_attribute("tabindex", "-1")
    assert page.locator('.choropleth-region[tabindex="0"]').count() == 1
    page.locator(".choropleth-map").screenshot(path="/tmp/homeward-township-map-focus.png")

    page.keyboard.press("Tab")  # one stop: Tab leaves the map for the table
    expect(page.locator(":focus")).to_have_text("以表格顯示數據")
    page.keyboard.press("Shift+Tab")  # and Shift+Tab comes back to where the user was
    expect(page.locator(":focus")).to_have_attribute("data-code", moved_to)

    page.keyboard.press("Enter")
    county = Township.objects.select_related("county").get(code=moved_to).county.code
    expect(page).to_have_url(re.compile(rf"county={county}#township-map-township-{moved_to}$"))
    expect(page.locator(".choropleth-region")).to_have_count(Township.objects.filter(county__code=county).count())
    page.locator(".choropleth-map").screenshot(path="/tmp/homeward-township-map-county.png")


def test_skip_the_map_opens_the_table_and_moves_there(page, live_server, townships):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/en/townships/map/")

    page.get_by_role("link", name="Skip the map: go to the table of figures").click()

    expect(page.locator(".choropleth-table")).to_have_attribute("open", "")
    expect(page.locator(":focus")).to_have_text("Show the figures as a table")
    expect(page.get_by_role("row", name=re.compile("Neipu"))).to_be_visible()
