"""Every change to experiences, slots and bookings: check, change in a transaction, audit entry.

Members of the organisation that publishes an experience manage it, its slots and its check-in list. People book
for themselves. Every change to a slot's bookings happens under the slot's row lock (select_for_update), so two
people booking the last place at once cannot both get it: the second waits for the first, counts again, and goes
on the waitlist. A place that frees up is offered at once to the first person waiting, for OFFER_TIME.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.actions import check_member
from cms.actions import discard_image_if_unused
from cms.images import store_uploaded_image
from core.actions import ActionRefused, check_staff_permission, lock_person, staff_reason
from core.audit import Action, log
from experiences import rules
from experiences.models import Booking, Experience, Slot, latest_slot_start
from notifications.actions import tell_team_of_staff_action
from notifications.messages import Message

# How long a person offered a freed place has to claim it (shorter when the slot starts sooner).
OFFER_TIME = timedelta(hours=12)
# Offers stop this long before the start: nobody is asked to come at a moment's notice.
OFFER_CUTOFF = timedelta(minutes=30)
# The purchase purpose of a paid place (payments.purchases; registered in experiences.apps).
PURCHASE_PURPOSE = "experiences.booking"
# A place held for a payment whose expiry never reached us (a lost webhook) is released this long after its hold.
HOLD_GRACE = timedelta(minutes=15)
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
    "meeting_point_en",
    "meeting_point_ja",
    "latitude",
    "longitude",
    "price_twd",
    "languages",
    "accessibility",
    "accessibility_en",
    "accessibility_ja",
    "what_to_bring",
    "what_to_bring_en",
    "what_to_bring_ja",
    "minimum_age",
    "cancellation_rule",
    "image_alt",
    "image_alt_en",
    "image_alt_ja",
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
    if experience.is_published and experience.organisation.awaits_verification:
        raise ActionRefused(
            _(
                "Our staff verify %(name)s before it publishes experiences in its name: "
                "save this one unpublished for now."
            )
            % {"name": experience.organisation.name}
        )
    if (experience.latitude is None) != (experience.longitude is None):
        raise ActionRefused(_("Give both the latitude and the longitude of the place, or neither."))


def _set_photo(experience, upload, *, remove=False):
    """Give `experience` the uploaded photo (a file) as an image of the CMS library, or take its photo away
    (`remove`); returns the image it no longer shows, or None. The upload passes the library's limits first, whoever
    calls: a refused file stores nothing."""
    if not upload and not remove:
        return None
    stored = None
    if upload:
        try:
            stored = store_uploaded_image(
                upload, title=experience.title_zh or upload.name, description=experience.image_alt
            )
        except ValidationError as error:
            raise ActionRefused(" ".join(error.messages)) from None
    replaced, experience.image = experience.image, stored
    return replaced


def _refuse_photo_without_words(experience, upload, *, remove=False):
    """A photo shown needs its description: the page's alt text, and the library image's."""
    shows_photo = upload or (experience.image_id and not remove)
    if shows_photo and not experience.image_alt:
        raise ActionRefused(_("Describe the photo for people who cannot see it."))


@transaction.atomic
def create_experience(user, organisation, *, image=None, **fields):
    """A new experience; `image` an uploaded photo (optional)."""
    check_member(user, organisation)
    experience = Experience(organisation=organisation, created_by=user)
    _apply(experience, fields)
    _refuse_photo_without_words(experience, image)
    _refuse_invalid(experience)
    _set_photo(experience, image)
    experience.save()
    log(
        Action.EXPERIENCE_CREATE,
        actor=user,
        organisation=organisation,
        experience=experience.pk,
        photo=experience.image_id,
    )
    return experience


@transaction.atomic
def update_experience(user, experience, *, image=None, remove_image=False, **fields):
    """Change an experience; `image` a new photo (an upload) in place of its photo, `remove_image` to show none. The
    photo it no longer shows leaves the library unless something else uses it."""
    experience = Experience.objects.select_for_update().get(pk=experience.pk)
    check_organiser(user, experience)
    price_changes = "price_twd" in fields and fields["price_twd"] != experience.price_twd
    if price_changes and Booking.objects.filter(slot__experience=experience).active().exists():
        raise ActionRefused(_("People have booked at the current price: the price cannot change any more."))
    _apply(experience, fields)
    _refuse_photo_without_words(experience, image, remove=remove_image)
    _refuse_invalid(experience)
    replaced = _set_photo(experience, image, remove=remove_image)
    experience.save()
    photo_changed = {"photo": experience.image_id} if image or replaced else {}
    log(
        Action.EXPERIENCE_UPDATE,
        actor=user,
        organisation=experience.organisation,
        experience=experience.pk,
        **photo_changed,
    )
    discard_image_if_unused(replaced)
    return experience


MODERATE_PERMISSION = "experiences.moderate_experience"


@transaction.atomic
def unpublish_experience_as_staff(user, experience, *, reason):
    """Staff take an experience off the public site (people who booked keep their places, as when its organisers
    unpublish it), with a reason its organisation's members are told. Returns False, changing nothing, when it was
    not published."""
    check_staff_permission(user, MODERATE_PERMISSION)
    reason = staff_reason(reason)
    experience = Experience.objects.select_for_update().select_related("organisation").get(pk=experience.pk)
    if not experience.is_published:
        return False
    experience.is_published = False
    experience.save(update_fields=["is_published", "updated"])
    log(
        Action.EXPERIENCE_STAFF_UNPUBLISH,
        actor=user,
        organisation=experience.organisation,
        experience=experience.pk,
        reason=reason,
    )
    tell_team_of_staff_action(
        experience.organisation,
        title=Message(
            gettext_noop("Our staff unpublished your experience: %(title)s"), title=_named(experience, "title")
        ),
        what=Message(
            gettext_noop(
                "It no longer shows on the site and cannot be booked; people who booked keep their places. Once you "
                "have dealt with the reason below, you can publish it again."
            )
        ),
        reason=reason,
        url=lambda: reverse("experiences:manage", kwargs={"pk": experience.pk}),
    )
    return True


# --- slots --------------------------------------------------------------------------------------------------------


def _check_slot_times(experience, starts_at, ends_at, *, exclude=None):
    if starts_at is None or ends_at is None:
        raise ActionRefused(_("Give the start and the end of the time slot."))
    if starts_at <= timezone.now():
        raise ActionRefused(_("This time slot starts in the past: choose a date and time still to come."))
    latest = latest_slot_start()
    if starts_at > latest:
        raise ActionRefused(
            _("A time slot starts at most %(days)s days from today: choose a day on or before %(date)s.")
            % {"days": settings.EXPERIENCE_SLOT_MAX_DAYS, "date": formats.date_format(timezone.localtime(latest))}
        )
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


def cancel_slot(user, slot):
    """The organiser cancels a slot: every booking on it is cancelled with a full refund, and everyone is told.

    Stripe refunds each paid place first (one refund per booking, keyed, so trying again refunds nothing twice): if
    Stripe refuses one, nothing here changes and the organiser is told to try again."""
    with transaction.atomic():
        slot, abandoned = _cancel_slot(user, slot)
    for backing in abandoned:
        transaction.on_commit(lambda backing=backing: _close_checkout(backing))
    return slot


def _cancel_slot(user, slot):
    slot = locked_slot(slot)
    check_organiser(user, slot.experience)
    if slot.is_cancelled:
        raise ActionRefused(_("This time slot was already cancelled."))
    now = timezone.now()
    slot.status = Slot.Status.CANCELLED
    slot.save(update_fields=["status"])
    affected = list(slot.bookings.active().select_related("person", "payment"))
    abandoned = []
    for booking in affected:
        refunded = False
        if booking.status == Booking.Status.PAYING:
            abandoned.append(booking.payment)  # if it is paid anyway, the payment's webhook refunds it
        elif booking.payment_id:
            refunded = True
            _refund(
                booking,
                booking.price_twd,
                key=f"homeward-booking-{booking.pk}-slot-cancelled",
                reason=f"time slot {slot.pk} cancelled by the organiser",
                actor=user,
            )
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.cancelled_by_organiser = True
        booking.refund_percent = 100 if refunded else None
        booking.offer_expires_at = None
        booking.hold_expires_at = None
        booking.save(
            update_fields=[
                "status",
                "cancelled_at",
                "cancelled_by_organiser",
                "refund_percent",
                "offer_expires_at",
                "hold_expires_at",
            ]
        )
        _notify_slot_cancelled(booking)
    log(Action.SLOT_CANCEL, actor=user, organisation=slot.experience.organisation, slot=slot.pk, bookings=len(affected))
    return slot, [backing for backing in abandoned if backing is not None]


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


def book(user, slot, *, age_confirmed=False, success_url="", cancel_url=""):
    """Book a place on `slot` for `user`: confirmed while places are left, otherwise on the waitlist.

    `age_confirmed`: the person confirms they meet the experience's minimum age (required when it has one).
    A paid place is held for the person (status paying) while they pay on Stripe's page: the booking's
    `checkout_url` is where to send them. The payment's webhook confirms it (experiences.purchases)."""
    with transaction.atomic():
        booking = _book(user, slot, age_confirmed=age_confirmed)
    booking.checkout_url = _open_payment(booking, success_url=success_url, cancel_url=cancel_url)
    return booking


def _book(user, slot, *, age_confirmed):
    if not user.is_authenticated:
        raise PermissionDenied
    slot = locked_slot(slot)
    _check_bookable(slot)
    experience = slot.experience
    check_minimum_age(experience, age_confirmed)
    if slot.bookings.active().filter(person=user).exists():
        raise ActionRefused(_("You have already booked this time slot (or are on its waitlist)."))
    full = slot.bookings.holding_a_place().count() >= slot.capacity
    if not full:
        _check_free_at(user, slot)
    if full:
        status = Booking.Status.WAITLISTED
    elif experience.is_free:
        status = Booking.Status.CONFIRMED
    else:
        status = Booking.Status.PAYING
    booking = Booking.objects.create(
        slot=slot,
        person=user,
        status=status,
        price_twd=experience.price_twd,
        age_confirmed=bool(experience.minimum_age and age_confirmed),
    )
    if status == Booking.Status.PAYING:
        _hold_for_payment(user, booking, slot)
    log(
        Action.BOOKING_CREATE,
        actor=user,
        organisation=experience.organisation,
        booking=booking.pk,
        slot=slot.pk,
        status=booking.status,
    )
    if booking.status == Booking.Status.CONFIRMED:
        notify_booking_confirmed(booking)
    return booking


def _check_free_at(user, slot):
    """Nobody takes two places at the same time: a place on `slot` is refused while the person has one (confirmed,
    held for their payment or attended) on another time slot that overlaps it. Waiting on a list stays possible.

    The caller holds the slot's lock, which does not stop the same person booking another slot at the same time: the
    person's row is locked too (until the caller's transaction ends), so that their second request reads the first
    one's booking instead of missing it."""
    lock_person(user)
    clash = (
        Booking.objects.filter(
            person=user,
            status__in=(Booking.Status.CONFIRMED, Booking.Status.PAYING, Booking.Status.ATTENDED),
            slot__status=Slot.Status.OPEN,
            slot__starts_at__lt=slot.ends_at,
            slot__ends_at__gt=slot.starts_at,
        )
        .exclude(slot=slot)
        .select_related("slot__experience")
        .first()
    )
    if clash is not None:
        raise ActionRefused(
            _(
                "You already have a place at that time: %(title)s, %(when)s. Cancel it on your bookings page first, "
                "or choose another time slot. Nothing was booked."
            )
            % {"title": clash.slot.experience.title, "when": _when(clash.slot)}
        )


def _hold_for_payment(user, booking, slot):
    """Make the booking's pending payment (payments.purchases) and hold its place for the Checkout's lifetime;
    inside the caller's transaction, the slot locked."""
    from payments import purchases, stripe_api

    booking.payment = purchases.create_pending_purchase(
        user,
        purpose=PURCHASE_PURPOSE,
        reference=booking.pk,
        payee=slot.experience.organisation,
        amount_twd=booking.price_twd,
    )
    booking.status = Booking.Status.PAYING
    booking.hold_expires_at = timezone.now() + stripe_api.CHECKOUT_EXPIRES_AFTER
    booking.offer_expires_at = None
    booking.save(update_fields=["payment", "status", "hold_expires_at", "offer_expires_at"])


def _open_payment(booking, *, success_url, cancel_url):
    """Open the Checkout Session of a booking held for payment (after its transaction committed); None for a booking
    that needs no payment. If Stripe cannot be reached, the place is released at once and the refusal says so."""
    from payments import purchases

    if booking.status != Booking.Status.PAYING:
        return None
    slot = booking.slot
    return purchases.open_purchase_checkout(
        booking.payment,
        product_name=_("%(title)s, %(when)s") % {"title": slot.experience.title, "when": _when(slot)},
        success_url=success_url,
        cancel_url=cancel_url,
    )


def check_own_booking(user, booking):
    if not user.is_authenticated or booking.person_id != user.pk:
        raise PermissionDenied
    return booking


def cancel_booking(user, booking):
    """The person gives up their place (or leaves the waitlist); the rule decides the refund, which Stripe makes
    before anything changes here (a refund Stripe refuses leaves the booking as it was); the place is offered."""
    with transaction.atomic():
        booking, abandoned = _cancel_booking(user, booking)
    if abandoned is not None:
        transaction.on_commit(lambda: _close_checkout(abandoned))
    return booking


def _cancel_booking(user, booking):
    check_own_booking(user, booking)
    slot = locked_slot(booking.slot)
    booking = Booking.objects.select_for_update(of=("self",)).select_related("payment").get(pk=booking.pk)
    if not booking.is_active or booking.status == Booking.Status.ATTENDED:
        raise ActionRefused(_("This booking cannot be cancelled any more."))
    now = timezone.now()
    if slot.starts_at <= now:
        raise ActionRefused(_("This time slot has already started: the booking can no longer be cancelled."))
    held_a_place = booking.status in Booking.HOLDS_A_PLACE
    was_confirmed = booking.status == Booking.Status.CONFIRMED
    abandoned = booking.payment if booking.status == Booking.Status.PAYING else None
    booking.refund_percent = (
        rules.refund_percent(slot.experience.cancellation_rule, slot.starts_at, now)
        if booking.price_twd and booking.status == Booking.Status.CONFIRMED
        else None
    )
    if booking.refund_percent and booking.payment_id:
        _refund(
            booking,
            rules.refund_amount(booking.price_twd, booking.refund_percent),
            key=f"homeward-booking-{booking.pk}-cancel",
            reason=f"booking {booking.pk} cancelled by the person ({booking.refund_percent}%)",
            actor=user,
        )
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = now
    booking.offer_expires_at = None
    booking.hold_expires_at = None
    booking.save(update_fields=["status", "cancelled_at", "refund_percent", "offer_expires_at", "hold_expires_at"])
    log(
        Action.BOOKING_CANCEL,
        actor=user,
        organisation=slot.experience.organisation,
        booking=booking.pk,
        refund_percent=booking.refund_percent,
    )
    offers = offer_freed_places(slot) if held_a_place else []
    if was_confirmed:
        _notify_organisers_withdrawn(booking, slot, offered=bool(offers))
    return booking, abandoned


def _refund(booking, amount_twd, *, key, reason, actor=None):
    """Ask Stripe for the booking's refund (payments.purchases; once per key). Stripe refusing raises ActionRefused,
    and the caller's transaction rolls back: nothing was cancelled, the person or organiser may try again."""
    from payments import purchases

    return purchases.refund_purchase(
        booking.payment, amount_twd=amount_twd, reason=reason, idempotency_key=key, actor=actor
    )


def _close_checkout(backing):
    from payments import purchases

    purchases.expire_checkout(backing)


def claim_offer(user, booking, *, success_url="", cancel_url=""):
    """The person takes the place offered to them from the waitlist, while the offer is open (a paid place: held
    while they pay, `checkout_url` says where)."""
    with transaction.atomic():
        booking, lapsed = _claim_offer(user, booking)
    if lapsed is not None:
        # Refused after the transaction: the lapse and the offer to the next person stay made.
        raise ActionRefused(lapsed)
    booking.checkout_url = _open_payment(booking, success_url=success_url, cancel_url=cancel_url)
    return booking


def _claim_offer(user, booking):
    """(booking, None) once claimed; (booking, why) when the offer had run out: the offer is then lapsed and its place
    offered on, for the caller to commit before refusing."""
    check_own_booking(user, booking)
    slot = locked_slot(booking.slot)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != Booking.Status.OFFERED:
        raise ActionRefused(_("No place is offered to you on this time slot."))
    if booking.offer_expires_at is None or booking.offer_expires_at <= timezone.now():
        _lapse(booking)
        if offer_freed_places(slot):
            return booking, _("The offer has run out and the place went to the next person waiting.")
        _notify_organisers_unclaimed(slot)
        return booking, _("The offer has run out: the place is no longer held for you.")
    _check_free_at(user, slot)
    if booking.price_twd:
        # A paid place: held while the person pays, as a new booking is (the offer's clock stops).
        _hold_for_payment(user, booking, slot)
    else:
        booking.status = Booking.Status.CONFIRMED
        booking.offer_expires_at = None
        booking.save(update_fields=["status", "offer_expires_at"])
    log(Action.BOOKING_CLAIM, actor=user, organisation=slot.experience.organisation, booking=booking.pk)
    if booking.status == Booking.Status.CONFIRMED:
        notify_booking_confirmed(booking)  # a paid place is confirmed (and notified) by its payment
    return booking, None


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
            expired = list(slot.bookings.filter(status=Booking.Status.OFFERED, offer_expires_at__lte=now))
            for booking in expired:
                _lapse(booking)
                lapsed += 1
            if expired and not offer_freed_places(slot):
                _notify_organisers_unclaimed(slot)
    from experiences.purchases import release_stale_holds

    release_stale_holds(now)
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


def _notify_organisers(slot, kind, title, body, *, besides):
    """Tell the members of the experience's organisation (each in their language, linking to the slot's check-in
    list), but not `besides`, the person whose own step it was."""
    from accounts.queries import active_members
    from notifications.actions import in_language_of, notify

    organisers = active_members([slot.experience.organisation_id])
    if besides is not None:
        organisers = organisers.exclude(pk=besides.pk)
    for organiser in organisers:
        with in_language_of(organiser):
            notify(organiser, kind, title(), body(), url=reverse("experiences:check_in", kwargs={"pk": slot.pk}))


def _free_places(slot):
    return max(slot.capacity - slot.bookings.holding_a_place().count(), 0)


def _notify_organisers_withdrawn(booking, slot, *, offered):
    """A person gave up a confirmed place: the organiser's head count changed (a place offered to the first person
    waiting is not taken yet either)."""
    from notifications.models import Notification

    free = _free_places(slot)

    def body():
        # One sentence a line: the languages do not agree on a space between sentences.
        lines = [
            Message(
                gettext_noop("%(person)s gave up their place for %(when)s."),
                person=booking.person.get_full_name(),
                when=_when(slot),
            )
        ]
        if booking.refund_percent is not None:
            lines.append(
                Message(
                    gettext_noop("They are refunded %(percent)s%% of NT$%(price)s, by your cancellation rule."),
                    percent=booking.refund_percent,
                    price=f"{booking.price_twd:,}",
                )
            )
        if offered:
            lines.append(Message(gettext_noop("The place is offered to the first person on the waitlist.")))
        else:
            lines.append(
                Message(
                    gettext_noop("%(free)s of %(capacity)s places are free now."), free=free, capacity=slot.capacity
                )
            )
        return Message.joined(*lines)

    _notify_organisers(
        slot,
        Notification.Kind.BOOKING_WITHDRAWN,
        lambda: Message(gettext_noop("A place was cancelled: %(title)s"), title=_named(slot.experience, "title")),
        body,
        besides=booking.person,
    )


def _notify_organisers_unclaimed(slot):
    """An offer from the waitlist lapsed and nobody else waits (or it is too late to offer): the place stays empty
    unless the organiser finds someone. While the place passes on to the next person waiting, nothing changes for the
    organiser and nobody is told."""
    from notifications.models import Notification

    free = _free_places(slot)
    if not free or slot.starts_at <= timezone.now():
        return
    _notify_organisers(
        slot,
        Notification.Kind.BOOKING_UNCLAIMED,
        lambda: Message(
            gettext_noop("A freed place was not claimed: %(title)s"), title=_named(slot.experience, "title")
        ),
        lambda: Message(
            gettext_noop(
                "Nobody else waits for %(when)s: %(free)s of %(capacity)s places are free. Share the experience's "
                "page if you want them taken."
            ),
            when=_when(slot),
            free=free,
            capacity=slot.capacity,
        ),
        besides=None,
    )


def _named(experience, field):
    """The organiser's text `field` in every language they wrote it in, shown in the reader's language when the
    notification is read (the original Chinese where they wrote no version in it); a dash when it is empty."""
    versions = experience.versions(field)
    return Message.named(versions) if versions else "—"


def _when(slot):
    return timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M")


def notify_booking_confirmed(booking):
    from notifications.models import Notification

    slot = booking.slot
    _notify(
        booking,
        Notification.Kind.BOOKING_CONFIRMED,
        lambda: Message(gettext_noop("Your place is booked: %(title)s"), title=_named(slot.experience, "title")),
        lambda: Message(
            gettext_noop(
                "%(when)s in %(township)s. You will get a reminder the day before; cancel on your bookings page."
            ),
            when=_when(slot),
            township=Message.named(slot.experience.township.names),
        ),
    )


def _notify_offer(booking):
    from notifications.models import Notification

    slot = booking.slot
    _notify(
        booking,
        Notification.Kind.BOOKING_OFFER,
        lambda: Message(gettext_noop("A place is free for you: %(title)s"), title=_named(slot.experience, "title")),
        lambda: Message(
            gettext_noop(
                "Claim it on your bookings page before %(until)s, or it goes to the next person waiting. (%(when)s)"
            ),
            until=timezone.localtime(booking.offer_expires_at).strftime("%Y-%m-%d %H:%M"),
            when=_when(slot),
        ),
    )


def _notify_slot_cancelled(booking):
    from notifications.models import Notification

    slot = booking.slot
    _notify(
        booking,
        Notification.Kind.BOOKING_CANCELLED,
        lambda: Message(gettext_noop("Cancelled by the organiser: %(title)s"), title=_named(slot.experience, "title")),
        lambda: Message(
            gettext_noop("The time slot of %(when)s will not take place. Anything you paid is refunded in full."),
            when=_when(slot),
        ),
    )


def notify_late_payment_refunded(booking):
    from notifications.models import Notification

    slot = booking.slot
    _notify(
        booking,
        Notification.Kind.BOOKING_CANCELLED,
        lambda: Message(gettext_noop("Your payment is refunded: %(title)s"), title=_named(slot.experience, "title")),
        lambda: Message(
            gettext_noop(
                "Your payment for %(when)s came after the place held for you was released, and no place was free "
                "any more (or the booking had been cancelled). The full amount is refunded to your card."
            ),
            when=_when(slot),
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
                lambda experience=experience: Message(
                    gettext_noop("Tomorrow: %(title)s"), title=_named(experience, "title")
                ),
                lambda slot=slot, experience=experience: Message(
                    gettext_noop(
                        "Your place is booked for %(when)s in %(township)s. Meeting point: %(place)s. "
                        "What to bring: %(bring)s"
                    ),
                    when=_when(slot),
                    township=Message.named(experience.township.names),
                    place=_named(experience, "meeting_point"),
                    bring=_named(experience, "what_to_bring"),
                ),
            )
            sent += 1
    return sent
