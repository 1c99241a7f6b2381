"""Signed-in pages keep their parts apart at a desktop width in the three languages: a form's button does not touch
the heading that follows the form (the company ties page's 追加 sat on 「あなた自身の出身地」)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.browser.signing_in import sign_in
from tests.browser.test_phone_width import LANGUAGES
from tests.factories.market import build_market

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

GAPS = """() => [...document.querySelectorAll("main form")]
  .filter((form) => /^H[2-4]$/.test(form.nextElementSibling?.tagName || ""))
  .map((form) => form.nextElementSibling.getBoundingClientRect().top
    - form.querySelector("button[type=submit]").getBoundingClientRect().bottom)"""


def test_the_company_ties_add_button_stands_clear_of_the_next_heading(chromium, live_server, home_pages, townships):
    cache.clear()  # sign-in rate limits
    market = build_market()
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(15_000)
    # the company's admin: the "add a tie" form is hers
    sign_in(page, live_server.url, "carol@example.tw", language="en")
    path = reverse("marketplace:company_ties", kwargs={"slug": market["company_org"].slug})
    gaps = {}
    for language in LANGUAGES:
        page.goto(live_server.url + path.replace("/zh-hant/", f"/{language}/", 1))
        gaps[language] = page.evaluate(GAPS)
    context.close()

    assert all(gaps.values()), f"no form followed by a heading: {gaps}"
    assert all(gap >= 16 for found in gaps.values() for gap in found), f"a button touches the next heading: {gaps}"
