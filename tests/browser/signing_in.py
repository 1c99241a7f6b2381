"""Signing in through the real sign-in form, the way every signed-in browser journey starts."""

import re

from playwright.sync_api import expect

from tests.factories.accounts import PASSWORD


def sign_in(page, base_url, email, language="zh-hant"):
    page.goto(f"{base_url}/{language}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
