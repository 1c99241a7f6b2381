"""Pages of experiences: the public listing and detail, the person's bookings, the organiser's management pages.

Views are thin: they read through experiences.queries and change through experiences.actions (run_action).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.actions import check_member
from accounts.models import Organisation
from cms.templatetags.site_shell import DEFAULT_SHARE_IMAGE, absolute_static
from core.actions import run_action
from experiences import actions, impact, queries, rules, structured_data
from experiences.forms import CapacityForm, ExperienceForm, FilterForm, SlotForm
from experiences.models import Booking, Experience, Slot
from people.queries import person_summary

PAGE_SIZE = 12


# --- public -------------------------------------------------------------------------------------------------------


@require_safe
def experience_list(request):
    form = FilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value not in ("", None)}
    page = Paginator(queries.public_experiences(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "experiences/list.html", {"form": form, "page": page, "filtered": bool(filters)})


def _visible_experience(request, pk):
    """A published experience, or an unpublished one to its organisers; 404 to anyone else."""
    experience = get_object_or_404(Experience.objects.select_related("township__county", "organisation"), pk=pk)
    if not experience.is_published:
        try:
            check_member(request.user, experience.organisation)
        except PermissionDenied:
            raise Http404 from None
    return experience


@require_safe
def experience_detail(request, pk):
    experience = _visible_experience(request, pk)
    slots = list(queries.slots_with_places(experience))
    mine = {}
    if request.user.is_authenticated:
        mine = {
            booking.slot_id: booking
            for booking in Booking.objects.active().filter(person=request.user, slot__experience=experience)
        }
    for slot in slots:
        slot.left = max(slot.capacity - slot.taken, 0)
        slot.mine = mine.get(slot.pk)
    left = {slot.pk: slot.left for slot in slots}
    announced = list(queries.announced_slots(experience))
    for slot in announced:
        slot.left = left.get(slot.pk)
    context = {
        "experience": experience,
        "slots": slots,
        "rule": rules.describe(experience.cancellation_rule),
        "structured_data": structured_data.events_script(experience, announced, absolute_static(DEFAULT_SHARE_IMAGE)),
    }
    return render(request, "experiences/detail.html", context)


def _payment_urls(request, slot):
    """Where Stripe sends the person back: their bookings (paid) or the experience (gave up on Stripe's page)."""
    return {
        "success_url": request.build_absolute_uri(reverse("experiences:my_bookings") + "?paid=1"),
        "cancel_url": request.build_absolute_uri(reverse("experiences:detail", kwargs={"pk": slot.experience_id})),
    }


@login_required
@require_POST
def book(request, pk):
    slot = get_object_or_404(Slot.objects.select_related("experience"), pk=pk)
    outcome = run_action(
        request,
        actions.book,
        slot,
        age_confirmed=request.POST.get("age_confirmed") == "1",
        **_payment_urls(request, slot),
    )
    if outcome.done:
        booking = outcome.result
        if booking.checkout_url:
            return redirect(booking.checkout_url)  # Stripe's page; the place is held meanwhile
        if booking.status == Booking.Status.WAITLISTED:
            message = _("This time slot is full: you are on the waitlist. If a place frees up, it is offered to you.")
        else:
            message = _("Your place is booked. You will get a reminder the day before.")
        messages.success(request, message)
        return redirect("experiences:my_bookings")
    return redirect("experiences:detail", pk=slot.experience_id)


# --- the person's bookings ----------------------------------------------------------------------------------------


@login_required
@require_safe
def my_bookings(request):
    now = timezone.now()
    bookings = list(queries.bookings_of(request.user))
    upcoming = sorted((b for b in bookings if b.slot.starts_at > now and b.is_active), key=lambda b: b.slot.starts_at)
    for booking in upcoming:
        if booking.status == Booking.Status.CONFIRMED and booking.price_twd:
            percent = rules.refund_percent(booking.slot.experience.cancellation_rule, booking.slot.starts_at, now)
            booking.refund_now = rules.refund_amount(booking.price_twd, percent)
    past = [b for b in bookings if not (b.slot.starts_at > now and b.is_active)]
    for booking in upcoming:
        booking.rule = rules.describe(booking.slot.experience.cancellation_rule)
    hours = sum(impact.hours_volunteered_by_person(request.user).values())
    page = Paginator(past, 20).get_page(request.GET.get("page"))
    context = {
        "upcoming": upcoming,
        "page": page,
        "hours": round(hours, 1),
        # The person's dashboard: their part in people (profile, offers, engagements) beside their bookings.
        "people": person_summary(request.user),
        # Back from Stripe's page: the webhook may not have confirmed the place yet.
        "back_from_payment": request.GET.get("paid") == "1",
    }
    receipts = queries.receipts_of(upcoming + list(page.object_list))
    for booking in upcoming + list(page.object_list):
        booking.receipt = receipts.get(booking.pk)
    return render(request, "experiences/my_bookings.html", context)


@login_required
@require_POST
def booking_cancel(request, pk):
    booking = get_object_or_404(Booking.objects.select_related("slot"), pk=pk, person=request.user)

    def said(cancelled):
        if cancelled.refund_percent:
            return _("Your booking is cancelled. %(amount)s (%(percent)s%%) is refunded to your card.") % {
                "amount": f"NT${rules.refund_amount(cancelled.price_twd, cancelled.refund_percent):,}",
                "percent": cancelled.refund_percent,
            }
        if cancelled.refund_percent == 0:
            return _("Your booking is cancelled. Under the cancellation rule, nothing is refunded this late.")
        return _("Your booking is cancelled.")

    run_action(request, actions.cancel_booking, booking, success=said)
    return redirect("experiences:my_bookings")


@login_required
@require_POST
def booking_claim(request, pk):
    booking = get_object_or_404(Booking.objects.select_related("slot"), pk=pk, person=request.user)
    outcome = run_action(request, actions.claim_offer, booking, **_payment_urls(request, booking.slot))
    if outcome.done:
        if outcome.result.checkout_url:
            return redirect(outcome.result.checkout_url)
        messages.success(request, _("The place is yours: your booking is confirmed."))
    return redirect("experiences:my_bookings")


# --- the organiser's ----------------------------------------------------------------------------------------------


@login_required
@require_safe
def manage_list(request):
    organisations = Organisation.objects.filter(memberships__user=request.user).order_by("name")
    return render(
        request,
        "experiences/manage/list.html",
        {"experiences": queries.managed_experiences(request.user), "organisations": organisations},
    )


@login_required
@require_http_methods(["GET", "POST"])
def experience_new(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    check_member(request.user, organisation)
    form = ExperienceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        outcome = run_action(
            request,
            actions.create_experience,
            organisation,
            form=form,
            success=_("The experience is saved. Add its time slots."),
            **form.cleaned_data,
        )
        if outcome.done:
            return redirect("experiences:manage", pk=outcome.result.pk)
    context = {"form": form, "organisation": organisation}
    return render(request, "experiences/manage/form.html", context, status=400 if request.method == "POST" else 200)


def _managed(request, pk):
    experience = get_object_or_404(Experience.objects.select_related("organisation", "township"), pk=pk)
    actions.check_organiser(request.user, experience)
    return experience


@login_required
@require_http_methods(["GET", "POST"])
def manage(request, pk):
    experience = _managed(request, pk)
    form = ExperienceForm(request.POST or None, request.FILES or None, instance=Experience.objects.get(pk=pk))
    if request.method == "POST":
        if form.is_valid():
            outcome = run_action(
                request, actions.update_experience, experience, form=form, success=_("Saved."), **form.cleaned_data
            )
            if outcome.done:
                return redirect("experiences:manage", pk=pk)
        return _manage_page(request, experience, form=form, status=400)
    return _manage_page(request, experience, form=form)


def _manage_page(request, experience, *, form=None, slot_form=None, capacity_form=None, status=200):
    """The organiser's page of an experience; a form the server refused (the details, a new slot, a slot's places)
    comes back with what was typed and the reason beside it. Each slot still to come carries its places form: the
    refused one for its slot, else one filled in with the slot's places."""
    slots = list(queries.all_slots_with_counts(experience))
    for slot in slots:
        if capacity_form is not None and capacity_form.slot_id == slot.pk:
            slot.capacity_form = capacity_form
        else:
            slot.capacity_form = CapacityForm(initial={"capacity": slot.capacity}, slot_id=slot.pk)
    context = {
        "experience": experience,
        "form": form if form is not None else ExperienceForm(instance=experience),
        "slot_form": slot_form if slot_form is not None else SlotForm(),
        "capacity_form": capacity_form,
        "slots": slots,
        "now": timezone.now(),
    }
    return render(request, "experiences/manage/experience.html", context, status=status)


@login_required
@require_POST
def slot_add(request, pk):
    experience = _managed(request, pk)
    form = SlotForm(request.POST)
    if form.is_valid():
        outcome = run_action(
            request, actions.add_slot, experience, form=form, success=_("Time slot added."), **form.cleaned_data
        )
        if outcome.done:
            return redirect("experiences:manage", pk=pk)
    return _manage_page(request, experience, slot_form=form, status=400)


@login_required
@require_POST
def slot_capacity(request, pk):
    slot = get_object_or_404(Slot.objects.select_related("experience__organisation"), pk=pk)
    actions.check_organiser(request.user, slot.experience)
    form = CapacityForm(request.POST, slot_id=slot.pk)
    if form.is_valid():
        outcome = run_action(
            request,
            actions.change_slot_capacity,
            slot,
            capacity=form.cleaned_data["capacity"],
            form=form,
            error_field="capacity",
            success=_("Saved."),
        )
        if outcome.done:
            return redirect("experiences:manage", pk=slot.experience_id)
    # Refused (fewer places than are booked, none, too many): the number typed stays in its row, the reason beside.
    return _manage_page(request, slot.experience, capacity_form=form, status=400)


@login_required
@require_POST
def slot_cancel(request, pk):
    slot = get_object_or_404(Slot.objects.select_related("experience__organisation"), pk=pk)
    actions.check_organiser(request.user, slot.experience)
    run_action(
        request, actions.cancel_slot, slot, success=_("The time slot is cancelled and everyone booked on it was told.")
    )
    return redirect("experiences:manage", pk=slot.experience_id)


@login_required
@require_safe
def check_in(request, pk):
    slot = get_object_or_404(Slot.objects.select_related("experience__organisation", "experience__township"), pk=pk)
    actions.check_organiser(request.user, slot.experience)
    people = list(queries.check_in_list(slot))
    context = {
        "slot": slot,
        "experience": slot.experience,
        "people": people,
        "attended": sum(1 for booking in people if booking.status == Booking.Status.ATTENDED),
        **queries.check_in_waiting(slot),
    }
    return render(request, "experiences/manage/check_in.html", context)


@login_required
@require_POST
def mark_attended(request, pk):
    booking = get_object_or_404(Booking.objects.select_related("slot__experience__organisation"), pk=pk)
    actions.check_organiser(request.user, booking.slot.experience)
    run_action(request, actions.mark_attended, booking, attended=request.POST.get("attended") == "1")
    return redirect("experiences:check_in", pk=booking.slot_id)
