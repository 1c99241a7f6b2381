"""A visitor backs a project through the demo checkout of `make run` (no Stripe keys) while someone else watches
the project page: the demo page says no money moves, "pay" sends signed events through the real webhook, the
visitor is thanked on the project page and the watcher's progress bar moves without reloading. The demo page is
screenshot at 1280 and 390 px in the three languages (var/screenshots/, not committed) and checked with axe-core."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from marketplace.models import DonationCampaign, ProjectListing
from payments.models import Backing, LedgerEntry, StripeEvent
from tests.browser.test_design import SCREENSHOTS, axe_violations
from tests.factories.market import build_market

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_a_visitor_backs_a_project_with_the_demo_checkout_and_a_second_page_sees_the_bar_move(
    demo_asgi_live_server, chromium, home_pages, townships
):
    server = demo_asgi_live_server
    market = build_market()
    listing = ProjectListing.objects.get(project=market["rice"])
    DonationCampaign.objects.create(
        listing=listing,
        goal_twd=10_000,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        funding_model=DonationCampaign.Model.KEEP_WHAT_YOU_RAISE,
        suggested_amounts_twd=[300, 1_000],
    )
    project_url = server + market["rice"].url
    watcher_context = chromium.new_context(locale="zh-TW")
    visitor_context = chromium.new_context(locale="zh-TW")
    try:
        watcher = watcher_context.new_page()
        watcher.goto(project_url)
        watcher.wait_for_selector('[data-funding-live="connected"]')
        expect(watcher.locator('[data-funding="raised"]')).to_have_text("NT$0")
        watcher.evaluate("window.__notReloaded = true")

        visitor = visitor_context.new_page()
        visitor.set_default_timeout(15_000)
        visitor.goto(project_url)
        expect(visitor.locator(".funding-panel [data-demo-checkout]")).to_contain_text("示範——不會有任何金流")
        visitor.get_by_label("NT$1,000").check()
        visitor.get_by_role("button", name="捐款", exact=True).click()

        expect(visitor).to_have_url(re.compile(r"/zh-hant/demo-checkout/[^/]+/$"))
        expect(visitor.get_by_role("heading", name="示範結帳")).to_be_visible()
        expect(visitor.get_by_role("note")).to_contain_text("示範——不會有任何金流")
        demo_url = visitor.url
        _look_at(chromium, demo_url)
        assert Backing.objects.get().status == "pending"

        visitor.get_by_label("收據寄送的電子郵件").fill("visitor@example.tw")
        visitor.locator("[data-demo-pay]").click()

        expect(visitor).to_have_url(project_url)
        expect(visitor.locator(".messages")).to_contain_text("示範支持已記錄")
        expect(visitor.locator('[data-funding="raised"]')).to_have_text("NT$1,000")
        watcher.wait_for_function(
            "() => document.querySelector('[data-funding=\"raised\"]').textContent === 'NT$1,000'", timeout=5_000
        )
        assert watcher.locator('[data-funding="backers"]').inner_text() == "1"
        assert watcher.evaluate("document.querySelector('[data-funding=\"progress\"]').value") == 1_000
        assert watcher.evaluate("window.__notReloaded") is True

        # The back button and a second click: the page says it is paid, and nothing is recorded twice.
        visitor.goto(demo_url)
        expect(visitor.get_by_text("此筆付款已完成。")).to_be_visible()
    finally:
        visitor_context.close()
        watcher_context.close()

    backing = Backing.objects.get()
    assert (backing.status, backing.backer_email, backing.amount_twd) == ("paid", "visitor@example.tw", 1_000)
    assert list(StripeEvent.objects.values_list("type", "status")) == [("checkout.session.completed", "processed")]
    assert LedgerEntry.objects.get().amount_twd == 1_000


def _look_at(chromium, demo_url):
    """Screenshots of the unpaid demo page at two widths in three languages; axe-core finds nothing."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for width in (1280, 390):
        context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-TW")
        page = context.new_page()
        for language, banner in (
            ("zh-hant", "示範——不會有任何金流"),
            ("en", "Demo — no money moves"),
            ("ja", "デモ — お金は動きません"),
        ):
            page.goto(demo_url.replace("/zh-hant/", f"/{language}/", 1))
            expect(page.get_by_role("note")).to_contain_text(banner)
            page.screenshot(path=str(SCREENSHOTS / f"demo-checkout-{language}-{width}.png"), full_page=True)
            problems += [f"{language} {width}px: {problem}" for problem in axe_violations(page)]
        context.close()
    assert not problems, "axe-core found WCAG 2.2 AA violations:\n" + "\n".join(problems)
