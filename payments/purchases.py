"""Purchases: paying an organisation for something an app above payments sells (a place on an experience's slot).

payments knows nothing of what is sold. An app registers a *purpose* in its AppConfig.ready():

    register_purpose("experiences.booking", describe=…, paid=…, expired=…)

and then, for one sale, creates the pending purchase (`create_pending_purchase`, inside the app's own transaction,
next to the row it holds for the buyer) and opens its Checkout Session once that transaction has committed
(`open_purchase_checkout`). The purchase is a Backing of kind `purchase` with no project: `payee` is the seller
(named on the receipt), `purpose` and `reference` say what was bought.

The webhook is the truth, as for donations (payments/handlers.py): checkout.session.completed writes the payment to
the ledger (with its receipt number) and calls the purpose's `paid(backing)`; checkout.session.expired marks the
purchase expired and calls `expired(backing)`. Both run inside the webhook's transaction with the backing locked, may
be called again for the same purchase (a duplicate or late event) and must then change nothing. `refund_purchase`
asks Stripe for a refund (the ledger's refund entry comes with charge.refunded).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.actions import ActionRefused
from core.audit import Action, log
from payments import checkout, gateways, refunds
from payments.models import Backing, LedgerEntry, RefundRequest

logger = logging.getLogger(__name__)

# Stripe takes at most 8 digits of the smallest unit per payment: NT$999,999.99 (TWD counts cents at Stripe).
MAX_CHECKOUT_TWD = 999_999


@dataclass(frozen=True)
class Purpose:
    name: str
    # What the receipt's "purpose" line says for this purchase, in the active language.
    describe: Callable[[Backing], str]
    # The payment arrived (checkout.session.completed): confirm what the buyer holds, or give the money back.
    paid: Callable[[Backing], None]
    # The payment will not come (the session expired, or could not be opened): release what the buyer held.
    expired: Callable[[Backing], None]


PURPOSES: dict[str, Purpose] = {}


def register_purpose(name, *, describe, paid, expired):
    PURPOSES[name] = Purpose(name=name, describe=describe, paid=paid, expired=expired)


def purpose_of(backing):
    """The registered purpose of a purchase, or None (not a purchase, or its app is not installed)."""
    if backing is None or backing.kind != Backing.Kind.PURCHASE:
        return None
    return PURPOSES.get(backing.purpose)


def create_pending_purchase(user, *, purpose, reference, payee, amount_twd):
    """The pending purchase of `amount_twd` from `payee` (an Organisation) by the signed-in `user`; call it inside
    the transaction that holds what is bought. Refused (ActionRefused, nothing saved) when payments cannot be
    taken."""
    from payments.payouts import check_can_take_payments

    if purpose not in PURPOSES:
        raise LookupError(f"no purchase purpose {purpose!r} is registered")
    checkout.check_payments_configured()
    if amount_twd <= 0:
        raise ActionRefused(_("There is nothing to pay."))
    if amount_twd > MAX_CHECKOUT_TWD:
        raise ActionRefused(
            _("NT$%(amount)s is more than one card payment can take. Nothing was charged.")
            % {"amount": f"{amount_twd:,}"}
        )
    check_can_take_payments(organisation=payee)
    checkout.check_open_checkouts(user)
    backing = Backing.objects.create(
        kind=Backing.Kind.PURCHASE,
        payee=payee,
        purpose=purpose,
        reference=str(reference),
        backer=user,
        backer_email=user.email,
        backer_name=(user.display_name or "")[:150] if hasattr(user, "display_name") else "",
        amount_twd=amount_twd,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    log(
        Action.CHECKOUT_STARTED,
        actor=user,
        organisation=payee,
        backing=backing.pk,
        kind=backing.kind,
        purpose=purpose,
        reference=str(reference),
        amount_twd=amount_twd,
    )
    return backing


def open_purchase_checkout(backing, *, product_name, success_url, cancel_url):
    """Open the purchase's Checkout Session (after the purchase's transaction committed); returns its URL.

    When Stripe cannot be reached the purchase is marked expired and its purpose's `expired` releases what it held,
    in one transaction; then ActionRefused says nothing was charged."""
    try:
        return checkout._open_checkout(
            backing,
            lambda: gateways.current().create_payment_checkout(
                backing,
                product_name=product_name,
                success_url=success_url,
                cancel_url=cancel_url,
                customer_email=backing.backer_email,
                language=backing.language,
            ),
        )
    except ActionRefused:
        with transaction.atomic():
            locked = Backing.objects.select_for_update().get(pk=backing.pk)
            purpose = purpose_of(locked)
            if purpose is not None:
                purpose.expired(locked)
        raise


def expire_checkout(backing):
    """Close the purchase's open Checkout Session at Stripe (what it was for was given up); Stripe then sends
    checkout.session.expired. Best effort: a session that cannot be closed expires by itself, and a payment made on
    it anyway is refunded by its purpose's `paid`."""
    from payments import stripe_api

    session_id = backing.stripe_checkout_session_id
    if not session_id or not stripe_api.is_configured() or gateways.demo_enabled():
        return False
    try:
        stripe_api.expire_checkout_session(session_id)
    except stripe_api.StripeError:
        logger.warning("could not expire Checkout Session %s of purchase %s", session_id, backing.pk)
        return False
    return True


def paid_amount_twd(backing):
    """What the purchase's payment brought in (0 before the webhook recorded it)."""
    entry = backing.ledger_entries.filter(kind=LedgerEntry.Kind.PAYMENT).first() if backing.pk else None
    return entry.amount_twd if entry else 0


def refund_purchase(backing, *, amount_twd, reason, idempotency_key, actor=None):
    """Ask Stripe to refund `amount_twd` of the purchase's payment (once for this key); returns the RefundRequest,
    or None when nothing was paid or nothing is to be refunded. Raises refunds.RefundFailed (an ActionRefused) when
    Stripe refuses or does not answer: the caller's transaction then rolls back and can be tried again."""
    payment = backing.ledger_entries.filter(kind=LedgerEntry.Kind.PAYMENT).select_related("backing").first()
    if payment is None or not amount_twd:
        return None
    amount = min(amount_twd, refunds.refundable_twd(payment))
    if amount <= 0:
        return None
    return refunds.request_refund(
        payment,
        origin=RefundRequest.Origin.PURCHASE,
        idempotency_key=idempotency_key,
        reason=reason,
        amount_twd=amount,
        actor=actor,
    )
