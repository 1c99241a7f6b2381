"""What each Stripe event does to backings and the ledger (registered with @handles; imported at app ready).

Every handler runs inside the webhook's transaction, finds the Backing the event
is about and locks it (select_for_update), then moves it only forward from what
the row says now: events may arrive in any order. Money is written as LedgerEntry
rows whose source_key names the Stripe object (payment intent, invoice, refund,
dispute), so an event processed again, or two events about the same money, can
never record it twice.

Platform fee: PLATFORM_FEE_PERCENT of each payment, rounded half up to a whole
NT$ (NT$250 at 5% is NT$12.50 → NT$13). A refund or lost dispute gives back the
fee of the amount it takes back, rounded the same way, so a full refund nets both
the money and the fee to zero; a dispute won gives the money (and its fee) back.
"""

import logging
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from payments import ledger, purchases, rows, stripe_api, subscriptions
from payments.models import Backing, LedgerEntry
from payments.money import from_stripe_amount
from payments.receipts import send_receipt_after_commit
from payments.webhooks import handles

logger = logging.getLogger(__name__)

# A subscription's status at Stripe → the backing's.
SUBSCRIPTION_STATUS = {
    "active": Backing.Status.ACTIVE,
    "trialing": Backing.Status.ACTIVE,
    "past_due": Backing.Status.PAST_DUE,
    "unpaid": Backing.Status.PAST_DUE,
    "canceled": Backing.Status.CANCELED,
    "incomplete": Backing.Status.PENDING,
    "incomplete_expired": Backing.Status.EXPIRED,
    "paused": Backing.Status.PAUSED,
}
# States a late or repeated event must not undo.
FINAL = (Backing.Status.CANCELED, Backing.Status.REFUNDED)


def platform_fee(amount_twd):
    """PLATFORM_FEE_PERCENT of an amount (any sign), rounded half up (away from zero) to whole NT$."""
    fee = (Decimal(abs(amount_twd)) * settings.PLATFORM_FEE_PERCENT / 100).quantize(Decimal(1), ROUND_HALF_UP)
    return int(fee) if amount_twd >= 0 else -int(fee)


def _when(timestamp):
    return datetime.fromtimestamp(timestamp, tz=UTC) if isinstance(timestamp, int) else timezone.now()


def _id(value):
    """A Stripe reference that may be an id or an expanded object."""
    if isinstance(value, dict):
        return value.get("id") or ""
    return value or ""


def _locked(**lookup):
    """The backing matching the one lookup, locked, with its listing (record_entry announces the project's
    progress); the backer and the campaign's goal are read where they are needed, after the commit or on the rare
    paths, not on every payment."""
    ((field_name, value),) = lookup.items()
    return rows.lock_backing(field_name, value)


def _backing_by_metadata(metadata):
    backing_id = (metadata or {}).get("backing_id")
    if backing_id and str(backing_id).isdigit():
        return _locked(pk=int(backing_id))
    return None


def record_entry(backing, *, kind, amount_twd, source_key, occurred_at, note="", **extra):
    """Write one ledger entry unless its source is already recorded; returns the new entry or None.

    ledger.record_entry_once: the number, the entry and the totals in one statement (the unique source_key refuses
    a second entry, and then no number is used up).
    """
    fields = {
        "kind": kind,
        "listing_id": backing.listing_id,
        "backing": backing,
        "amount_twd": amount_twd,
        "platform_fee_twd": platform_fee(amount_twd),
        "source_key": source_key,
        "occurred_at": occurred_at,
        "note": note,
        **extra,  # platform_fee_twd (Connect's entries carry none), Stripe's references
    }
    # One statement on PostgreSQL: the receipt number (a payment's), the entry and both running totals; nothing when
    # the source is recorded already (an earlier event, or a simultaneous one, about the same money: that entry
    # stands, and no number is used up).
    receipt_year = timezone.localtime(occurred_at).year if kind == LedgerEntry.Kind.PAYMENT else None
    entry = ledger.record_entry_once(fields, receipt_year=receipt_year)
    if entry is None:
        return None
    if kind == LedgerEntry.Kind.PAYMENT:
        send_receipt_after_commit(entry)
    ledger.announce_progress(backing.listing)
    return entry


# --- Checkout ------------------------------------------------------------------------------------


@handles("checkout.session.completed", "checkout.session.async_payment_succeeded")
def checkout_completed(event):
    """A completed Checkout Session; a payment method that settles later (a bank transfer) completes it unpaid, and
    its money is recorded when async_payment_succeeded brings the same session, paid."""
    session = event.data_object
    backing = _backing_by_metadata(session.get("metadata")) or _locked(stripe_checkout_session_id=session.get("id"))
    if backing is None:
        logger.warning("checkout session %s names no backing of ours", session.get("id"))
        return
    details = session.get("customer_details") or {}
    backing.stripe_checkout_session_id = session.get("id")
    backing.stripe_customer_id = _id(session.get("customer")) or backing.stripe_customer_id
    backing.backer_email = backing.backer_email or details.get("email") or ""
    backing.backer_name = backing.backer_name or (details.get("name") or "")[:150]
    if backing.is_one_off:  # a donation, an investment payment, a purchase
        payment_intent = _id(session.get("payment_intent"))
        backing.stripe_payment_intent_id = payment_intent or backing.stripe_payment_intent_id
        if session.get("payment_status") == "paid" and payment_intent:
            if backing.status in (Backing.Status.PENDING, Backing.Status.EXPIRED):
                backing.status = Backing.Status.PAID
            rows.save_backing(backing)
            record_entry(
                backing,
                kind=LedgerEntry.Kind.PAYMENT,
                amount_twd=from_stripe_amount(session.get("amount_total") or 0),
                source_key=f"payment_intent:{payment_intent}",
                stripe_payment_intent_id=payment_intent,
                occurred_at=_when(event.payload.get("created")),
            )
            purpose = purchases.purpose_of(backing)
            if purpose is not None:
                # The app that sold it confirms what the buyer holds (or refunds it); run again, it changes nothing.
                purpose.paid(backing)
            return
    else:
        backing.stripe_subscription_id = _id(session.get("subscription")) or backing.stripe_subscription_id
        # An earlier customer.subscription.updated may already have set the real status: only a pending one moves.
        if backing.status in (Backing.Status.PENDING, Backing.Status.EXPIRED):
            backing.status = Backing.Status.ACTIVE
    rows.save_backing(backing)


@handles("checkout.session.expired", "checkout.session.async_payment_failed")
def checkout_expired(event):
    """The session ended unpaid: it expired, or the payment that was to settle later failed."""
    session = event.data_object
    backing = _backing_by_metadata(session.get("metadata")) or _locked(stripe_checkout_session_id=session.get("id"))
    if backing is not None and backing.status == Backing.Status.PENDING:
        backing.status = Backing.Status.EXPIRED
        backing.save(update_fields=["status", "updated"])
        purpose = purchases.purpose_of(backing)
        if purpose is not None:
            purpose.expired(backing)  # the place (or whatever was held) is released


# --- subscriptions and their invoices ------------------------------------------------------------


def _invoice_subscription(invoice):
    """(subscription id, its metadata) wherever this API version puts them."""
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    subscription = _id(details.get("subscription")) or _id(invoice.get("subscription"))
    metadata = details.get("metadata") or invoice.get("subscription_details", {}).get("metadata") or {}
    return subscription, metadata


def _invoice_payment_intent(invoice):
    payments = (invoice.get("payments") or {}).get("data") or []
    for payment in payments:
        intent = _id((payment.get("payment") or {}).get("payment_intent"))
        if intent:
            return intent
    return _id(invoice.get("payment_intent"))


def _event_time(event):
    return _when(event.payload.get("created")) if event.payload.get("created") else timezone.now()


def _is_older(backing, at):
    """True when `at` is before the Stripe state the backing already holds: an event delivered out of order."""
    return backing.stripe_state_at is not None and at < backing.stripe_state_at


def _state_as_of(backing, at):
    backing.stripe_state_at = at if backing.stripe_state_at is None else max(backing.stripe_state_at, at)


def _subscription_backing(subscription_id, metadata):
    backing = _locked(stripe_subscription_id=subscription_id) if subscription_id else None
    if backing is None:
        backing = _backing_by_metadata(metadata)
        if backing is not None and subscription_id and not backing.stripe_subscription_id:
            backing.stripe_subscription_id = subscription_id
    return backing


@handles("invoice.paid")
def invoice_paid(event):
    invoice = event.data_object
    subscription_id, metadata = _invoice_subscription(invoice)
    backing = _subscription_backing(subscription_id, metadata)
    if backing is None:
        logger.warning("invoice %s is for no subscription of ours", invoice.get("id"))
        return
    backing.stripe_customer_id = backing.stripe_customer_id or _id(invoice.get("customer"))
    backing.stripe_payment_intent_id = _invoice_payment_intent(invoice) or backing.stripe_payment_intent_id
    paid_at = (invoice.get("status_transitions") or {}).get("paid_at")
    at = _when(paid_at) if paid_at else _event_time(event)
    # The money is recorded whatever the order; the state moves only if nothing newer was heard since.
    if not _is_older(backing, at):
        if backing.status in (Backing.Status.PENDING, Backing.Status.EXPIRED, Backing.Status.PAST_DUE):
            backing.status = Backing.Status.ACTIVE
        _state_as_of(backing, at)
    rows.save_backing(backing)
    amount = from_stripe_amount(invoice.get("amount_paid") or 0)
    if amount > 0:
        record_entry(
            backing,
            kind=LedgerEntry.Kind.PAYMENT,
            amount_twd=amount,
            source_key=f"invoice:{invoice['id']}",
            stripe_payment_intent_id=_invoice_payment_intent(invoice),
            occurred_at=_when((invoice.get("status_transitions") or {}).get("paid_at") or event.payload.get("created")),
        )


@handles("invoice.payment_failed")
def invoice_payment_failed(event):
    from core.languages import page_titles_by_language
    from notifications.actions import in_language_of, notify
    from notifications.messages import Message
    from notifications.models import Notification

    invoice = event.data_object
    subscription_id, metadata = _invoice_subscription(invoice)
    backing = _subscription_backing(subscription_id, metadata)
    if backing is None:
        return
    at = _event_time(event)
    already_paid = LedgerEntry.objects.filter(source_key=f"invoice:{invoice.get('id')}").exists()
    if already_paid or _is_older(backing, at):
        # A failure delivered after a later success (or after this very invoice was paid): old news, no notice.
        logger.info("invoice.payment_failed %s is older than the backing's state: ignored", invoice.get("id"))
        rows.save_backing(backing)
        return
    _state_as_of(backing, at)
    was_failing = backing.status == Backing.Status.PAST_DUE
    if backing.status not in FINAL:
        backing.status = Backing.Status.PAST_DUE
    rows.save_backing(backing)
    if backing.backer_id and not was_failing:
        # Stripe retries on its own schedule; the backer hears once per failing spell, in their language.
        with in_language_of(backing.backer):
            notify(
                backing.backer,
                Notification.Kind.PAYMENT_FAILED,
                Message(
                    gettext_noop("Your payment to %(project)s failed"),
                    project=Message.named(page_titles_by_language(backing.listing.project)),
                ),
                Message(
                    gettext_noop(
                        "Stripe could not charge your card for this subscription. It will try again over the next "
                        "days; you can update your card when Stripe asks you to."
                    )
                ),
                url=reverse("payments:backing_detail", kwargs={"pk": backing.pk}),
            )


def _period_end(subscription):
    end = subscription.get("current_period_end")
    if end is None:
        items = (subscription.get("items") or {}).get("data") or []
        ends = [item.get("current_period_end") for item in items if item.get("current_period_end")]
        end = min(ends) if ends else None
    return _when(end) if end else None


@handles("customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted")
def subscription_changed(event):
    subscription = event.data_object
    backing = _subscription_backing(subscription.get("id"), subscription.get("metadata"))
    if backing is None:
        logger.warning("subscription %s is not one of ours", subscription.get("id"))
        return
    backing.stripe_customer_id = backing.stripe_customer_id or _id(subscription.get("customer"))
    at = _event_time(event)
    if _is_older(backing, at) and event.type != "customer.subscription.deleted":
        # Stripe sent this before a change we already applied: its status, pause and period are out of date.
        logger.info("%s for %s is older than the backing's state: ignored", event.type, subscription.get("id"))
        rows.save_backing(backing)
        return
    _state_as_of(backing, at)
    status = SUBSCRIPTION_STATUS.get(subscription.get("status"))
    if event.type == "customer.subscription.deleted":
        status = Backing.Status.CANCELED
    pause = subscription.get("pause_collection")
    if status == Backing.Status.ACTIVE and pause:
        status = Backing.Status.PAUSED
    backing.paused_until = _when(pause["resumes_at"]) if pause and pause.get("resumes_at") else None
    # Who paused it (the backer, or the plan's season) travels in the subscription's metadata.
    backing.pause_reason = (
        ((subscription.get("metadata") or {}).get("homeward_pause") or subscriptions.PAUSE_BY_BACKER) if pause else ""
    )
    plan_id = subscriptions.plan_id_from_subscription(subscription)
    if plan_id and plan_id != backing.plan_id and backing.listing.subscription_plans.filter(pk=plan_id).exists():
        backing.plan_id = plan_id  # a plan switched on our pages (or by Stripe's dashboard)
    # A canceled subscription never comes back at Stripe: a late update about it changes nothing.
    if status is not None and backing.status not in FINAL:
        backing.status = status
    backing.current_period_end = _period_end(subscription) or backing.current_period_end
    backing.cancel_at_period_end = bool(subscription.get("cancel_at_period_end"))
    rows.save_backing(backing)


# --- refunds and disputes ------------------------------------------------------------------------


def _charge_backing(charge):
    payment_intent = _id(charge.get("payment_intent"))
    backing = _locked(stripe_payment_intent_id=payment_intent) if payment_intent else None
    if backing is None and payment_intent:
        # A subscription's earlier invoice: the backing names only its latest payment intent, the ledger names each
        # (and charges of recent API versions no longer name their invoice).
        entry = (
            LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT, stripe_payment_intent_id=payment_intent)
            .exclude(backing=None)
            .only("backing_id")
            .first()
        )
        backing = _locked(pk=entry.backing_id) if entry else None
    if backing is None and charge.get("invoice"):
        entry = LedgerEntry.objects.filter(source_key=f"invoice:{_id(charge['invoice'])}").first()
        backing = _locked(pk=entry.backing_id) if entry else None
    return backing or _backing_by_metadata(charge.get("metadata"))


@handles("charge.refunded")
def charge_refunded(event):
    charge = event.data_object
    backing = _charge_backing(charge)
    if backing is None:
        logger.warning("refunded charge %s is not one of ours", charge.get("id"))
        return
    refunds = (charge.get("refunds") or {}).get("data")
    if refunds is None:
        refunds = [refund.to_dict() for refund in stripe_api.list_charge_refunds(charge["id"])]
    for refund in refunds:
        if refund.get("status") in ("failed", "canceled"):
            continue
        record_entry(
            backing,
            kind=LedgerEntry.Kind.REFUND,
            amount_twd=-from_stripe_amount(refund["amount"]),
            source_key=f"refund:{refund['id']}",
            occurred_at=_when(refund.get("created")),
        )
    if charge.get("refunded") and backing.is_one_off:
        backing.status = Backing.Status.REFUNDED
        backing.save(update_fields=["status", "updated"])


def _dispute_backing(dispute):
    backing = _charge_backing({"payment_intent": dispute.get("payment_intent"), "metadata": dispute.get("metadata")})
    if backing is None:
        logger.warning("dispute %s is about no charge of ours", dispute.get("id"))
    return backing


def _is_inquiry(dispute):
    """An inquiry (status warning_…) asks questions and takes no money, unless it becomes a dispute."""
    return str(dispute.get("status") or "").startswith("warning_")


def _record_dispute_withdrawal(backing, dispute):
    record_entry(
        backing,
        kind=LedgerEntry.Kind.DISPUTE,
        amount_twd=-from_stripe_amount(dispute.get("amount") or 0),
        source_key=f"dispute:{dispute['id']}",
        occurred_at=_when(dispute.get("created")),
        note=dispute.get("reason") or "",
    )


@handles("charge.dispute.created", "charge.dispute.updated", "charge.dispute.funds_withdrawn")
def dispute_created(event):
    """The disputed amount leaves the project's money once (an inquiry that becomes a dispute, on its update)."""
    dispute = event.data_object
    if _is_inquiry(dispute) and event.type != "charge.dispute.funds_withdrawn":
        return
    backing = _dispute_backing(dispute)
    if backing is not None:
        _record_dispute_withdrawal(backing, dispute)


@handles("charge.dispute.closed", "charge.dispute.funds_reinstated")
def dispute_won(event):
    """A dispute won gives the money back: an entry of the opposite sign, once, whichever of the two events comes
    (and if the withdrawal's own event has not come yet, the withdrawal first, so the two always net to zero)."""
    dispute = event.data_object
    if event.type == "charge.dispute.closed" and dispute.get("status") != "won":
        return  # lost: the withdrawal stands; an inquiry closed: no money moved
    backing = _dispute_backing(dispute)
    if backing is None:
        return
    _record_dispute_withdrawal(backing, dispute)
    record_entry(
        backing,
        kind=LedgerEntry.Kind.DISPUTE,
        amount_twd=from_stripe_amount(dispute.get("amount") or 0),
        source_key=f"dispute_won:{dispute['id']}",
        occurred_at=_event_time(event),
        note="won",
    )
