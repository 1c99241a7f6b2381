"""A company member signs in, opens "Recommended for you", reads why a project fits and expresses interest."""

import pytest
from django.core.cache import cache

from marketplace.models import Interest
from notifications.models import Notification
from tests.browser.signing_in import sign_in
from tests.factories.market import build_market

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()  # sign-in rate limits
    yield
    cache.clear()


def test_a_company_member_sees_a_reason_and_expresses_interest(page, live_server, home_pages, townships):
    market = build_market()
    sign_in(page, live_server.url, "dave@example.tw", language="en")

    page.goto(f"{live_server.url}/en/organisations/{market['company_org'].slug}/")
    page.get_by_role("link", name="Recommended for you").first.click()
    page.wait_for_load_state()

    rice = page.locator(".recommendation-card", has_text="關山米")
    assert "Guanshan Township, Taitung County is a priority area for regional revitalization." in rice.inner_text()
    assert page.get_by_label("Message to the team").count() == 1, "one dialog, not a message box under every card"
    rice.get_by_role("button", name="Express interest").click()
    dialog = page.get_by_role("dialog", name="Express interest in 關山米")
    assert dialog.is_visible(), "the dialog is named after the project, with a space before the title"
    dialog.get_by_label("Message to the team").fill("We would like to visit.")
    dialog.get_by_role("button", name="Send").click()
    page.wait_for_load_state()

    assert "/interests/" in page.url
    assert "The team of 關山米 has been told of your interest." in page.locator("main").inner_text()
    interest = Interest.objects.get()
    assert (interest.project_id, interest.message) == (market["rice"].pk, "We would like to visit.")
    assert Notification.objects.filter(recipient=market["erin"], kind=Notification.Kind.NEW_INTEREST).exists()
