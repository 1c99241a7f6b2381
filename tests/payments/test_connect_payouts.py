"""Stripe Connect that pays out: destination charges at Checkout, transfers and application fees in the ledger from
signed events in Stripe's shapes (exactly once, in any order), refunds that reverse both, the team's Stripe balance.

Every Stripe request goes to stripe-mock (it validates the parameters against Stripe's API); StripeRequests only
records what was sent.
"""

import time

import pytest
from django.urls import reverse
from django.utils import timezone

from core.actions import ActionRefused
from payments import checkout, ledger, payouts, refunds, stripe_api
from payments.models import Backing, LedgerEntry, PayoutAccount, ProjectLedgerTotals, RefundRequest
from tests.factories.payments import donation
from tests.factories.stripe import deliver, session_completed, stripe_event
from tests.helpers import with_mfa
from tests.payments.test_payment_checkout import StripeRequests

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.stripe]

ACCOUNT = "acct_1TeamJapan"


@pytest.fixture
def stripe_requests(monkeypatch):
    return StripeRequests(monkeypatch)


@pytest.fixture
def connect_team(listing):
    PayoutAccount.objects.update_or_create(
        enterprise=listing.enterprise,
        defaults={
            "mode": PayoutAccount.Mode.CONNECT,
            "country": "JP",
            "stripe_account_id": ACCOUNT,
            "details_submitted": True,
            "charges_enabled": True,
            "payouts_enabled": True,
        },
    )
    return listing


@pytest.fixture
def staff(django_user_model):
    return with_mfa(django_user_model.objects.create_superuser("staff@example.tw", "x-long-password-1"))


def _body(stripe_requests, path):
    [body] = [body for verb, called, body in stripe_requests.calls if verb == "POST" and called == path]
    return body


# --- Checkout -------------------------------------------------------------------------------------


def test_a_connect_teams_donation_is_a_destination_charge_with_the_platform_fee(
    connect_team, campaign, bob, stripe_requests, settings
):
    settings.PLATFORM_FEE_PERCENT = 5
    url = checkout.start_donation(
        bob, connect_team, amount_twd=1_250, anonymous=False, name="Bob", success_url="https://x/s", cancel_url="x"
    )

    assert url.startswith("https://")
    body = _body(stripe_requests, "checkout/sessions")
    backing = Backing.objects.get(listing=connect_team)
    assert f"payment_intent_data[transfer_data][destination]={ACCOUNT}" in body
    assert "payment_intent_data[application_fee_amount]=6300" in body  # 5% of NT$1,250 = NT$62.5 → NT$63
    assert f"payment_intent_data[transfer_group]=homeward-backing-{backing.pk}" in body
    assert backing.connect_account_id == ACCOUNT


def test_a_connect_teams_subscription_bills_each_invoice_to_its_account(
    connect_team, plan, bob, stripe_requests, settings
):
    settings.PLATFORM_FEE_PERCENT = 5
    checkout.start_subscription(bob, plan, anonymous=False, name="Bob", success_url="https://x/s", cancel_url="x")

    body = _body(stripe_requests, "checkout/sessions")
    assert f"subscription_data[transfer_data][destination]={ACCOUNT}" in body
    assert "subscription_data[application_fee_percent]=5" in body
    assert Backing.objects.get(plan=plan).connect_account_id == ACCOUNT


def test_a_platform_collected_team_gets_ordinary_charges(listing, campaign, bob, stripe_requests):
    checkout.start_donation(
        bob, listing, amount_twd=500, anonymous=False, name="Bob", success_url="https://x/s", cancel_url="x"
    )

    body = _body(stripe_requests, "checkout/sessions")
    assert "transfer_data" not in body and "application_fee" not in body
    assert Backing.objects.get(listing=listing).connect_account_id == ""


def test_a_connect_team_not_yet_able_to_take_payments_is_refused_before_anything_starts(
    connect_team, bob, stripe_requests
):
    PayoutAccount.objects.filter(enterprise=connect_team.enterprise).update(charges_enabled=False)

    with pytest.raises(ActionRefused) as refused:
        checkout.start_donation(
            bob, connect_team, amount_twd=500, anonymous=False, name="Bob", success_url="https://x", cancel_url="x"
        )

    assert refused.value.code == "connect_not_ready"
    assert not Backing.objects.filter(listing=connect_team).exists()
    assert stripe_requests.calls == []


# --- events: transfers and application fees ---------------------------------------------------------


def _transfer(backing, charge, amount, reversals=()):
    return {
        "id": "tr_1",
        "object": "transfer",
        "amount": amount * 100,
        "amount_reversed": sum(reversal["amount"] for reversal in reversals),
        "currency": "twd",
        "created": int(time.time()),
        "destination": ACCOUNT,
        "source_transaction": charge,
        "transfer_group": f"homeward-backing-{backing.pk}",
        "reversed": False,
        "reversals": {"object": "list", "data": list(reversals), "has_more": False},
        "metadata": {},
    }


def _application_fee(charge, amount, refunds=()):
    return {
        "id": "fee_1",
        "object": "application_fee",
        "account": ACCOUNT,
        "amount": amount * 100,
        "amount_refunded": sum(refund["amount"] for refund in refunds),
        "currency": "twd",
        "created": int(time.time()),
        "charge": "py_1",  # the payment on the connected account
        "originating_transaction": charge,  # the charge on Homeward's account
        "refunded": False,
        "refunds": {"object": "list", "data": list(refunds), "has_more": False},
    }


def _refund(refund_id, amount, **fields):
    return {"id": refund_id, "object": "refund", "amount": amount * 100, "created": int(time.time()), **fields}


@pytest.fixture
def charge_id():
    return "ch_connect_1"


@pytest.fixture
def routed(connect_team, bob, charge_id):
    """A donation of NT$1,000 routed to the team's Stripe account; its payment intent is the one stripe-mock's
    charges name (None: an event that reaches the backing only through its charge cannot place it yet)."""
    payment_intent = stripe_api.retrieve_charge(charge_id)["payment_intent"] or "pi_connect_1"
    return Backing.objects.create(
        kind=Backing.Kind.DONATION,
        listing=connect_team,
        backer=bob,
        backer_email=bob.email,
        amount_twd=1_000,
        connect_account_id=ACCOUNT,
        stripe_payment_intent_id=payment_intent,
    )


def _events(routed, charge_id):
    payment_intent = routed.stripe_payment_intent_id
    return {
        "paid": stripe_event(
            "checkout.session.completed", session_completed(routed, payment_intent=payment_intent), "evt_paid"
        ),
        "transfer": stripe_event("transfer.created", _transfer(routed, charge_id, 1_000), "evt_transfer"),
        "fee": stripe_event("application_fee.created", _application_fee(charge_id, 50), "evt_fee"),
    }


def _kinds(listing):
    return sorted(
        LedgerEntry.objects.filter(listing=listing).values_list("kind", "amount_twd", "platform_fee_twd", "source_key")
    )


def _totals_match_a_rebuild(listing):
    before = ProjectLedgerTotals.objects.filter(listing=listing).values().first()
    ledger.rebuild_totals()
    return before == ProjectLedgerTotals.objects.filter(listing=listing).values().first()


EXPECTED_PAID = [
    ("app_fee", 50, 0, "application_fee:fee_1"),
    ("payment", 1_000, 50, None),
    ("transfer", -1_000, 0, "transfer:tr_1"),
]


@pytest.mark.parametrize(
    "order",
    [("paid", "transfer", "fee"), ("fee", "transfer", "paid"), ("transfer", "fee", "paid", "fee", "transfer", "paid")],
    ids=["in order", "reversed", "duplicated"],
)
def test_transfers_and_application_fees_are_recorded_once_whatever_the_order(
    client, settings, routed, charge_id, order
):
    settings.PLATFORM_FEE_PERCENT = 5
    events = _events(routed, charge_id)

    failed = []
    for name in order:
        response = deliver(client, events[name], settings.STRIPE_WEBHOOK_SECRET)
        assert response.status_code in (200, 500), response.content
        if response.status_code == 500:
            failed.append(name)
    # A fee Stripe sends before anything placed its charge cannot be recorded yet: it fails loudly (500), and
    # Stripe's next delivery of it, after the transfer named the charge, records it.
    assert failed == (["fee"] if order[0] == "fee" else [])
    for name in failed:
        assert deliver(client, events[name], settings.STRIPE_WEBHOOK_SECRET).status_code == 200

    rows = [
        (kind, amount, fee, key if kind != "payment" else None) for kind, amount, fee, key in _kinds(routed.listing)
    ]
    assert rows == EXPECTED_PAID
    assert LedgerEntry.objects.get(kind="transfer").stripe_charge_id == charge_id
    # Raised counts the payment; Homeward holds nothing of it: it is in the team's Stripe account.
    assert ledger.totals_for_project(routed.listing.project_id).raised_twd == 1_000
    assert payouts.ledger_balance([routed.listing]) == 0
    assert _totals_match_a_rebuild(routed.listing)


def test_a_refund_reverses_its_share_of_the_transfer_and_of_the_fee(client, settings, routed, charge_id):
    settings.PLATFORM_FEE_PERCENT = 5
    secret = settings.STRIPE_WEBHOOK_SECRET
    for event in _events(routed, charge_id).values():
        deliver(client, event, secret)
    refund = _refund("re_1", 400, status="succeeded", charge=charge_id, transfer_reversal="trr_1")
    charge = {
        "id": charge_id,
        "object": "charge",
        "amount": 100_000,
        "amount_refunded": 40_000,
        "refunded": False,
        "payment_intent": routed.stripe_payment_intent_id,
        "transfer_data": {"destination": ACCOUNT},
        "refunds": {"object": "list", "data": [refund], "has_more": False},
    }
    reversal = {"id": "trr_1", "object": "transfer_reversal", "amount": 40_000, "created": int(time.time())}
    fee_refund = _refund("fr_1", 20, object="fee_refund", fee="fee_1")
    # Out of order and twice: the fee refund first, the transfer's reversal before the charge's refund.
    later = [
        stripe_event("application_fee.refunded", _application_fee(charge_id, 50, [fee_refund]), "evt_fee_refund"),
        stripe_event("transfer.reversed", _transfer(routed, charge_id, 1_000, [reversal]), "evt_reversed"),
        stripe_event("charge.refunded", charge, "evt_refunded"),
        stripe_event("transfer.updated", _transfer(routed, charge_id, 1_000, [reversal]), "evt_transfer_again"),
    ]
    for event in later + later:
        assert deliver(client, event, secret).status_code == 200

    amounts = {key: (amount, fee) for _kind, amount, fee, key in _kinds(routed.listing)}
    assert amounts["refund:re_1"] == (-400, -20)
    assert amounts["transfer_reversal:trr_1"] == (400, 0)
    assert amounts["fee_refund:fr_1"] == (-20, 0)
    assert LedgerEntry.objects.filter(listing=routed.listing).count() == 6
    assert ledger.totals_for_project(routed.listing.project_id).raised_twd == 600
    assert payouts.ledger_balance([routed.listing]) == 0
    assert _totals_match_a_rebuild(routed.listing)


def test_an_event_about_a_charge_that_is_not_ours_records_nothing(client, settings, connect_team):
    other = {**_application_fee("ch_someone_else", 50), "id": "fee_other", "account": "acct_not_ours"}
    # stripe-mock's charge names a payment intent no backing of ours has.
    response = deliver(client, stripe_event("application_fee.created", other), settings.STRIPE_WEBHOOK_SECRET)

    assert response.status_code == 200
    assert not LedgerEntry.objects.exists()


# --- refunds ----------------------------------------------------------------------------------------


def test_refunding_a_routed_payment_reverses_the_transfer_and_the_fee(routed, stripe_requests):
    from tests.factories.payments import record_payment

    payment = record_payment(routed, key="ch_routed")

    refunds.request_refund(payment, origin="staff", idempotency_key="staff-connect-1", reason="asked", amount_twd=300)

    body = _body(stripe_requests, "refunds")
    assert "reverse_transfer=True" in body or "reverse_transfer=true" in body
    assert "refund_application_fee=True" in body or "refund_application_fee=true" in body
    assert "amount=30000" in body


def test_refunding_a_platform_collected_payment_reverses_nothing(listing, bob, stripe_requests):
    _backing, payment = donation(listing, bob, 800)

    refunds.request_refund(payment, origin="staff", idempotency_key="staff-plain-1", reason="asked")

    assert "reverse_transfer" not in _body(stripe_requests, "refunds")


def test_a_refund_larger_than_what_remains_is_refused_and_nothing_is_asked(listing, bob, stripe_requests):
    backing, payment = donation(listing, bob, 1_000)
    ledger.write_entry(
        kind="refund",
        listing=listing,
        backing=backing,
        amount_twd=-700,
        source_key="refund:re_x",
        occurred_at=timezone.now(),
    )

    with pytest.raises(refunds.RefundFailed) as refused:
        refunds.request_refund(payment, origin="staff", idempotency_key="staff-too-much", reason="x", amount_twd=301)

    assert refused.value.code == "over_remaining"
    assert "NT$301" in refused.value.message and "NT$300" in refused.value.message
    assert not RefundRequest.objects.exists() and stripe_requests.calls == []


def test_the_staff_refund_form_says_the_amount_is_more_than_remains(client, staff, listing, bob):
    backing, payment = donation(listing, bob, 1_000)
    ledger.write_entry(
        kind="refund",
        listing=listing,
        backing=backing,
        amount_twd=-700,
        source_key="refund:re_y",
        occurred_at=timezone.now(),
    )
    client.force_login(staff)

    response = client.post(
        reverse("ledger:refund").replace("/admin/", "/admin/"), {"payment": payment.pk, "amount": "500", "reason": "x"}
    )

    assert response.status_code == 400
    [error] = response.context["form"].errors["amount"]
    assert "NT$500" in error and "NT$300" in error
    assert not RefundRequest.objects.exists()


# --- payouts ----------------------------------------------------------------------------------------


def test_manual_payouts_are_refused_for_a_connect_team_with_the_reason(client, staff, connect_team, bob):
    donation(connect_team, bob, 2_000)
    client.force_login(staff)

    response = client.post(
        reverse("ledger:record_payout"),
        {"listing": connect_team.pk, "amount": "100", "reference": "TW-9", "paid_on": "2026-11-20"},
    )

    assert response.status_code == 400
    assert "Stripe Connect" in str(response.context["form"].non_field_errors())
    assert not LedgerEntry.objects.filter(kind="payout").exists()


def test_the_team_sees_its_stripe_balance_available_and_pending(client, alice, connect_team):
    client.force_login(alice)

    page = client.get(reverse("payments:payouts", kwargs={"slug": connect_team.enterprise.organisation.slug}))

    status = page.context["payout"]
    assert page.status_code == 200 and not status.problem
    assert status.available_twd is not None and status.pending_twd is not None
    assert status.balance_twd == status.available_twd + status.pending_twd
    assert "data-stripe-available" in page.text and "data-stripe-pending" in page.text
