"""A paid place as a purchase (payments.purchases): what the receipt says, what the payment's webhook does.

Registered in ExperiencesConfig.ready() as the purpose "experiences.booking" (payments imports nothing of
experiences). Both call-backs run inside the webhook's transaction with the payment (a Backing) locked, and take the
slot's row lock (`actions.locked_slot`) before the booking's, like every change to a slot's bookings, so a
confirmation never oversells. They may run again for the same payment (a late or repeated event): then they change
nothing.

- `paid`: the place held for this payment is confirmed. A payment that arrives after its place was released (the
  session expired first, the person or the organiser cancelled, another payment attempt took over) gets the place
  back only if it is still free and the slot still on; otherwise it is refunded in full.
- `expired`: the place held for this payment is released and offered to the next person waiting.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import Action, log
from experiences import actions
from experiences.models import Booking

logger = logging.getLogger(__name__)


def _booking_of(backing):
    reference = backing.reference
    if not reference.isdigit():
        return None
    booking = Booking.objects.filter(pk=int(reference)).select_related("slot").first()
    if booking is None:
        return None
    slot = actions.locked_slot(booking.slot)
    booking = Booking.objects.select_for_update(of=("self",)).select_related("person").get(pk=booking.pk)
    booking.slot = slot
    return booking


def describe(backing):
    """The receipt's purpose line: the experience, the time slot, the organiser."""
    booking = Booking.objects.filter(pk=int(backing.reference or 0)).select_related("slot__experience").first()
    if booking is None:
        return _("A place on an experience of %(organiser)s") % {"organiser": backing.payee.name}
    slot = booking.slot
    return _("A place on %(title)s, %(when)s (organised by %(organiser)s)") % {
        "title": slot.experience.title,
        "when": timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M"),
        "organiser": backing.payee.name,
    }


def paid(backing):
    booking = _booking_of(backing)
    if booking is None:
        logger.warning("payment %s is for booking %s, which no longer exists", backing.pk, backing.reference)
        _refund_in_full(backing, None)
        return
    slot = booking.slot
    if booking.payment_id == backing.pk and booking.status in (Booking.Status.CONFIRMED, Booking.Status.ATTENDED):
        return  # confirmed by an earlier delivery
    if booking.payment_id == backing.pk and booking.status == Booking.Status.PAYING:
        _confirm(booking)
        return
    # The payment came after its place was released. It takes the place back while one is free, the slot is on
    # and the person holds no other place on it; else the money goes back.
    free = slot.capacity - slot.bookings.holding_a_place().count()
    other = slot.bookings.active().filter(person_id=booking.person_id).exclude(pk=booking.pk).exists()
    if (
        booking.payment_id == backing.pk
        and booking.status == Booking.Status.UNPAID
        and not slot.is_cancelled
        and slot.starts_at > timezone.now()
        and free > 0
        and not other
    ):
        _confirm(booking)
        return
    _refund_in_full(backing, booking)


def _confirm(booking):
    booking.status = Booking.Status.CONFIRMED
    booking.hold_expires_at = None
    booking.save(update_fields=["status", "hold_expires_at"])
    log(Action.BOOKING_PAID, organisation=booking.slot.experience.organisation, booking=booking.pk)
    actions.notify_booking_confirmed(booking)


def _refund_in_full(backing, booking):
    from payments import purchases

    # Inside the webhook's transaction: if Stripe refuses, the event fails and Stripe delivers it again later.
    purchases.refund_purchase(
        backing,
        amount_twd=backing.amount_twd,
        reason=f"payment {backing.pk} arrived after its place was released",
        idempotency_key=f"homeward-purchase-{backing.pk}-late",
    )
    if booking is not None and booking.payment_id == backing.pk and booking.status != Booking.Status.CANCELLED:
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = booking.cancelled_at or timezone.now()
        booking.refund_percent = 100
        booking.hold_expires_at = None
        booking.save(update_fields=["status", "cancelled_at", "refund_percent", "hold_expires_at"])
    elif booking is not None and booking.payment_id == backing.pk:
        Booking.objects.filter(pk=booking.pk).update(refund_percent=100)
    if booking is not None:
        log(Action.BOOKING_REFUNDED, organisation=booking.slot.experience.organisation, booking=booking.pk)
        actions.notify_late_payment_refunded(booking)


def expired(backing):
    booking = _booking_of(backing)
    if booking is None or booking.payment_id != backing.pk or booking.status != Booking.Status.PAYING:
        return  # paid, cancelled or released already
    release(booking)


def release(booking):
    """Release a place held for a payment that will not come (the slot and booking locked by the caller)."""
    booking.status = Booking.Status.UNPAID
    booking.hold_expires_at = None
    booking.save(update_fields=["status", "hold_expires_at"])
    log(Action.BOOKING_RELEASED, organisation=booking.slot.experience.organisation, booking=booking.pk)
    actions.offer_freed_places(booking.slot)


def release_stale_holds(now=None):
    """Release places whose payment's expiry never reached us (HOLD_GRACE after the hold ran out); returns how
    many. The Checkout Session is closed by then, so no payment can come for them (one that did would be refunded
    or take the place back, in `paid`)."""
    now = now or timezone.now()
    stale = Booking.objects.filter(status=Booking.Status.PAYING, hold_expires_at__lte=now - actions.HOLD_GRACE)
    released = 0
    for booking_id in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            booking = Booking.objects.select_related("slot").get(pk=booking_id)
            actions.locked_slot(booking.slot)
            booking = (
                Booking.objects.select_for_update(of=("self",)).select_related("slot__experience").get(pk=booking_id)
            )
            if booking.status == Booking.Status.PAYING:
                release(booking)
                released += 1
    return released
