"""What the impact figures may read from experiences (impact sits above this app and calls these named functions).

- hours volunteered: the length of each volunteering shift a person attended (checked in by the organiser);
- bookings: places confirmed or attended on experiences and events, by the township they take place in.
"""

from collections import defaultdict

from django.db.models import Count, F, Sum

from experiences.models import Booking, Experience
from places.models import Township


def hours_volunteered_by_township(township_codes=None):
    """{township code: hours} of attended volunteering shifts (rounded to a tenth of an hour)."""
    bookings = Booking.objects.filter(
        status=Booking.Status.ATTENDED, slot__experience__kind=Experience.Kind.VOLUNTEERING
    )
    if township_codes is not None:
        bookings = bookings.filter(slot__experience__township__code__in=township_codes)
    rows = bookings.values(code=F("slot__experience__township__code")).annotate(
        duration=Sum(F("slot__ends_at") - F("slot__starts_at"))
    )
    return {row["code"]: round(row["duration"].total_seconds() / 3600, 1) for row in rows}


def hours_volunteered_by_person(person):
    """{township code: hours} one person volunteered (their record, on their bookings page)."""
    totals = defaultdict(float)
    for booking in Booking.objects.filter(
        person=person, status=Booking.Status.ATTENDED, slot__experience__kind=Experience.Kind.VOLUNTEERING
    ).select_related("slot__experience__township"):
        totals[booking.slot.experience.township.code] += booking.slot.hours
    return dict(totals)


def bookings_by_township():
    """{township code: places confirmed or attended}."""
    rows = (
        Booking.objects.filter(status__in=(Booking.Status.CONFIRMED, Booking.Status.ATTENDED))
        .values(code=F("slot__experience__township__code"))
        .annotate(places=Count("pk"))
    )
    return {row["code"]: row["places"] for row in rows}


def hours_volunteered_by_people(user_ids):
    """{township name: hours} that these people volunteered together (a company's members, on its impact page)."""
    rows = (
        Booking.objects.filter(
            person_id__in=list(user_ids),
            status=Booking.Status.ATTENDED,
            slot__experience__kind=Experience.Kind.VOLUNTEERING,
        )
        .values(township_id=F("slot__experience__township_id"))
        .annotate(duration=Sum(F("slot__ends_at") - F("slot__starts_at")))
    )
    hours = {row["township_id"]: round(row["duration"].total_seconds() / 3600, 1) for row in rows}
    townships = Township.objects.filter(pk__in=hours).order_by("code")
    return {township.name: hours[township.pk] for township in townships}
