"""A citizen subscribes to a plan: the project page sends them to Stripe Checkout (intercepted, so no network),
Stripe sends them back to our success page, Stripe's signed events arrive, and "My backings" shows the
subscription active with its first receipt."""

import re
import time

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.browser.signing_in import sign_in
from tests.factories.stripe import deliver, stripe_event

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.stripe, pytest.mark.django_db(transaction=True)]


def test_a_citizen_subscribes_comes_back_and_sees_the_subscription(live_server, listing, bob, page, settings):
    from payments.models import Backing

    plan = listing.subscription_plans.get()
    checkout_pages = []

    def stripe_checkout(route):
        checkout_pages.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<html><body><h1>Stripe Checkout (test)</h1></body>")

    page.route(re.compile(r"^https://checkout\.stripe\.com/.*"), stripe_checkout)
    sign_in(page, live_server.url, bob.email, language="en")

    page.goto(f"{live_server.url}{listing.project.url}")
    page.get_by_role("link", name=re.compile(plan.name)).click()
    page.get_by_role("button", name=re.compile("Stripe")).click()

    expect(page.get_by_role("heading", name="Stripe Checkout (test)")).to_be_visible()
    assert checkout_pages and checkout_pages[0].startswith("https://checkout.stripe.com/")
    backing = Backing.objects.get()
    assert (backing.kind, backing.status, backing.plan_id, backing.backer_id) == (
        "subscription",
        "pending",
        plan.pk,
        bob.pk,
    )

    # Stripe sends the subscriber back to our success page: it thanks them and changes nothing.
    page.goto(f"{live_server.url}/en/projects/{listing.project_id}/checkout/success/?backing={backing.pk}")
    expect(page.get_by_text("Thank you! Stripe has your payment")).to_be_visible()
    assert Backing.objects.get().status == "pending", "the browser's return proves nothing; the webhook does"

    # Then Stripe's signed events: the completed checkout and the first paid invoice.
    secret = settings.STRIPE_WEBHOOK_SECRET
    session = {
        "id": backing.stripe_checkout_session_id,
        "object": "checkout.session",
        "mode": "subscription",
        "payment_status": "paid",
        "amount_total": plan.price_twd * 100,
        "currency": "twd",
        "customer": "cus_browser_1",
        "customer_details": {"email": bob.email, "name": "Bob"},
        "metadata": {"backing_id": str(backing.pk)},
        "subscription": "sub_browser_1",
    }
    invoice = {
        "id": "in_browser_1",
        "object": "invoice",
        "amount_paid": plan.price_twd * 100,
        "currency": "twd",
        "customer": "cus_browser_1",
        "status_transitions": {"paid_at": int(time.time())},
        "parent": {
            "subscription_details": {"subscription": "sub_browser_1", "metadata": {"backing_id": str(backing.pk)}}
        },
    }
    for event in (stripe_event("checkout.session.completed", session), stripe_event("invoice.paid", invoice)):
        assert deliver(Client(), event, secret).status_code == 200

    page.goto(f"{live_server.url}/en/backings/")
    mine = page.locator(f'[data-backing="{backing.pk}"]')
    expect(mine).to_contain_text("Active")
    expect(mine).to_contain_text(f"NT${plan.price_twd:,}")
    mine.locator("details.receipts summary").click()  # the receipts fold away under their count
    expect(mine.get_by_role("link", name=re.compile(r"^HW-\d{4}-000001$"))).to_be_visible()
