"""A signed-in person donates from a project page: the form sends them to Stripe Checkout (intercepted, so no
network), Stripe's signed checkout.session.completed arrives, and then "My backings" shows the donation paid and
the project page shows the new total."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.signing_in import sign_in
from tests.factories.stripe import deliver, stripe_event

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.stripe, pytest.mark.django_db(transaction=True)]


def test_a_person_donates_from_the_project_page_and_sees_it_paid(live_server, listing, bob, page, settings):
    from marketplace.models import DonationCampaign
    from payments.models import Backing

    DonationCampaign.objects.create(
        listing=listing,
        goal_twd=10_000,
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        funding_model="keep_what_you_raise",
        suggested_amounts_twd=[300, 1_000],
    )
    checkout_pages = []

    def stripe_checkout(route):
        checkout_pages.append(route.request.url)
        route.fulfill(
            status=200, content_type="text/html", body="<html><body><h1>Stripe Checkout (test)</h1></body></html>"
        )

    page.route(re.compile(r"^https://checkout\.stripe\.com/.*"), stripe_checkout)
    sign_in(page, live_server.url, bob.email, language="en")

    project_url = f"{live_server.url}{listing.project.url}"
    page.goto(project_url)
    page.get_by_label("NT$1,000").check()
    page.get_by_label("匿名支持").check()  # the project page is in Chinese
    page.get_by_role("button", name="捐款", exact=True).click()  # the designed panel: "Donate"

    expect(page.get_by_role("heading", name="Stripe Checkout (test)")).to_be_visible()
    assert checkout_pages and checkout_pages[0].startswith("https://checkout.stripe.com/")
    backing = Backing.objects.get()
    assert (backing.status, backing.amount_twd, backing.backer_id, backing.anonymous) == (
        "pending",
        1_000,
        bob.pk,
        True,
    )

    # Stripe tells us the payment succeeded.
    session = {
        "id": backing.stripe_checkout_session_id,
        "object": "checkout.session",
        "mode": "payment",
        "payment_status": "paid",
        "amount_total": 100_000,
        "currency": "twd",
        "customer_details": {"email": bob.email, "name": "Bob"},
        "metadata": {"backing_id": str(backing.pk)},
        "payment_intent": "pi_browser_1",
    }
    response = deliver(Client(), stripe_event("checkout.session.completed", session), settings.STRIPE_WEBHOOK_SECRET)
    assert response.status_code == 200

    page.goto(f"{live_server.url}/en/backings/")
    mine = page.locator(f'[data-backing="{backing.pk}"]')
    expect(mine).to_contain_text("Paid")
    expect(mine).to_contain_text("NT$1,000")
    mine.locator("details.receipts summary").click()  # the receipts fold away under their count
    expect(mine.get_by_role("link", name=re.compile(r"^HW-\d{4}-000001$"))).to_be_visible()

    page.goto(project_url)
    expect(page.locator('[data-funding="raised"]')).to_have_text("NT$1,000")
    expect(page.locator('[data-funding="backers"]')).to_have_text("1")
