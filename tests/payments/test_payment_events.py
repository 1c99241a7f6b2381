"""Stripe's events build backings and the ledger: signed deliveries through the real webhook view."""

import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from payments import dashboard, ledger
from payments.handlers import platform_fee
from payments.models import Backing, LedgerEntry
from payments.receipts import email_receipt
from tests.factories.payments import pending_donation, pending_subscription
from tests.factories.stripe import (
    PERIOD_END,
    deliver,
    invoice,
    session_completed,
    sign,
    stripe_event,
    subscription_object,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def send(client, settings, django_capture_on_commit_callbacks):
    """Deliver one signed event and run what waits for the commit (receipts, notification emails, live events)."""

    def send(event_type, data_object, event_id=None, created=None):
        event = stripe_event(event_type, data_object, event_id=event_id, created=created)
        with django_capture_on_commit_callbacks(execute=True):
            response = deliver(client, event, settings.STRIPE_WEBHOOK_SECRET)
        assert response.status_code == 200, response.content
        return response.json()

    return send


# --- donations -----------------------------------------------------------------------------------


def test_a_completed_donation_checkout_records_one_payment_with_a_receipt(listing, campaign, send, client):
    backing = pending_donation(listing, 1_000, campaign=campaign, language="en")

    send("checkout.session.completed", session_completed(backing))
    send("checkout.session.completed", session_completed(backing))  # another event about the same payment

    backing.refresh_from_db()
    assert (backing.status, backing.backer_email, backing.backer_name) == ("paid", "guest@example.com", "Guest Name")
    assert backing.stripe_payment_intent_id == "pi_1"
    [entry] = LedgerEntry.objects.all()
    year = timezone.localdate().year
    assert (entry.kind, entry.amount_twd, entry.source_key) == ("payment", 1_000, "payment_intent:pi_1")
    assert entry.platform_fee_twd == 50
    assert entry.receipt_number == f"HW-{year}-000001"
    assert entry.receipt_sent_at is not None
    [receipt] = mail.outbox
    assert receipt.to == ["guest@example.com"]
    assert f"HW-{year}-000001" in receipt.subject and "Receipt" in receipt.subject
    assert "NT$1,000" in receipt.body and "智慧魚塭" in receipt.body and "Guest Name" in receipt.body
    assert ledger.totals_for_project(listing.project_id) == ledger.Totals(raised_twd=1_000, backers=1)
    assert 'data-funding="raised">NT$1,000<' in client.get(listing.project.url).text


def test_an_anonymous_backers_receipt_says_anonymous_in_their_language(listing, campaign, send, alice):
    alice.preferred_language = "zh-hant"
    alice.save()
    backing = pending_donation(listing, 300, backer=alice, backer_email=alice.email, anonymous=True, language="en")

    send("checkout.session.completed", session_completed(backing))

    [receipt] = mail.outbox
    assert receipt.to == [alice.email]
    assert "匿名" in receipt.body and "收據" in receipt.subject
    # Chinese joins a label to its text with a full-width colon and no space.
    assert "付款人：匿名" in receipt.body and ": " not in receipt.body.replace("https://", "").replace("http://", "")


def test_receipt_numbers_run_without_gaps_and_a_receipt_is_never_sent_twice(listing, campaign, send):
    first = pending_donation(listing, 300)
    second = pending_donation(listing, 500)

    send("checkout.session.completed", session_completed(first, payment_intent="pi_a"))
    send("checkout.session.completed", session_completed(second, payment_intent="pi_b"))
    entries = list(LedgerEntry.objects.order_by("pk"))

    year = timezone.localdate().year
    assert [entry.receipt_number for entry in entries] == [f"HW-{year}-000001", f"HW-{year}-000002"]
    assert len(mail.outbox) == 2
    assert email_receipt.call(entries[0].pk) is False  # the task run again sends nothing
    assert len(mail.outbox) == 2


def test_an_expired_checkout_expires_the_pending_backing(listing, campaign, send):
    backing = pending_donation(listing, 300)

    send(
        "checkout.session.expired",
        {"id": "cs_x", "object": "checkout.session", "metadata": {"backing_id": str(backing.pk)}},
    )

    backing.refresh_from_db()
    assert backing.status == "expired"
    assert not LedgerEntry.objects.exists()


def test_a_payment_that_settles_later_is_recorded_when_it_succeeds_and_expires_when_it_fails(listing, campaign, send):
    settled, failed = pending_donation(listing, 1_000), pending_donation(listing, 300)
    for backing, payment_intent in ((settled, "pi_1"), (failed, "pi_2")):
        unpaid = {**session_completed(backing, payment_intent=payment_intent), "payment_status": "unpaid"}
        send("checkout.session.completed", unpaid)
    assert set(Backing.objects.values_list("status", flat=True)) == {"pending"}
    assert not LedgerEntry.objects.exists()

    send("checkout.session.async_payment_succeeded", session_completed(settled, payment_intent="pi_1"))
    send("checkout.session.async_payment_failed", {**session_completed(failed), "payment_status": "unpaid"})

    settled.refresh_from_db()
    failed.refresh_from_db()
    assert (settled.status, failed.status) == ("paid", "expired")
    [entry] = LedgerEntry.objects.all()
    assert (entry.backing_id, entry.amount_twd, entry.source_key) == (settled.pk, 1_000, "payment_intent:pi_1")


def test_refunds_are_one_entry_per_stripe_refund_and_a_full_refund_refunds_the_backing(listing, campaign, send):
    backing = pending_donation(listing, 1_000)
    send("checkout.session.completed", session_completed(backing))
    charge = {"id": "ch_1", "object": "charge", "payment_intent": "pi_1", "amount": 100_000}
    partial = {"object": "list", "data": [{"id": "re_1", "amount": 30_000, "status": "succeeded", "created": 1}]}
    full = {"object": "list", "data": [*partial["data"], {"id": "re_2", "amount": 70_000, "status": "succeeded"}]}

    send("charge.refunded", {**charge, "refunded": False, "amount_refunded": 30_000, "refunds": partial})
    backing.refresh_from_db()
    assert backing.status == "paid"
    send("charge.refunded", {**charge, "refunded": True, "amount_refunded": 100_000, "refunds": full})
    send("charge.refunded", {**charge, "refunded": True, "amount_refunded": 100_000, "refunds": full})

    refunds = LedgerEntry.objects.filter(kind="refund").order_by("amount_twd")
    assert [(entry.source_key, entry.amount_twd, entry.platform_fee_twd) for entry in refunds] == [
        ("refund:re_2", -700, -35),
        ("refund:re_1", -300, -15),
    ]
    backing.refresh_from_db()
    assert backing.status == "refunded"
    assert ledger.totals_for_project(listing.project_id) == ledger.Totals(raised_twd=0, backers=0)


@pytest.mark.stripe
def test_a_refund_event_without_its_refunds_lists_them_from_stripe(listing, campaign, send):
    backing = pending_donation(listing, 1_000)
    send("checkout.session.completed", session_completed(backing))

    send("charge.refunded", {"id": "ch_1", "object": "charge", "payment_intent": "pi_1", "refunded": False})

    # stripe-mock's refund list holds one refund (its fixture): it is recorded once, by its id.
    [refund] = LedgerEntry.objects.filter(kind="refund")
    assert refund.source_key.startswith("refund:re_") and refund.amount_twd < 0


def test_a_dispute_is_recorded_once(listing, campaign, send):
    backing = pending_donation(listing, 1_000)
    send("checkout.session.completed", session_completed(backing))
    dispute = {"id": "dp_1", "object": "dispute", "charge": "ch_1", "payment_intent": "pi_1", "amount": 100_000}

    send("charge.dispute.created", {**dispute, "reason": "fraudulent"})
    send("charge.dispute.created", {**dispute, "reason": "fraudulent"})

    [entry] = LedgerEntry.objects.filter(kind="dispute")
    assert (entry.amount_twd, entry.source_key, entry.note) == (-1_000, "dispute:dp_1", "fraudulent")


def test_a_dispute_won_gives_the_money_back_once_whatever_the_order(listing, campaign, send):
    first = pending_donation(listing, 1_000)
    send("checkout.session.completed", session_completed(first))
    dispute = {"id": "dp_1", "object": "dispute", "payment_intent": "pi_1", "amount": 100_000, "reason": "fraudulent"}

    send("charge.dispute.created", {**dispute, "status": "needs_response"})
    assert ledger.totals_for_project(listing.project_id) == ledger.Totals(raised_twd=0, backers=0)
    send("charge.dispute.funds_reinstated", {**dispute, "status": "won"})
    send("charge.dispute.closed", {**dispute, "status": "won"})
    send("charge.dispute.closed", {**dispute, "status": "won"})

    assert sorted(LedgerEntry.objects.filter(kind="dispute").values_list("amount_twd", "platform_fee_twd")) == [
        (-1_000, -50),
        (1_000, 50),
    ]
    assert ledger.totals_for_project(listing.project_id) == ledger.Totals(raised_twd=1_000, backers=1)

    # The closing event before the dispute's creation: the creation, late, changes nothing.
    second = pending_donation(listing, 500)
    send("checkout.session.completed", session_completed(second, payment_intent="pi_2"))
    late = {**dispute, "id": "dp_2", "payment_intent": "pi_2", "amount": 50_000}
    send("charge.dispute.closed", {**late, "status": "won"})
    send("charge.dispute.created", {**late, "status": "needs_response"})

    assert ledger.totals_for_project(listing.project_id).raised_twd == 1_500
    assert dashboard.funding_figures(listing).disputes_count == 2


def test_a_lost_dispute_keeps_the_money_out_and_an_inquiry_takes_none_until_it_becomes_a_dispute(
    listing, campaign, send
):
    backing = pending_donation(listing, 1_000)
    send("checkout.session.completed", session_completed(backing))
    inquiry = {"id": "dp_1", "object": "dispute", "payment_intent": "pi_1", "amount": 100_000}

    send("charge.dispute.created", {**inquiry, "status": "warning_needs_response"})
    assert ledger.totals_for_project(listing.project_id).raised_twd == 1_000

    send("charge.dispute.updated", {**inquiry, "status": "needs_response"})
    send("charge.dispute.closed", {**inquiry, "status": "lost"})

    [entry] = LedgerEntry.objects.filter(kind="dispute")
    assert entry.amount_twd == -1_000
    assert ledger.totals_for_project(listing.project_id).raised_twd == 0


# --- subscriptions -------------------------------------------------------------------------------


def test_subscription_events_before_the_checkout_completion_end_in_the_right_state(plan, bob, send):
    backing = pending_subscription(plan, bob)

    send("customer.subscription.updated", subscription_object(backing, status="active"))
    send("invoice.paid", invoice(backing))
    send("checkout.session.completed", session_completed(backing))

    backing.refresh_from_db()
    assert (backing.status, backing.stripe_subscription_id, backing.stripe_customer_id) == ("active", "sub_1", "cus_1")
    assert backing.current_period_end.timestamp() == PERIOD_END
    [entry] = LedgerEntry.objects.all()
    assert (entry.kind, entry.amount_twd, entry.source_key) == ("payment", 500, "invoice:in_1")
    assert [message.to for message in mail.outbox] == [[bob.email]]


def test_a_late_checkout_completion_does_not_undo_a_pause_or_a_cancellation(plan, bob, send):
    backing = pending_subscription(plan, bob)
    resumes = int(time.time()) + 60 * 86_400

    send(
        "customer.subscription.updated",
        subscription_object(backing, pause_collection={"behavior": "void", "resumes_at": resumes}),
    )
    send("checkout.session.completed", session_completed(backing))
    backing.refresh_from_db()
    assert backing.status == "paused" and backing.paused_until.timestamp() == resumes

    send("customer.subscription.updated", subscription_object(backing, cancel_at_period_end=True))
    backing.refresh_from_db()
    assert (backing.status, backing.paused_until, backing.cancel_at_period_end) == ("active", None, True)

    send("customer.subscription.deleted", subscription_object(backing, status="canceled"))
    send("invoice.paid", invoice(backing, "in_late", amount=0))
    send("customer.subscription.updated", subscription_object(backing, status="active"))  # a stale update
    backing.refresh_from_db()
    assert backing.status == "canceled"


def test_a_failed_payment_tells_the_backer_once_and_a_later_payment_recovers(plan, bob, send):
    backing = pending_subscription(plan, bob, status=Backing.Status.ACTIVE, stripe_subscription_id="sub_1")

    send("invoice.payment_failed", {**invoice(backing, "in_2"), "amount_paid": 0, "status": "open"})
    send("invoice.payment_failed", {**invoice(backing, "in_2"), "amount_paid": 0, "status": "open"})

    backing.refresh_from_db()
    assert backing.status == "past_due"
    [notice] = Notification.objects.filter(recipient=bob)
    assert notice.kind == Notification.Kind.PAYMENT_FAILED
    assert notice.url == reverse("payments:backing_detail", kwargs={"pk": backing.pk})
    assert any(bob.email in message.to for message in mail.outbox)

    send("invoice.paid", invoice(backing, "in_2"))
    backing.refresh_from_db()
    assert backing.status == "active"
    assert LedgerEntry.objects.get().source_key == "invoice:in_2"


def test_an_event_about_a_backing_we_do_not_know_is_acknowledged(send):
    result = send("invoice.paid", {"id": "in_x", "object": "invoice", "amount_paid": 100, "parent": None})

    assert result["status"] == "processed"
    assert not LedgerEntry.objects.exists()


def test_the_platform_fee_rounds_half_up_to_whole_dollars(settings):
    settings.PLATFORM_FEE_PERCENT = 5
    assert [platform_fee(amount) for amount in (250, 249, 30, 1_000, -250)] == [13, 12, 2, 50, -13]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_deliveries_about_one_payment_record_it_exactly_once(listing, campaign, settings):
    """Ten threads: the same event five times and five other events about the same payment, all at once."""
    import json
    import threading

    from django.db import connection
    from django.test import Client

    backing = pending_donation(listing, 1_000)
    same = json.dumps(stripe_event("checkout.session.completed", session_completed(backing)))
    others = [json.dumps(stripe_event("checkout.session.completed", session_completed(backing))) for _ in range(5)]
    start = threading.Barrier(10)
    statuses = []

    def post(payload):
        try:
            start.wait()
            response = Client().post(
                "/stripe/webhook/",
                data=payload,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=sign(payload, settings.STRIPE_WEBHOOK_SECRET),
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(payload,)) for payload in [same] * 5 + others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [200] * 10
    [entry] = LedgerEntry.objects.all()
    assert entry.receipt_number == f"HW-{timezone.localdate().year}-000001"
    assert ledger.totals_for_project(listing.project_id).raised_twd == 1_000


def test_who_paused_and_a_switched_plan_come_from_the_subscription_event(plan, bob, send):
    from marketplace.models import SubscriptionPlan

    backing = pending_subscription(plan, bob)
    bigger = SubscriptionPlan.objects.create(listing=plan.listing, name="大份", price_twd=900, rewards="更多")
    resumes = int(time.time()) + 60 * 86_400
    season_pause = {"behavior": "void", "resumes_at": resumes}
    metadata = {"backing_id": str(backing.pk), "homeward_pause": "season"}

    send(
        "customer.subscription.updated", subscription_object(backing, pause_collection=season_pause, metadata=metadata)
    )
    backing.refresh_from_db()
    assert (backing.status, backing.pause_reason) == ("paused", "season")

    switched = {
        "id": "si_1",
        "current_period_end": PERIOD_END,
        "price": {"lookup_key": f"homeward-plan-{bigger.pk}-900-month"},
    }
    send("customer.subscription.updated", subscription_object(backing, items={"object": "list", "data": [switched]}))
    backing.refresh_from_db()
    assert (backing.status, backing.pause_reason, backing.plan_id) == ("active", "", bigger.pk)


# --- events out of order (#17.10) ------------------------------------------------------------------


def test_a_refund_of_an_earlier_invoice_of_a_subscription_is_recorded(plan, bob, send):
    backing = pending_subscription(plan, bob)
    send("checkout.session.completed", session_completed(backing))
    for number in (1, 2):  # two months paid, each by its own payment intent (named by the invoice's payments)
        paid = invoice(backing, f"in_{number}")
        paid["payments"] = {"data": [{"payment": {"type": "payment_intent", "payment_intent": f"pi_{number}"}}]}
        send("invoice.paid", paid)
    backing.refresh_from_db()
    assert backing.stripe_payment_intent_id == "pi_2"

    # The first month refunded: the charge names its payment intent only (no invoice, no metadata).
    refunds = {"object": "list", "data": [{"id": "re_1", "amount": 50_000, "status": "succeeded"}]}
    charge = {"id": "ch_1", "object": "charge", "payment_intent": "pi_1", "refunded": True, "refunds": refunds}
    send("charge.refunded", charge)

    [refund] = LedgerEntry.objects.filter(kind="refund")
    assert (refund.backing_id, refund.amount_twd, refund.source_key) == (backing.pk, -500, "refund:re_1")
    assert ledger.totals_for_project(plan.listing.project_id).raised_twd == 500
    backing.refresh_from_db()
    assert backing.status == "active"


def test_a_late_payment_failure_after_a_later_success_changes_nothing_and_tells_no_one(plan, bob, send):
    backing = pending_subscription(plan, bob, status=Backing.Status.ACTIVE, stripe_subscription_id="sub_1")
    now = int(time.time())
    paid = {**invoice(backing, "in_3"), "status_transitions": {"paid_at": now}}
    send("invoice.paid", paid, created=now)
    # The failure of an earlier attempt (a minute before) arrives after the success.
    failed_earlier = {**invoice(backing, "in_2"), "amount_paid": 0, "status": "open", "status_transitions": {}}
    send("invoice.payment_failed", failed_earlier, created=now - 60)
    # And a failure event for the very invoice that is paid, whenever it is dated.
    send("invoice.payment_failed", {**invoice(backing, "in_3"), "amount_paid": 0, "status_transitions": {}})

    backing.refresh_from_db()
    assert backing.status == "active"
    assert not Notification.objects.filter(recipient=bob, kind=Notification.Kind.PAYMENT_FAILED).exists()

    send("invoice.payment_failed", {**invoice(backing, "in_4"), "amount_paid": 0, "status": "open"}, created=now + 60)
    backing.refresh_from_db()
    assert backing.status == "past_due", "a newer failure still counts"


def test_a_late_subscription_update_does_not_move_the_state_back(plan, bob, send):
    backing = pending_subscription(plan, bob, status=Backing.Status.ACTIVE, stripe_subscription_id="sub_1")
    now = int(time.time())
    resumes = now + 60 * 86_400
    send("customer.subscription.updated", subscription_object(backing, status="active"), created=now)
    send("customer.subscription.updated", subscription_object(backing, status="past_due"), created=now - 30)
    send(
        "customer.subscription.updated",
        subscription_object(backing, pause_collection={"behavior": "void", "resumes_at": resumes}),
        created=now - 20,
    )
    backing.refresh_from_db()
    assert (backing.status, backing.paused_until) == ("active", None)

    send("invoice.paid", {**invoice(backing, "in_5"), "status_transitions": {"paid_at": now + 10}}, created=now + 10)
    send("customer.subscription.updated", subscription_object(backing, status="past_due"), created=now + 5)
    backing.refresh_from_db()
    assert backing.status == "active", "a payment later than the update stands"
    assert LedgerEntry.objects.filter(source_key="invoice:in_5").exists(), "the money is recorded whatever the order"

    send("customer.subscription.updated", subscription_object(backing, status="past_due"), created=now + 20)
    backing.refresh_from_db()
    assert backing.status == "past_due", "a newer update applies"
    send("customer.subscription.deleted", subscription_object(backing, status="canceled"), created=now - 100)
    backing.refresh_from_db()
    assert backing.status == "canceled", "a cancellation is final, whenever it arrives"


def test_a_receipt_names_the_project_in_the_backers_language(listing, campaign, send, alice):
    """#15: the receipt is written in the backer's language, the project by its title in that language."""
    from django.utils import translation

    from cms.actions import ensure_language_versions
    from tests.helpers import translation_of

    alice.preferred_language = "ja"
    alice.save()
    ensure_language_versions()
    japanese = translation_of(listing.project, "ja")
    japanese.title = "スマート養殖池"
    japanese.save_revision().publish()
    backing = pending_donation(listing, 300, backer=alice, backer_email=alice.email, language="ja")

    with translation.override("en"):  # the webhook's language is not the backer's
        send("checkout.session.completed", session_completed(backing))

    [receipt] = mail.outbox
    assert "領収書" in receipt.subject
    assert "スマート養殖池" in receipt.body and "智慧魚塭" not in receipt.body
