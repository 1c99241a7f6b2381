"""Paid places on experiences (issue #19.5): the same Checkout, webhook and ledger as donations, through
payments.purchases. A place is held while the person pays, confirmed by the webhook, released when the session
expires; refunds follow the rule shown before booking and go through Stripe (stripe-mock); exactly-once under
duplicate and out-of-order events; never oversold."""

import datetime
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from core.actions import ActionRefused
from experiences import actions
from experiences import purchases as booking_purchases
from experiences.models import Booking, CancellationRule
from notifications.models import Notification
from payments.models import Backing, LedgerEntry, ProjectLedgerTotals, RefundRequest
from payments.receipts import receipt_context
from tests.experiences.conftest import make_experience, soon
from tests.factories.accounts import UserFactory
from tests.factories.stripe import deliver, stripe_event

pytestmark = [pytest.mark.postgres, pytest.mark.stripe, pytest.mark.django_db]
HOUR = datetime.timedelta(hours=1)
URLS = {"success_url": "https://homeward.example/s", "cancel_url": "https://homeward.example/c"}


@pytest.fixture
def paid(alice, office):
    return make_experience(
        alice, office, title_zh="漁村導覽", price_twd=800, cancellation_rule=CancellationRule.MODERATE
    )


def paid_slot(alice, experience, *, capacity=2, days=3):
    start = soon(days=days)
    return actions.add_slot(alice, experience, starts_at=start, ends_at=start + 2 * HOUR, capacity=capacity)


def send(event_type, data, event_id=None):
    event = stripe_event(event_type, data, event_id=event_id)
    response = deliver(Client(), event, settings.STRIPE_WEBHOOK_SECRET)
    assert response.status_code == 200, response.content
    return response.json()


def session(backing, status="complete", payment_intent=None):
    return {
        "id": backing.stripe_checkout_session_id,
        "object": "checkout.session",
        "mode": "payment",
        "status": status,
        "payment_status": "paid" if status == "complete" else "unpaid",
        "amount_total": backing.amount_twd * 100 if status == "complete" else None,
        "currency": "twd",
        "customer_details": {"email": backing.backer_email, "name": "Bob"},
        "metadata": {"backing_id": str(backing.pk)},
        "payment_intent": payment_intent or (f"pi_booking_{backing.pk}" if status == "complete" else None),
    }


def refunded_charge(backing, refund_id, amount_twd):
    return {
        "id": f"ch_booking_{backing.pk}",
        "object": "charge",
        "payment_intent": backing.stripe_payment_intent_id,
        "refunded": amount_twd == backing.amount_twd,
        "refunds": {"object": "list", "data": [{"id": refund_id, "amount": amount_twd * 100, "status": "succeeded"}]},
    }


def booked_and_paid(person, slot):
    booking = actions.book(person, slot, **URLS)
    send("checkout.session.completed", session(booking.payment))
    booking.refresh_from_db()
    booking.payment.refresh_from_db()
    return booking


def test_a_paid_place_is_held_while_paying_and_confirmed_once_by_the_webhook(alice, bob, paid, office):
    slot = paid_slot(alice, paid)

    booking = actions.book(bob, slot, **URLS)

    assert booking.status == Booking.Status.PAYING and booking.hold_expires_at is not None
    assert booking.checkout_url  # stripe-mock's Checkout Session
    backing = Backing.objects.get()
    assert (backing.kind, backing.status, backing.payee, backing.listing, backing.amount_twd) == (
        Backing.Kind.PURCHASE,
        Backing.Status.PENDING,
        office,
        None,
        800,
    )
    assert backing.purpose == "experiences.booking" and backing.reference == str(booking.pk)
    assert backing.stripe_checkout_session_id
    assert slot.bookings.holding_a_place().count() == 1  # the held place counts against the capacity

    event_id = "evt_booking_paid"
    first = send("checkout.session.completed", session(backing), event_id=event_id)
    again = send("checkout.session.completed", session(backing), event_id=event_id)

    assert (first["duplicate"], again["duplicate"]) == (False, True)
    booking.refresh_from_db()
    backing.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and booking.hold_expires_at is None
    assert backing.status == Backing.Status.PAID
    [entry] = LedgerEntry.objects.all()
    assert (entry.kind, entry.amount_twd, entry.listing_id, entry.backing_id) == ("payment", 800, None, backing.pk)
    assert entry.receipt_number  # numbered like every payment
    assert not ProjectLedgerTotals.objects.exists()  # no project's totals count a purchase

    receipt = receipt_context(entry)
    assert receipt["recipient"] == "竹山鎮公所" and receipt["project"] is None and not receipt["is_donation"]
    assert "漁村導覽" in receipt["purpose"] and "竹山鎮公所" in receipt["purpose"]


def test_a_second_event_about_the_same_payment_confirms_nothing_twice(alice, bob, paid):
    slot = paid_slot(alice, paid)
    booking = actions.book(bob, slot, **URLS)

    send("checkout.session.completed", session(booking.payment))
    send("checkout.session.completed", session(booking.payment))  # another event id, the same payment

    assert LedgerEntry.objects.count() == 1
    assert Booking.objects.get().status == Booking.Status.CONFIRMED
    assert not RefundRequest.objects.exists()


def test_the_session_expiring_releases_the_place_to_the_first_person_waiting(alice, bob, paid):
    slot = paid_slot(alice, paid, capacity=1)
    holding = actions.book(bob, slot, **URLS)
    carl = UserFactory(email="carl@example.tw")
    waiting = actions.book(carl, slot, **URLS)
    assert waiting.status == Booking.Status.WAITLISTED and waiting.payment is None  # nothing to pay on the waitlist

    send("checkout.session.expired", session(holding.payment, status="expired"))
    send("checkout.session.expired", session(holding.payment, status="expired"))

    holding.refresh_from_db()
    waiting.refresh_from_db()
    assert holding.status == Booking.Status.UNPAID
    assert Backing.objects.get(pk=holding.payment_id).status == Backing.Status.EXPIRED
    assert waiting.status == Booking.Status.OFFERED
    assert Notification.objects.filter(recipient=carl, kind=Notification.Kind.BOOKING_OFFER).count() == 1

    # Claiming a paid place holds it for a payment of its own.
    claimed = actions.claim_offer(carl, waiting, **URLS)
    assert claimed.status == Booking.Status.PAYING and claimed.checkout_url
    send("checkout.session.completed", session(claimed.payment))
    claimed.refresh_from_db()
    assert claimed.status == Booking.Status.CONFIRMED


def test_a_payment_after_the_expiry_takes_the_place_back_while_it_is_free(alice, bob, paid):
    slot = paid_slot(alice, paid)
    booking = actions.book(bob, slot, **URLS)

    send("checkout.session.expired", session(booking.payment, status="expired"))
    send("checkout.session.completed", session(booking.payment))  # out of order

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert not RefundRequest.objects.exists()


def test_a_payment_after_the_expiry_is_refunded_in_full_when_the_place_is_gone(alice, bob, paid):
    slot = paid_slot(alice, paid, capacity=1)
    booking = actions.book(bob, slot, **URLS)
    send("checkout.session.expired", session(booking.payment, status="expired"))
    carl = UserFactory()
    taken = actions.book(carl, slot, **URLS)  # the released place is taken
    send("checkout.session.completed", session(taken.payment))

    late = "evt_late_payment"
    send("checkout.session.completed", session(booking.payment), event_id=late)
    send("checkout.session.completed", session(booking.payment), event_id=late)
    send("checkout.session.completed", session(booking.payment))  # and once more under another id

    booking.refresh_from_db()
    assert (booking.status, booking.refund_percent) == (Booking.Status.CANCELLED, 100)
    [refund] = RefundRequest.objects.all()
    assert (refund.amount_twd, refund.backing_id, refund.origin) == (800, booking.payment_id, "purchase")
    assert refund.stripe_refund_id.startswith("re_")  # asked of stripe-mock
    assert slot.bookings.holding_a_place().count() == 1  # never oversold
    assert Notification.objects.filter(recipient=bob, kind=Notification.Kind.BOOKING_CANCELLED).exists()


def test_an_expiry_after_the_payment_changes_nothing(alice, bob, paid):
    slot = paid_slot(alice, paid)
    booking = booked_and_paid(bob, slot)

    send("checkout.session.expired", session(booking.payment, status="expired"))

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert Backing.objects.get().status == Backing.Status.PAID


def test_the_person_cancelling_gets_the_refund_the_rule_showed_through_stripe(alice, bob, paid):
    slot = paid_slot(alice, paid, days=3)  # moderate: 3 days before is half
    booking = booked_and_paid(bob, slot)

    cancelled = actions.cancel_booking(bob, booking)

    assert (cancelled.status, cancelled.refund_percent) == (Booking.Status.CANCELLED, 50)
    [refund] = RefundRequest.objects.all()
    assert (refund.amount_twd, refund.origin) == (400, "purchase") and refund.stripe_refund_id
    # The money moves in the ledger when Stripe says so, once.
    charge = refunded_charge(booking.payment, "re_booking_half", 400)
    send("charge.refunded", charge)
    send("charge.refunded", charge)
    [entry] = LedgerEntry.objects.filter(kind="refund")
    assert (entry.amount_twd, entry.listing_id) == (-400, None)


def test_cancelling_a_week_ahead_refunds_everything(alice, bob, paid):
    booking = booked_and_paid(bob, paid_slot(alice, paid, days=10))
    actions.cancel_booking(bob, booking)
    assert RefundRequest.objects.get().amount_twd == 800


def test_a_refund_stripe_refuses_leaves_the_booking_as_it_was(alice, bob, paid, settings):
    booking = booked_and_paid(bob, paid_slot(alice, paid))
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    settings.STRIPE_MAX_NETWORK_RETRIES = 0

    with pytest.raises(ActionRefused, match="Nothing was refunded"):
        actions.cancel_booking(bob, booking)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and booking.refund_percent is None
    assert not RefundRequest.objects.filter(stripe_refund_id__gt="").exists()


def test_giving_up_a_held_place_releases_it_and_a_payment_made_anyway_is_refunded(alice, bob, paid):
    slot = paid_slot(alice, paid)
    booking = actions.book(bob, slot, **URLS)

    actions.cancel_booking(bob, booking)
    assert slot.bookings.holding_a_place().count() == 0
    send("checkout.session.completed", session(booking.payment))

    booking.refresh_from_db()
    assert (booking.status, booking.refund_percent) == (Booking.Status.CANCELLED, 100)
    assert RefundRequest.objects.get().amount_twd == 800


def test_the_organiser_cancelling_a_slot_refunds_everyone_in_full(alice, bob, paid):
    slot = paid_slot(alice, paid, capacity=3)
    first = booked_and_paid(bob, slot)
    second = booked_and_paid(UserFactory(), slot)
    holding = actions.book(UserFactory(), slot, **URLS)

    actions.cancel_slot(alice, slot)
    actions_twice = pytest.raises(ActionRefused, match="already cancelled")
    with actions_twice:
        actions.cancel_slot(alice, slot)

    refunds = RefundRequest.objects.order_by("backing_id")
    assert [(r.backing_id, r.amount_twd) for r in refunds] == [(first.payment_id, 800), (second.payment_id, 800)]
    for booking in (first, second, holding):
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CANCELLED and booking.cancelled_by_organiser
    assert (first.refund_percent, holding.refund_percent) == (100, None)
    # The held place's payment, if it comes anyway, is refunded too.
    send("checkout.session.completed", session(holding.payment))
    assert RefundRequest.objects.filter(backing=holding.payment_id, amount_twd=800).exists()


def test_bad_input_is_refused_and_nothing_is_saved(alice, bob, paid):
    slot = paid_slot(alice, paid)
    actions.cancel_slot(alice, slot)
    with pytest.raises(ActionRefused, match="cancelled by the organiser"):
        actions.book(bob, slot, **URLS)
    assert not Booking.objects.exists() and not Backing.objects.exists()

    full = paid_slot(alice, paid, capacity=1, days=5)
    booked_and_paid(UserFactory(), full)
    waiting = actions.book(bob, full, **URLS)
    assert waiting.status == Booking.Status.WAITLISTED and waiting.checkout_url is None
    assert Backing.objects.count() == 1  # only the first person's payment

    with pytest.raises(ActionRefused, match="already booked"):
        actions.book(bob, full, **URLS)


def test_stripe_unreachable_releases_the_place_at_once(alice, bob, paid, settings):
    slot = paid_slot(alice, paid, capacity=1)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    settings.STRIPE_MAX_NETWORK_RETRIES = 0

    with pytest.raises(ActionRefused, match="nothing was charged"):
        actions.book(bob, slot, **URLS)

    booking = Booking.objects.get()
    assert booking.status == Booking.Status.UNPAID
    assert Backing.objects.get().status == Backing.Status.EXPIRED
    assert slot.bookings.holding_a_place().count() == 0


def test_a_hold_whose_expiry_never_arrived_is_released_by_the_offers_job(alice, bob, paid):
    slot = paid_slot(alice, paid, capacity=1)
    booking = actions.book(bob, slot, **URLS)
    later = booking.hold_expires_at + actions.HOLD_GRACE + datetime.timedelta(seconds=1)

    actions.expire_offers(now=later)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.UNPAID
    assert booking_purchases.release_stale_holds(now=later) == 0  # once


def test_the_pages_book_and_pay_and_show_the_receipt(client, alice, bob, paid):
    slot = paid_slot(alice, paid)
    client.force_login(bob)
    page = client.get(reverse("experiences:detail", kwargs={"pk": paid.pk})).content.decode()
    assert "Book and pay NT$800" in page and "not open yet" not in page

    response = client.post(reverse("experiences:book", kwargs={"pk": slot.pk}))

    assert response.status_code == 302 and "stripe" in response["Location"] or "checkout" in response["Location"]
    booking = Booking.objects.get()
    mine = client.get(reverse("experiences:my_bookings") + "?paid=1").content.decode()
    assert "held for you until" in mine.lower() and "being confirmed" in mine
    send("checkout.session.completed", session(booking.payment))
    mine = client.get(reverse("experiences:my_bookings")).content.decode()
    entry = LedgerEntry.objects.get()
    assert entry.receipt_number in mine and "If you cancel now: NT$400 back." in mine
    receipt = client.get(reverse("payments:receipt", kwargs={"pk": entry.pk})).content.decode()
    assert "竹山鎮公所" in receipt and "漁村導覽" in receipt


@pytest.mark.django_db(transaction=True)
def test_concurrent_paid_bookings_for_the_last_places_never_oversell(alice, paid):
    slot = paid_slot(alice, paid, capacity=3)
    people = [UserFactory() for _ in range(10)]
    barrier = threading.Barrier(len(people))
    outcomes, errors = [], []

    def attempt(person):
        try:
            barrier.wait()
            outcomes.append(actions.book(person, slot, **URLS).status)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert outcomes.count(Booking.Status.PAYING) == 3
    assert outcomes.count(Booking.Status.WAITLISTED) == 7
    assert Backing.objects.count() == 3
