"""The header search box suggests as one types (ARIA combobox) and a keyboard user picks a suggestion."""

import re

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.elasticsearch,
    pytest.mark.django_db(transaction=True),
]


def test_typing_pingtung_suggests_townships_and_the_keyboard_chooses_one(page, live_server, home_pages, townships):
    from playwright.sync_api import expect

    from search.es import ElasticsearchEngine

    ElasticsearchEngine().refresh("townships")  # loading the townships indexed them through the task
    page.goto(f"{live_server.url}/zh-hant/")
    box = page.get_by_role("combobox", name="搜尋專案、故事、企業與鄉鎮")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.click()
    box.press_sequentially("屏東", delay=50)

    listbox = page.locator("#header-search-q-listbox")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options.first).to_contain_text("屏東")
    assert options.count() >= 2
    assert all("屏東" in text for text in options.all_inner_texts())

    box.press("ArrowDown")
    box.press("ArrowDown")
    second = options.nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    expect(box).to_be_focused()  # focus stays in the box; the option is announced through aria-activedescendant
    chosen = second.inner_text().split(" · ")[0]

    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("ArrowDown")  # opens the list again
    expect(listbox).to_be_visible()
    box.press("ArrowDown")
    box.press("ArrowDown")
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/zh-hant/search/\?township=\d+$"))
    expect(page.locator(".results h3").first).to_contain_text(chosen)
