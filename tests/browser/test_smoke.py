"""Chromium opens the public home page and the admin sign-in."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_home_page_in_chinese_then_english(page, live_server, home_pages):
    page.goto(f"{live_server.url}/")

    assert page.url == f"{live_server.url}/zh-hant/"
    assert page.locator("html").get_attribute("lang") == "zh-Hant-TW"
    assert page.title() == "Homeward 台灣地方創生平台"
    assert page.locator("h1").inner_text() == "Homeward 地方創生平台"

    page.get_by_role("navigation", name="語言").get_by_role("link", name="English").click()

    assert page.url == f"{live_server.url}/en/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.title() == "Homeward — regional revitalization in Taiwan"
    assert page.locator("h1").inner_text() == "Homeward: regional revitalization in Taiwan"


def test_skip_link_is_the_first_stop_for_keyboard_users(page, live_server, home_pages):
    page.goto(f"{live_server.url}/en/")

    page.keyboard.press("Tab")

    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"


def test_admin_sign_in_page(page, live_server):
    page.goto(f"{live_server.url}/admin/")

    # Staff sign in through the site's (allauth) sign-in, so two-factor authentication applies.
    assert "/zh-hant/accounts/login/?next=/admin/" in page.url
    assert page.locator("html").get_attribute("lang") == "zh-Hant-TW"
    assert page.locator("h1").inner_text() == "登入"
    assert page.locator("input[name=login]").count() == 1
