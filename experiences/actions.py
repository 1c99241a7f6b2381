"""Every change to experiences, slots and bookings: check, change in a transaction, audit entry.

Members of the organisation that publishes an experience manage it, its slots and its check-in list. People book
for themselves. Every change to a slot's bookings happens under the slot's row lock (select_for_update), so two
people booking the last place at once cannot both get it: the second waits for the first, counts again, and goes
on the waitlist. A place that frees up is offered at once to the first person waiting, for OFFER_TIME.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import check_member
from core.actions import ActionRefused
from core.audit import Action, log
from experiences import rules
from experiences.models import Booking, Experience, Slot

# How long a person offered a freed place has to claim it (shorter when the slot starts sooner).
OFFER_TIME = timedelta(hours=12)
# Offers stop this long before the start: nobody is asked to come at a moment's notice.
OFFER_CUTOFF = timedelta(minutes=30)
EXPERIENCE_FIELDS = (
    "kind",
    "title_zh",
    "title_en",
    "title_ja",
    "description_zh",
    "description_en",
    "description_ja",
    "township",
    "meeting_point",
    "latitude",
    "longitude",
    "price_twd",
    "languages",
    "accessibility",
    "what_to_bring",
    "minimum_age",
    "cancellation_rule",
    "is_published",
)


def _refuse_invalid(instance):
    try:
        instance.full_clean()
    except ValidationError as error:
        raise ActionRefused(" ".join(error.messages)) from None


# --- experiences --------------------------------------------------------------------------------------------------


def check_organiser(user, experience):
    """Members of the publishing organisation manage an experience; anyone else is refused (PermissionDenied)."""
    check_member(user, experience.organisation)
    return experience


def _apply(experience, fields):
    unknown = set(fields) - set(EXPERIENCE_FIELDS)
    if unknown:
        raise TypeError(f"not experience fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(experience, name, value.strip() if isinstance(value, str) else value)
    if experience.kind == Experience.Kind.VOLUNTEERING and experience.price_twd:
        raise ActionRefused(_("Volunteering is free: set the price to 0."))
    if (experience.latitude is None) != (experience.longitude is None):
        raise ActionRefused(_("Give both the latitude and the longitude of the place, or neither."))


@transaction.atomic
def create_experience(user, organisation, **fields):
    check_member(user, organisation)
    experience = Experience(organisation=organisation, created_by=user)
    _apply(experience, fields)
    _refuse_invalid(experience)
    experience.save()
    log(Action.EXPERIENCE_CREATE, actor=user, organisation=organisation, experience=experience.pk)
    return experience


@transaction.atomic
def update_experience(user, experience, **fields):
    experience = Experience.objects.select_for_update().get(pk=experience.pk)
    check_organiser(user, experience)
    price_changes = "price_twd" in fields and fields["price_twd"] != experience.price_twd
    if price_changes and Booking.objects.filter(slot__experience=experience).active().exists():
        raise ActionRefused(_("People have booked at the current price: the price cannot change any more."))
    _apply(experience, fields)
    _refuse_invalid(experience)
    experience.save()
    log(Action.EXPERIENCE_UPDATE, actor=user, organisation=experience.organisation, experience=experience.pk)
    return experience


# --- slots --------------------------------------------------------------------------------------------------------


def _check_slot_times(experience, starts_at, ends_at, *, exclude=None):
    if starts_at is None or ends_at is None:
        raise ActionRefused(_("Give the start and the end of the time slot."))
    if starts_at <= timezone.now():
        raise ActionRefused(_("This time slot starts in the past: choose a date and time still to come."))
    if ends_at <= starts_at:
        raise ActionRefused(_("A time slot must end after it starts."))
    if ends_at - starts_at > timedelta(days=3):
        raise ActionRefused(_("A time slot lasts at most 3 days: add one slot per day instead."))
    overlapping = experience.slots.filter(status=Slot.Status.OPEN, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude.pk)
    clash = overlapping.first()
    if clash is not None:
        raise ActionRefused(
            _("This time slot overlaps another one of the same experience (%(start)s–%(end)s).")
            % {
                "start": timezone.localtime(clash.starts_at).strftime("%Y-%m-%d %H:%M"),
                "end": timezone.localtime(clash.ends_at).strftime("%H:%M"),
            }
        )


def _check_capacity(capacity):
    if capacity is None or capacity < 1:
        raise ActionRefused(_("A time slot has at least one place."))
    if capacity > 1000:
        raise ActionRefused(_("A time slot has at most 1,000 places."))


@transaction.atomic
def add_slot(user, experience, *, starts_at, ends_at, capacity):
    # The experience's row serialises slot changes, so two slots added at once cannot overlap.
    experience = Experience.objects.select_for_update().get(pk=experience.pk)
    check_organiser(user, experience)
    _check_capacity(capacity)
    _check_slot_times(experience, starts_at, ends_at)
    slot = Slot.objects.create(experience=experience, starts_at=starts_at, ends_at=ends_at, capacity=capacity)
    log(Action.SLOT_ADD, actor=user, organisation=experience.organisation, slot=slot.pk, capacity=capacity)
    return slot


def locked_slot(slot):
    """`slot` re-read under its row lock (inside the caller's transaction), with its experience and organisation."""
    return Slot.objects.select_for_update(of=("self",)).select_related("experience__organisation").get(pk=slot.pk)


@transaction.atomic
def change_slot_capacity(user, slot, *, capacity):
    slot = locked_slot(slot)
    check_organiser(user, slot.experience)
    _check_capacity(capacity)
    if slot.is_cancelled:
        raise ActionRefused(_("This time slot was cancelled."))
    taken = slot.bookings.holding_a_place().count()
    if capacity < taken:
        raise ActionRefused(
            _("%(taken)s places are already booked: the slot cannot have fewer places than that.") % {"taken": taken}
        )
    slot.capacity = capacity
    slot.save(update_fields=["capacity"])
    log(Action.SLOT_CHANGE, actor=user, organisation=slot.experience.organisation, slot=slot.pk, capacity=capacity)
    offer_freed_places(slot)
    return slot


@transaction.atomic
def cancel_slot(user, slot):
    """The organiser cancels a slot: every booking on it is cancelled with a full refund, and everyone is told."""
    slot = locked_slot(slot)
    check_organiser(user, slot.experience)
    if slot.is_cancelled:
        raise ActionRefused(_("This time slot was already cancelled."))
    now = timezone.now()
    slot.status = Slot.Status.CANCELLED
    slot.save(update_fields=["status"])
    affected = list(slot.bookings.active().select_related("person"))
    for booking in affected:
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.cancelled_by_organiser = True
        booking.refund_percent = 100 if booking.price_twd else None
        booking.offer_expires_at = None
        booking.save(
            update_fields=["status", "cancelled_at", "cancelled_by_organiser", "refund_percent", "offer_expires_at"]
        )
        _notify_slot_cancelled(booking)
    log(Action.SLOT_CANCEL, actor=user, organisation=slot.experience.organisation, slot=slot.pk, bookings=len(affected))
    return slot


# --- bookings -----------------------------------------------------------------------------------------------------


def _check_bookable(slot):
    if not slot.experience.is_published:
        raise ActionRefused(_("This experience is not open for booking."))
    if slot.is_cancelled:
        raise ActionRefused(_("This time slot was cancelled by the organiser: choose another date."))
    if slot.starts_at <= timezone.now():
        raise ActionRefused(_("This time slot has already started: choose another date."))


def check_minimum_age(experience, age_confirmed):
    """A place on an experience with a minimum age goes only to someone who confirms they are that old or older.
    Nothing about their age is stored but the confirmation."""
    if experience.minimum_age and not age_confirmed:
        raise ActionRefused(
            _(
                "This experience is for people aged %(age)s and over: confirm that you are %(age)s or older to book. "
                "Nothing was booked."
            )
            % {"age": experience.minimum_age}
        )


@transaction.atomic
def book(user, slot, *, age_confirmed=False):
    """Book a place on `slot` for `user`: confirmed while places are left, otherwise on the waitlist.

    `age_confirmed`: the person confirms they meet the experience's minimum age (required when it has one)."""
    if not user.is_authenticated:
        raise PermissionDenied
    slot = locked_slot(slot)
    _check_bookable(slot)
    experience = slot.experience
    check_minimum_age(experience, age_confirmed)
    if not experience.is_free:
        raise ActionRefused(
            _("Paying online for experiences is not open yet: contact the organiser to book. Nothing was charged.")
        )
    if slot.bookings.active().filter(person=user).exists():
        raise ActionRefused(_("You have already booked this time slot (or are on its waitlist)."))
    full = slot.bookings.holding_a_place().count() >= slot.capacity
    booking = Booking.objects.create(
        slot=slot,
        person=user,
        status=Booking.Status.WAITLISTED if full else Booking.Status.CONFIRMED,
        price_twd=experience.price_twd,
        age_confirmed=bool(experience.minimum_age and age_confirmed),
    )
    log(
        Action.BOOKING_CREATE,
        actor=user,
        organisation=experience.organisation,
        booking=booking.pk,
        slot=slot.pk,
        status=booking.status,
    )
    if booking.status == Booking.Status.CONFIRMED:
        _notify_confirmed(booking)
    return booking


def check_own_booking(user, booking):
    if not user.is_authenticated or booking.person_id != user.pk:
        raise PermissionDenied
    return booking


@transaction.atomic
def cancel_booking(user, booking):
    """The person gives up their place (or leaves the waitlist); the rule decides the refund; the place is offered."""
    check_own_booking(user, booking)
    slot = locked_slot(booking.slot)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if not booking.is_active or booking.status == Booking.Status.ATTENDED:
        raise ActionRefused(_("This booking cannot be cancelled any more."))
    now = timezone.now()
    if slot.starts_at <= now:
        raise ActionRefused(_("This time slot has already started: the booking can no longer be cancelled."))
    held_a_place = booking.status in Booking.HOLDS_A_PLACE
    booking.refund_percent = (
        rules.refund_percent(slot.experience.cancellation_rule, slot.starts_at, now)
        if booking.price_twd and booking.status == Booking.Status.CONFIRMED
        else None
    )
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = now
    booking.offer_expires_at = None
    booking.save(update_fields=["status", "cancelled_at", "refund_percent", "offer_expires_at"])
    log(
        Action.BOOKING_CANCEL,
        actor=user,
        organisation=slot.experience.organisation,
        booking=booking.pk,
        refund_percent=booking.refund_percent,
    )
    if held_a_place:
        offer_freed_places(slot)
    return booking


@transaction.atomic
def claim_offer(user, booking):
    """The person takes the place offered to them from the waitlist, while the offer is open."""
    check_own_booking(user, booking)
    slot = locked_slot(booking.slot)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != Booking.Status.OFFERED:
        raise ActionRefused(_("No place is offered to you on this time slot."))
    if booking.offer_expires_at is None or booking.offer_expires_at <= timezone.now():
        _lapse(booking)
        offer_freed_places(slot)
        raise ActionRefused(_("The offer has run out and the place went to the next person waiting."))
    booking.status = Booking.Status.CONFIRMED
    booking.offer_expires_at = None
    booking.save(update_fields=["status", "offer_expires_at"])
    log(Action.BOOKING_CLAIM, actor=user, organisation=slot.experience.organisation, booking=booking.pk)
    _notify_confirmed(booking)
    return booking


def _lapse(booking):
    booking.status = Booking.Status.LAPSED
    booking.offer_expires_at = None
    booking.save(update_fields=["status", "offer_expires_at"])


def offer_freed_places(slot):
    """Offer each free place of `slot` (locked by the caller) to the first people on its waitlist; returns the
    offers."""
    now = timezone.now()
    until = min(now + OFFER_TIME, slot.starts_at - OFFER_CUTOFF)
    if slot.is_cancelled or until <= now:
        return []
    free = slot.capacity - slot.bookings.holding_a_place().count()
    offers = []
    if free <= 0:
        return offers
    for booking in slot.bookings.filter(status=Booking.Status.WAITLISTED).select_related("person")[:free]:
        booking.status = Booking.Status.OFFERED
        booking.offer_expires_at = until
        booking.save(update_fields=["status", "offer_expires_at"])
        log(Action.BOOKING_OFFER, organisation=slot.experience.organisation, booking=booking.pk)
        _notify_offer(booking)
        offers.append(booking)
    return offers


def expire_offers(now=None):
    """Lapse offers whose time ran out and offer their places to the next people waiting; returns how many lapsed."""
    now = now or timezone.now()
    lapsed = 0
    slot_ids = (
        Booking.objects.filter(status=Booking.Status.OFFERED, offer_expires_at__lte=now)
        .values_list("slot_id", flat=True)
        .distinct()
    )
    for slot_id in list(slot_ids):
        with transaction.atomic():
            slot = locked_slot(Slot(pk=slot_id))
            for booking in slot.bookings.filter(status=Booking.Status.OFFERED, offer_expires_at__lte=now):
                _lapse(booking)
                lapsed += 1
            offer_freed_places(slot)
    return lapsed


@transaction.atomic
def mark_attended(user, booking, *, attended=True):
    """The organiser ticks a person off on the check-in list (or takes the tick back)."""
    slot = locked_slot(booking.slot)
    check_organiser(user, slot.experience)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.slot_id != slot.pk:
        raise PermissionDenied
    if booking.status not in (Booking.Status.CONFIRMED, Booking.Status.ATTENDED):
        raise ActionRefused(_("Only people with a confirmed place can be checked in."))
    if timezone.localdate(slot.starts_at) > timezone.localdate():
        raise ActionRefused(_("Check-in opens on the day of the time slot."))
    booking.status = Booking.Status.ATTENDED if attended else Booking.Status.CONFIRMED
    booking.attended_at = timezone.now() if attended else None
    booking.save(update_fields=["status", "attended_at"])
    log(
        Action.BOOKING_ATTENDED,
        actor=user,
        organisation=slot.experience.organisation,
        booking=booking.pk,
        attended=attended,
    )
    return booking


# --- what people are told -----------------------------------------------------------------------------------------


def _notify(booking, kind, title, body):
    from notifications.actions import in_language_of, notify

    with in_language_of(booking.person):
        notify(booking.person, kind, title(), body(), url=reverse("experiences:my_bookings"))


def _when(slot):
    return timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M")


def _notify_confirmed(booking):
    from notifications.models import Notification

    slot = booking.slot
    _notify(
        booking,
        Notification.Kind.BOOKING_CONFIRMED,
        lambda: _("Your place is booked: %(title)s") % {"title": slot.experience.title},
        lambda: (
            _("%(when)s in %(township)s. You will get a reminder the day before; cancel on your bookings page.")
            % {"when": _when(slot), "township": slot.experience.township.name}
        ),
    )


def _notify_offer(booking):
    from notifications.models import Notification

    slot = booking.slot
    _notify(
        booking,
        Notification.Kind.BOOKING_OFFER,
        lambda: _("A place is free for you: %(title)s") % {"title": slot.experience.title},
        lambda: (
            _("Claim it on your bookings page before %(until)s, or it goes to the next person waiting. (%(when)s)")
            % {"until": timezone.localtime(booking.offer_expires_at).strftime("%Y-%m-%d %H:%M"), "when": _when(slot)}
        ),
    )


def _notify_slot_cancelled(booking):
    from notifications.models import Notification

    slot = booking.slot
    _notify(
        booking,
        Notification.Kind.BOOKING_CANCELLED,
        lambda: _("Cancelled by the organiser: %(title)s") % {"title": slot.experience.title},
        lambda: (
            _("The time slot of %(when)s will not take place. Anything you paid is refunded in full.")
            % {"when": _when(slot)}
        ),
    )


def send_reminders(now=None):
    """Remind everyone with a confirmed place on a slot that starts tomorrow (Taiwan's date), once each."""
    from notifications.models import Notification

    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    due = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        reminded_at__isnull=True,
        slot__status=Slot.Status.OPEN,
        slot__starts_at__date=tomorrow,
    ).select_related("slot__experience__township", "person")
    sent = 0
    for booking in due:
        with transaction.atomic():
            # Only the run that flips reminded_at sends: a job retried or run twice reminds once.
            if not Booking.objects.filter(pk=booking.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            slot = booking.slot
            experience = slot.experience
            _notify(
                booking,
                Notification.Kind.BOOKING_REMINDER,
                lambda experience=experience: _("Tomorrow: %(title)s") % {"title": experience.title},
                lambda slot=slot, experience=experience: (
                    _(
                        "Your place is booked for %(when)s in %(township)s. Meeting point: %(place)s. "
                        "What to bring: %(bring)s"
                    )
                    % {
                        "when": _when(slot),
                        "township": experience.township.name,
                        "place": experience.meeting_point or "—",
                        "bring": experience.what_to_bring or "—",
                    }
                ),
            )
            sent += 1
    return sent
