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


@pytest.mark.parametrize("width", [1280, 390])
def test_the_search_pages_suggestions_open_under_its_box(chromium, live_server, home_pages, townships, width):
    """The list once sat inside a <p>, which the parser closes before a <ul>: the suggestions covered the box typed
    in (1280 px) or opened two fields lower (390 px)."""
    from playwright.sync_api import expect

    from search.es import ElasticsearchEngine

    ElasticsearchEngine().refresh("townships")
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/en/search/")
    box = page.locator("#search-q")
    box.click()
    box.press_sequentially("Pingt", delay=50)
    listbox = page.locator("#search-q-listbox")
    expect(listbox).to_be_visible()

    typed_in, suggestions = box.bounding_box(), listbox.bounding_box()
    assert typed_in["y"] + typed_in["height"] <= suggestions["y"] <= typed_in["y"] + typed_in["height"] + 12
    assert abs(suggestions["x"] - typed_in["x"]) <= 2
    context.close()


def test_the_suggestions_are_in_the_pages_language_whatever_the_browsers(chromium, live_server, home_pages, townships):
    """The suggestions' address has no language prefix: a zh-hant page in an English browser listed
    "Pingtung City, Pingtung County · Townships" under the box."""
    from playwright.sync_api import expect

    from search.es import ElasticsearchEngine

    ElasticsearchEngine().refresh("townships")
    context = chromium.new_context(locale="en-US", viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/zh-hant/search/")
    box = page.locator("#search-q")
    box.click()
    box.press_sequentially("屏東", delay=50)
    options = page.locator("#search-q-listbox").get_by_role("option")
    expect(options.first).to_contain_text("屏東縣")
    assert all("鄉鎮市區" in text and "Township" not in text for text in options.all_inner_texts())
    context.close()
