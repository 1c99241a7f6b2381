"""A backer subscribes to a plan that ships goods through the demo checkout: a postal code of another township is
refused with the form kept, a right one goes on to the demo checkout, and the team finds the backer, with the
address, on the month's fulfilment list and marks the parcel shipped; the backer is told."""

import re

import pytest
from playwright.sync_api import expect

from marketplace.models import ProjectListing, SubscriptionPlan
from notifications.models import Notification
from payments.models import Backing, DeliveryAddress, Shipment
from tests.browser.signing_in import sign_in
from tests.factories.accounts import UserFactory
from tests.factories.market import build_market

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_a_backer_gives_an_address_at_the_demo_checkout_and_the_team_ships(
    demo_asgi_live_server, chromium, home_pages, townships
):
    server = demo_asgi_live_server
    market = build_market()
    listing = ProjectListing.objects.get(project=market["rice"])
    plan = SubscriptionPlan.objects.create(
        listing=listing, name="每月一袋米", price_twd=600, rewards="關山米 2 公斤", ships_goods=True, ship_day=28
    )
    backer = UserFactory(email="backer@example.tw", display_name="米粉")

    backer_context = chromium.new_context(locale="zh-TW")
    team_context = chromium.new_context(locale="zh-TW")
    try:
        page = backer_context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, server, backer.email)
        page.goto(f"{server}/zh-hant/projects/{listing.project_id}/plans/{plan.pk}/subscribe/")
        page.get_by_label("收件人").fill("米粉")
        page.get_by_label("電話").fill("０９１２－３４５－６７８")
        page.get_by_label("縣市").select_option(label="臺東縣")
        page.get_by_label("鄉鎮市區").select_option(label="關山鎮")
        page.get_by_label("郵遞區號").fill("950")  # Taitung City's, not Guanshan's (956)
        page.get_by_label("街道地址").fill("中山路 1 號")
        page.get_by_role("button", name="前往示範結帳").click()

        expect(page.locator(".error-summary")).to_contain_text("956")
        expect(page.get_by_label("街道地址")).to_have_value("中山路 1 號")
        assert not Backing.objects.exists()

        page.get_by_label("郵遞區號").fill("956")
        page.get_by_role("button", name="前往示範結帳").click()
        expect(page).to_have_url(re.compile(r"/zh-hant/demo-checkout/[^/]+/$"))
        page.get_by_label("收據寄送的電子郵件").fill(backer.email)
        page.locator("[data-demo-pay]").click()
        expect(page.locator(".messages")).to_contain_text("示範支持已記錄")

        backing = Backing.objects.get()
        assert backing.status == "active"
        assert backing.delivery_address.phone == "0912345678"

        team = team_context.new_page()
        team.set_default_timeout(15_000)
        sign_in(team, server, market["erin"].email)
        team.goto(f"{server}/zh-hant/projects/{listing.project_id}/fulfilment/")
        row = team.locator(f'tr[data-backing="{backing.pk}"]')
        expect(row).to_contain_text("956 臺東縣關山鎮中山路 1 號")
        row.get_by_placeholder("貨運追蹤號碼（選填）").fill("TW-0001")
        row.get_by_role("button", name="標示為已出貨").click()
        expect(team.locator(".messages")).to_contain_text("已標示為已出貨")
        expect(team.locator(f'tr[data-backing="{backing.pk}"]')).to_contain_text("TW-0001")
    finally:
        backer_context.close()
        team_context.close()

    assert Shipment.objects.get().tracking_number == "TW-0001"
    assert Notification.objects.filter(recipient=backer, kind="parcel_shipped").count() == 1
    assert DeliveryAddress.objects.count() == 1
