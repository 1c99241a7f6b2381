"""What experiences keep about a person: their bookings (and so their attended hours), the experiences they created.

Erasing an account deletes the person's bookings (Booking.person cascades with the account; done here first so the
places they held are offered to the waitlist) and unlinks them from the experiences they created.
"""

from django.db import transaction

from experiences.models import Booking, Experience, Slot


def export(user):
    return {
        "bookings": [
            {
                "experience": booking.slot.experience.title_zh,
                "starts_at": booking.slot.starts_at.isoformat(),
                "status": booking.status,
                "price_twd": booking.price_twd,
                "refund_percent": booking.refund_percent,
                "booked_at": booking.created.isoformat(),
                "attended_at": booking.attended_at.isoformat() if booking.attended_at else None,
            }
            for booking in Booking.objects.filter(person=user).select_related("slot__experience").order_by("created")
        ],
        "experiences_created": list(Experience.objects.filter(created_by=user).values_list("title_zh", flat=True)),
    }


def erase(user):
    from experiences.actions import locked_slot, offer_freed_places

    for slot_id in set(Booking.objects.filter(person=user).holding_a_place().values_list("slot_id", flat=True)):
        with transaction.atomic():
            slot = locked_slot(Slot(pk=slot_id))
            Booking.objects.filter(person=user, slot=slot).delete()
            offer_freed_places(slot)
    Booking.objects.filter(person=user).delete()
    Experience.objects.filter(created_by=user).update(created_by=None)
