"""Reading experiences, slots and bookings for the pages (no changes here)."""

from django.db.models import Count, Min, Prefetch, Q
from django.utils import timezone

from cms.models.pages import card_images
from experiences.models import Booking, Experience, Slot

# The renditions of an experience's photo on its card (experiences/list.html asks `{% picture … format-{webp,jpeg}
# fill-{480x300,960x600} %}`): prefetched with the list, so a page of cards costs one query for all its pictures.
# A spec missing here is made again on every request: keep this list and the template's in step.
CARD_PHOTO_SPECS = tuple(
    f"format-{image_format}|fill-{size}" for image_format in ("webp", "jpeg") for size in ("480x300", "960x600")
)


def _with_card_photos(queryset):
    return queryset.prefetch_related(Prefetch("image", queryset=card_images(*CARD_PHOTO_SPECS)))


def card_photos(experience_ids):
    """{experience id: its photo, card renditions prefetched} of those of these experiences that have one: two
    queries, whatever their number (search results show them in their picture slot)."""
    experiences = _with_card_photos(Experience.objects.filter(pk__in=experience_ids, image__isnull=False))
    return {experience.pk: experience.image for experience in experiences.only("pk", "image")}


def upcoming_slots():
    return Slot.objects.filter(status=Slot.Status.OPEN, starts_at__gt=timezone.now())


def public_experiences(*, kind="", township=None, date=None, price="", language=""):
    """Published experiences with a slot still to come, soonest first, filtered by the listing's choices."""
    slots = Q(slots__status=Slot.Status.OPEN, slots__starts_at__gt=timezone.now())
    if date:
        slots &= Q(slots__starts_at__date__gte=date)
    experiences = Experience.objects.filter(is_published=True)
    if kind:
        experiences = experiences.filter(kind=kind)
    if township is not None:
        experiences = experiences.filter(township=township)
    if price == "free":
        experiences = experiences.filter(price_twd=0)
    elif price == "paid":
        experiences = experiences.filter(price_twd__gt=0)
    if language:
        experiences = experiences.filter(languages__contains=[language])
    return _with_card_photos(
        experiences.annotate(next_start=Min("slots__starts_at", filter=slots))
        .filter(next_start__isnull=False)
        .select_related("township__county", "organisation")
        .order_by("next_start", "pk")
    )


def slots_with_places(experience):
    """The experience's upcoming open slots, each with `taken` (places held) and `waiting` counts."""
    return (
        upcoming_slots()
        .filter(experience=experience)
        .annotate(
            taken=Count("bookings", filter=Q(bookings__status__in=Booking.HOLDS_A_PLACE)),
            waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
        )
    )


def announced_slots(experience):
    """The experience's dates still to come, cancelled ones included (structured data marks them cancelled)."""
    return Slot.objects.filter(experience=experience, starts_at__gt=timezone.now())


def bookings_of(person):
    return (
        Booking.objects.filter(person=person)
        .select_related("slot__experience__township__county", "slot__experience__organisation")
        .order_by("-slot__starts_at", "-pk")
    )


def managed_experiences(user):
    return (
        Experience.objects.filter(organisation__memberships__user=user)
        .select_related("township__county", "organisation")
        .annotate(
            upcoming=Count("slots", filter=Q(slots__status=Slot.Status.OPEN, slots__starts_at__gt=timezone.now()))
        )
        .order_by("-created")
    )


def all_slots_with_counts(experience):
    return experience.slots.annotate(
        taken=Count("bookings", filter=Q(bookings__status__in=Booking.HOLDS_A_PLACE)),
        waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
    ).order_by("starts_at")


def check_in_list(slot):
    return (
        slot.bookings.filter(status__in=(Booking.Status.CONFIRMED, Booking.Status.ATTENDED))
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "person__email")
    )


def check_in_waiting(slot):
    """{"waiting": on the waitlist, "paying": places held while someone pays}: people not on the check-in list yet
    whom the organiser should know about (one query)."""
    return slot.bookings.aggregate(
        waiting=Count("pk", filter=Q(status=Booking.Status.WAITLISTED)),
        paying=Count("pk", filter=Q(status=Booking.Status.PAYING)),
    )


TOWNSHIP_EXPERIENCES_SHOWN = 6


def township_experiences(township, request=None):
    """The township page's "coming up here" (cms.township_sections): published experiences, events and volunteering
    in the township with a slot still to come, soonest first (one query)."""
    experiences = list(public_experiences(township=township)[:TOWNSHIP_EXPERIENCES_SHOWN])
    return {
        "township": township,
        "experiences": experiences,
        # A card shows its next slot: the list changes by itself when the first of these starts.
        "valid_until": min((experience.next_start for experience in experiences), default=None),
    }


def receipts_of(bookings):
    """{booking id: the receipt (a payments LedgerEntry) of its payment} for paid bookings, in one query."""
    from payments.models import LedgerEntry

    by_payment = {booking.payment_id: booking.pk for booking in bookings if booking.payment_id}
    if not by_payment:
        return {}
    entries = LedgerEntry.objects.filter(
        backing_id__in=list(by_payment), kind=LedgerEntry.Kind.PAYMENT, receipt_number__isnull=False
    )
    return {by_payment[entry.backing_id]: entry for entry in entries}


# --- the staff's admin screens (experiences.wagtail_hooks) --------------------------------------------------------


def experiences_for_staff():
    return Experience.objects.select_related("organisation", "township__county")


def slots_for_staff():
    """Every slot with `taken` (places held) and `waiting` (people on the waitlist)."""
    return Slot.objects.select_related("experience").annotate(
        taken=Count("bookings", filter=Q(bookings__status__in=Booking.HOLDS_A_PLACE)),
        waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
    )


def bookings_for_staff():
    return Booking.objects.select_related("person", "slot__experience")
