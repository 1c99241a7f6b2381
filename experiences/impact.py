"""What the impact figures may read from experiences (impact sits above this app and calls these named functions).

Bookings whose status changes from confirmed to attended or cancelled (attended_at, cancelled_at) change
``figures_version_sql``, so the impact figures' cache sees them.

- hours volunteered: the length of each volunteering shift a person attended (checked in by the organiser);
- bookings: places confirmed or attended on experiences and events, by the township they take place in.
"""

from collections import defaultdict

from django.db import connection
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


# --- for the impact map (impact.measures) and the corporate report (impact.corporate) -----------------------------


def _attended_volunteering():
    return Booking.objects.filter(
        status=Booking.Status.ATTENDED, slot__experience__kind=Experience.Kind.VOLUNTEERING
    ).order_by()


def volunteer_hours_by_township_id(*, year=None, township_codes=None):
    """{township id: hours} of attended volunteering shifts, by the township of the experience; a shift counts in
    the year it started in (one query)."""
    bookings = _attended_volunteering()
    if year:
        bookings = bookings.filter(slot__starts_at__year=year)
    if township_codes:
        bookings = bookings.filter(slot__experience__township__code__in=list(township_codes))
    return _hours_by_township_id(bookings)


def _hours_by_township_id(bookings):
    rows = bookings.values(township=F("slot__experience__township_id")).annotate(
        duration=Sum(F("slot__ends_at") - F("slot__starts_at"))
    )
    return {row["township"]: round(row["duration"].total_seconds() / 3600, 1) for row in rows if row["duration"]}


def bookings_by_township_id(*, year=None, township_codes=None):
    """{township id: places confirmed or attended} on experiences, events and volunteering shifts, by the township
    of the experience; a booking counts in the year its slot starts in (one query)."""
    bookings = Booking.objects.filter(status__in=(Booking.Status.CONFIRMED, Booking.Status.ATTENDED)).order_by()
    if year:
        bookings = bookings.filter(slot__starts_at__year=year)
    if township_codes:
        bookings = bookings.filter(slot__experience__township__code__in=list(township_codes))
    rows = bookings.values(township=F("slot__experience__township_id")).annotate(places=Count("pk"))
    return {row["township"]: row["places"] for row in rows}


def volunteering_by_people(user_ids, start, end):
    """The attended volunteering shifts of these people that started in [start, end), oldest first, with the
    experience, its township and the person loaded (the corporate report's employee volunteering records)."""
    return list(
        _attended_volunteering()
        .filter(person_id__in=list(user_ids), slot__starts_at__gte=start, slot__starts_at__lt=end)
        .select_related("slot__experience__township__county", "slot__experience__organisation", "person")
        .order_by("slot__starts_at", "pk")
    )


def figures_version_sql():
    """What changes when these figures may have: the newest booking, the latest attendance and cancellation, as
    ([scalar subqueries], params) for the impact page to read with the others in one query."""
    table = connection.ops.quote_name(Booking._meta.db_table)
    columns = ("id", "attended_at", "cancelled_at")
    return [f"(SELECT MAX({column}) FROM {table})" for column in columns], []  # noqa: S608 (names from the model)


def hours_volunteered_by_people(user_ids):
    """{township name: hours} that these people volunteered together (a company's members, on its impact page)."""
    hours = _hours_by_township_id(_attended_volunteering().filter(person_id__in=list(user_ids)))
    townships = Township.objects.filter(pk__in=hours).order_by("code")
    return {township.name: hours[township.pk] for township in townships}
