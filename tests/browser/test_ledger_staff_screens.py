"""Staff export and reconcile the ledger in the admin, and a Connect team reads its Stripe balance: each page in the
three languages at 1280 and 390 px (var/screenshots/, not committed: look at them)."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from marketplace.models import ProjectListing
from payments.ledger import write_entry
from payments.models import PayoutAccount
from tests.factories.browser import signed_in_context
from tests.factories.market import build_market
from tests.factories.payments import donation
from tests.helpers import with_mfa

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.stripe, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
HEADINGS = {
    "zh-hant": ("匯出帳本", "帳本與 Stripe 對帳"),
    "en": ("Export the ledger", "Reconcile the ledger with Stripe"),
    "ja": ("台帳をエクスポート", "台帳を Stripe と照合"),
}
SIZES = ((1280, 900), (390, 844))


@pytest.mark.timeout(1200)  # three languages, two widths, three pages: slow on a shared machine
def test_staff_ledger_export_and_reconciliation_and_the_connect_balance(
    chromium, asgi_live_server, home_pages, townships
):
    from wagtail.users.models import UserProfile

    from accounts.models import User

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    market = build_market()
    listing = ProjectListing.objects.get(project=market["rice"])
    today = datetime.date.today()
    backing, _payment = donation(listing, market["erin"], 1_200)
    write_entry(
        kind="transfer",
        listing=listing,
        backing=backing,
        amount_twd=-1_140,
        source_key="transfer:tr_screenshot",
        occurred_at=datetime.datetime.now(datetime.UTC),
    )
    PayoutAccount.objects.update_or_create(
        enterprise=listing.enterprise,
        defaults={"mode": "connect", "country": "JP", "stripe_account_id": "acct_screens", "charges_enabled": True},
    )
    staff = with_mfa(User.objects.create_superuser(email="ledger-staff@homeward.test", password="x"))
    range_query = f"date_from={today - datetime.timedelta(days=7)}&date_to={today}"
    for language, (export_title, reconcile_title) in HEADINGS.items():
        profile = UserProfile.get_for_user(staff)
        profile.preferred_language = language
        profile.save()
        context = signed_in_context(chromium, staff, asgi_live_server)
        team = signed_in_context(chromium, market["erin"], asgi_live_server)
        try:
            page = context.new_page()
            team_page = team.new_page()
            for width, height in SIZES:
                page.set_viewport_size({"width": width, "height": height})
                page.goto(f"{asgi_live_server}/admin/ledger/export/?date_from={today}&date_to=2020-01-01")
                expect(page.get_by_role("heading", name=export_title, exact=True)).to_be_attached()
                expect(page.locator(".help-critical")).to_contain_text("2020-01-01")
                page.screenshot(path=str(SCREENSHOTS / f"ledger-export-{language}-{width}.png"), full_page=True)
                page.goto(f"{asgi_live_server}/admin/ledger/reconcile/?{range_query}")
                expect(page.get_by_role("heading", name=reconcile_title, exact=True)).to_be_attached()
                expect(page.locator('[data-reconciliation="differences"]')).to_be_visible()
                page.screenshot(path=str(SCREENSHOTS / f"ledger-reconcile-{language}-{width}.png"), full_page=True)
                page.goto(f"{asgi_live_server}/admin/ledger/")
                expect(page.locator("table.listing tbody tr").first).to_be_visible()
                if width == 390:  # the ledger's columns stay readable and its box scrolls sideways, not the text
                    narrowest = page.evaluate(
                        "Math.min(...[...document.querySelectorAll('table.listing tbody tr:first-child td')]"
                        ".map(cell => cell.getBoundingClientRect().width))"
                    )
                    box = page.locator("table.listing").locator("xpath=..")
                    assert narrowest >= 80, narrowest
                    assert box.evaluate("element => getComputedStyle(element).overflowX") == "auto"
                    assert box.evaluate("element => element.scrollWidth > element.clientWidth")
                page.screenshot(path=str(SCREENSHOTS / f"ledger-list-{language}-{width}.png"), full_page=True)
                team_page.set_viewport_size({"width": width, "height": height})
                slug = listing.enterprise.organisation.slug
                team_page.goto(f"{asgi_live_server}/{language}/enterprises/{slug}/payouts/")
                expect(team_page.locator("[data-stripe-available]")).to_be_visible()
                team_page.screenshot(path=str(SCREENSHOTS / f"payouts-connect-{language}-{width}.png"), full_page=True)
        finally:
            context.close()
            team.close()
