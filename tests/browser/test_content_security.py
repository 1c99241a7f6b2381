"""Under the Content-Security-Policy the pages work in Chromium and the browser reports no violation: the public
pages (with their websocket), the Print button, and Wagtail's page editor and image screens."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories.browser import signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

# Recorded in every document before its own scripts run: the violations the page reports, and window.print calls.
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  var where = event.sourceFile + ":" + event.lineNumber;
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI + " " + where);
});
window.__printed = 0;
window.print = function () { window.__printed += 1; };
"""


def watched(context):
    """Console messages about the policy (Chromium logs every refusal) and the in-page violation events."""
    context.add_init_script(WATCH)
    refused = []
    context.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    return refused


def violations(page, refused):
    return refused + page.evaluate("window.__cspViolations")


@pytest.fixture
def market_with_campaign(home_pages, townships):
    from marketplace.models import DonationCampaign, ProjectListing
    from tests.factories.market import build_market

    market = build_market()
    listing = ProjectListing.objects.get(project=market["rice"])
    DonationCampaign.objects.create(
        listing=listing,
        goal_twd=10_000,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        funding_model=DonationCampaign.Model.KEEP_WHAT_YOU_RAISE,
    )
    market["listing"] = listing
    return market


def test_public_pages_run_their_scripts_and_socket_without_a_violation(
    chromium, asgi_live_server, market_with_campaign
):
    context = chromium.new_context(locale="zh-TW")
    refused = watched(context)
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto(asgi_live_server + "/zh-hant/")
    assert "js" in page.evaluate("document.documentElement.className").split()  # the head script ran
    page.goto(asgi_live_server + market_with_campaign["rice"].url)
    page.wait_for_selector('[data-funding-live="connected"]')  # the websocket opened under connect-src 'self'
    page.goto(asgi_live_server + "/zh-hant/search/?q=米")
    page.locator("input[name=q]").first.fill("關山")  # the combobox fetches suggestions
    page.wait_for_timeout(600)

    assert violations(page, refused) == []
    context.close()


def test_the_print_button_prints(chromium, asgi_live_server, listing, alice):
    from payments.models import Backing
    from tests.factories.payments import pending_donation, record_payment

    backing = pending_donation(listing, 800, backer=alice, status=Backing.Status.PAID)
    entry = record_payment(backing, receipt_number="HW-2026-000001")
    context = signed_in_context(chromium, alice, asgi_live_server)
    refused = watched(context)
    page = context.new_page()

    page.goto(asgi_live_server + reverse("payments:receipt", kwargs={"pk": entry.pk}))
    expect(page.locator("main")).to_contain_text("HW-2026-000001")
    button = page.locator("button[data-print]")
    expect(button).to_be_visible()
    button.click()

    assert page.evaluate("window.__printed") == 1
    assert violations(page, refused) == []
    context.close()


@pytest.fixture
def photo(tmp_path):
    import io

    from PIL import Image

    path = tmp_path / "cocoa.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (800, 500), (120, 70, 30)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def editor(cms_site):
    from allauth.account.models import EmailAddress
    from wagtail.users.models import UserProfile

    from accounts.models import User
    from tests.helpers import with_mfa

    user = User.objects.create_superuser("csp-editor@homeward.test", "a-long-password-5")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    with_mfa(user)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def test_the_wagtail_admin_works_under_its_policy(chromium, asgi_live_server, editor, photo):
    from cms.models import HomePage, StoryIndexPage

    context = signed_in_context(chromium, editor, asgi_live_server)
    refused = watched(context)
    page = context.new_page()
    seen = []

    def visit(path):
        page.goto(asgi_live_server + path)
        page.wait_for_load_state("networkidle")
        seen.extend(violations(page, refused))
        refused.clear()

    visit("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    visit("/admin/pages/")
    home = HomePage.objects.get(locale__language_code="zh-hant")
    visit(f"/admin/pages/{home.pk}/edit/")
    expect(page.locator("#id_title")).to_be_visible()
    page.locator("[data-side-panel-toggle='preview']").first.click()  # the live preview, framed by the editor
    expect(page.locator("iframe#w-preview-iframe, .preview-panel iframe").first).to_be_attached()
    page.wait_for_timeout(1500)
    seen.extend(violations(page, refused))
    refused.clear()
    index = StoryIndexPage.objects.get(locale__language_code="zh-hant")
    visit(f"/admin/pages/add/cms/storypage/{index.pk}/")
    page.fill("#id_title", "CSP")
    page.locator("#panel-child-content-body-section button.c-sf-add-button").first.click()
    page.get_by_role("option", name="Text").or_(page.get_by_role("button", name="Text")).first.click()
    page.locator("#panel-child-content-body-section .public-DraftEditor-content").first.click()
    page.keyboard.type("農民")
    page.locator("#panel-child-content-hero_image-section button.chooser__choose-button").first.click()
    page.locator(".modal").first.wait_for()
    page.wait_for_load_state("networkidle")
    seen.extend(violations(page, refused))
    refused.clear()
    visit("/admin/images/")
    visit("/admin/images/add/")
    page.fill("input[name=title]", "CSP")
    page.set_input_files("input[name=file]", str(photo))
    page.fill("input[name=description]", "可可豆")
    page.locator("form:has(input[name=file]) button[type=submit]").first.click()
    expect(page.locator(".messages")).to_contain_text("added")
    seen.extend(violations(page, refused))
    refused.clear()
    visit("/admin/images/multiple/add/")
    page.set_input_files("input[type=file]", str(photo))
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    seen.extend(violations(page, refused))
    refused.clear()
    visit("/admin/users/")
    visit("/django-admin/")

    assert seen == []
    context.close()
