"""Live pages in Chromium through daphne and Redis: a project's progress moves when a payment is confirmed, and a
company member and a team member talk in a conversation without reloading."""

import datetime
import threading

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from marketplace.models import DonationCampaign, ProjectListing
from tests.factories.accounts import UserFactory
from tests.factories.browser import signed_in_context
from tests.factories.market import accepted_conversation, build_market
from tests.factories.stripe import pay_through_webhook


def in_another_thread(function, *args):
    """Playwright's event loop runs in this thread and async_to_sync (the channel layer send) refuses to run beside
    it; the webhook handler runs in a request thread of its own anyway."""
    from django.db import connection

    errors, results = [], []

    def run():
        try:
            results.append(function(*args))
        except Exception as error:  # reported to the test below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not errors, errors
    return results[0]


pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_the_progress_bar_and_total_change_without_reloading(asgi_live_server, page, home_pages, townships):
    market = build_market()
    listing = ProjectListing.objects.get(project=market["rice"])
    DonationCampaign.objects.create(
        listing=listing,
        goal_twd=10_000,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        funding_model=DonationCampaign.Model.KEEP_WHAT_YOU_RAISE,
    )
    page.goto(asgi_live_server + market["rice"].url)
    panel = page.locator("[data-funding-project]")
    assert panel.locator('[data-funding="raised"]').inner_text() == "NT$0"
    page.wait_for_selector('[data-funding-live="connected"]')
    page.evaluate("window.__notReloaded = true")

    # Someone pays: Stripe confirms it with a signed checkout.session.completed delivered to our webhook.
    in_another_thread(pay_through_webhook, listing, UserFactory(email="backer@example.tw"), 1_234, "browser")

    page.wait_for_function(
        "() => document.querySelector('[data-funding=\"raised\"]').textContent === 'NT$1,234'", timeout=3_000
    )
    assert panel.locator('[data-funding="backers"]').inner_text() == "1"
    assert panel.locator('[data-funding="percent"]').inner_text() == "12"
    assert panel.locator('[data-funding="progress"]').get_attribute("value") is not None
    assert page.evaluate("document.querySelector('[data-funding=\"progress\"]').value") == 1_234
    assert page.evaluate("window.__notReloaded") is True


def test_a_company_member_and_a_team_member_talk_live(asgi_live_server, chromium, home_pages, townships):
    market = build_market()
    conversation = in_another_thread(accepted_conversation, market)  # it notifies live, too
    dave_context = signed_in_context(chromium, market["dave"], asgi_live_server)
    # Erin reads from abroad, in a browser set to another language and time zone than the page's.
    erin_context = signed_in_context(chromium, market["erin"], asgi_live_server, timezone_id="Europe/London")
    try:
        dave, erin = dave_context.new_page(), erin_context.new_page()
        url = f"{asgi_live_server}/en/conversations/{conversation.pk}/"
        for page in (dave, erin):
            page.goto(url)
            page.wait_for_selector('[data-live="connected"]')

        dave.get_by_role("textbox", name="Message").fill("下週去關山看稻田 https://example.tw/visit <b>好嗎</b>")
        dave.get_by_role("button", name="Send").click()

        erin_message = erin.locator(".message-item").last
        erin_message.wait_for()
        assert "下週去關山看稻田" in erin_message.inner_text()
        assert "<b>好嗎</b>" in erin_message.inner_text(), "typed HTML is shown as text"
        assert erin_message.locator("a").get_attribute("href") == "https://example.tw/visit"
        # Its time is written as the page writes the others: in English, in Taiwan's time zone.
        sent = conversation.messages.get()
        with translation.override("en"):
            expected = date_format(timezone.localtime(sent.created), "SHORT_DATETIME_FORMAT")
        assert erin_message.locator("time").inner_text() == expected

        erin.get_by_role("textbox", name="Message").fill("好，歡迎！")
        erin.get_by_role("button", name="Send").click()
        dave.locator(".message-item", has_text="好，歡迎！").wait_for()

        assert dave.locator(".message-item").count() == 2 and erin.locator(".message-item").count() == 2
        assert conversation.messages.count() == 2
    finally:
        dave_context.close()
        erin_context.close()
