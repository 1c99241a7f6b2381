"""People, help requests and offers under /<lang>/people/: thin views over people/actions.py and queries.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Organisation
from accounts.privacy import public_name
from core.actions import run_action
from people import actions
from people.forms import FeedbackForm, HelpRequestForm, OfferForm, TalentProfileForm
from people.matching import WEIGHTS, rank_people_for, rank_requests_for
from people.models import HelpRequest, Offer, OrganisationFollow, TalentProfile
from people.queries import can_see_contact, can_see_profile, is_requester, requester_organisations, visible_profiles


@require_safe
def index(request):
    """Open help requests, newest first, and the people the visitor may see."""
    requests_page = Paginator(
        HelpRequest.objects.filter(status=HelpRequest.Status.OPEN).select_related("township__county", "organisation"),
        20,
    ).get_page(request.GET.get("page"))
    people = visible_profiles(request.user).select_related("user", "home_township__county")[:12]
    profile = TalentProfile.objects.filter(user=request.user).first() if request.user.is_authenticated else None
    context = {"requests_page": requests_page, "people": people, "own_profile": profile}
    return render(request, "people/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    instance = TalentProfile.objects.filter(user=request.user).first()
    form = TalentProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        outcome = run_action(
            request, actions.save_profile, form=form, success=_("Your profile has been saved."), **form.action_data()
        )
        if outcome.done:
            return redirect(outcome.result)
    context = {"form": form, "profile": instance}
    return render(request, "people/profile_edit.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def profile_delete(request):
    outcome = run_action(request, actions.delete_profile, success=_("Your profile has been deleted."))
    return redirect("people:index" if outcome.done else "people:profile_edit")


@require_safe
def profile_detail(request, pk):
    profile = get_object_or_404(
        TalentProfile.objects.select_related("user", "home_township__county").prefetch_related("sectors", "townships"),
        pk=pk,
    )
    if not can_see_profile(request.user, profile):
        raise Http404
    context = {"profile": profile, "show_contact": can_see_contact(request.user, profile)}
    return render(request, "people/profile_detail.html", context)


@login_required
@require_safe
def matches(request):
    """Requests ranked for the signed-in person, with reasons; their offers."""
    profile = TalentProfile.objects.filter(user=request.user).first()
    if profile is None:
        return redirect("people:profile_edit")
    offers = profile.offers.select_related("help_request__organisation")
    offered = {offer.help_request_id for offer in offers}
    context = {"profile": profile, "matches": rank_requests_for(profile), "offers": offers, "offered": offered}
    return render(request, "people/matches.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request):
    theirs = requester_organisations(request.user)
    organisations = [organisation for organisation in theirs if not organisation.awaits_verification]
    if not organisations:
        waiting = [organisation for organisation in theirs if organisation.awaits_verification]
        return render(request, "people/request_create.html", {"form": None, "waiting": waiting})
    form = HelpRequestForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = next(o for o in organisations if str(o.pk) == data.pop("organisation"))
        outcome = run_action(
            request,
            actions.create_help_request,
            organisation,
            form=form,
            success=_("Your request is published."),
            **data,
        )
        if outcome.done:
            return redirect(outcome.result)
    return render(
        request, "people/request_create.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


def _request_page(request, pk, offer_form=None, status=200):
    help_request = get_object_or_404(
        HelpRequest.objects.select_related("organisation", "township__county", "sector"), pk=pk
    )
    requester = is_requester(request.user, help_request)
    context = {"help_request": help_request, "is_requester": requester, "offer_form": offer_form or OfferForm()}
    if requester:
        context["offers"] = help_request.offers.select_related("profile__user")
        context["matches"] = rank_people_for(help_request, visible_to=request.user)
    elif request.user.is_authenticated:
        context["own_offer"] = Offer.objects.filter(help_request=help_request, profile__user=request.user).first()
        context["has_profile"] = TalentProfile.objects.filter(user=request.user).exists()
    context["weights"] = WEIGHTS
    offers_form = (
        request.user.is_authenticated
        and not requester
        and context.get("own_offer") is None
        and context.get("has_profile")
        and help_request.status == HelpRequest.Status.OPEN
    )
    if offer_form is not None and not offers_form:
        _say_refusals(request, offer_form)  # the form is no longer offered (an offer made meanwhile, closed)
    return render(request, "people/request_detail.html", context, status=status)


def _say_refusals(request, form):
    """A refused form the page no longer shows: its reasons as messages on the page, so they are not lost too."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@require_safe
def request_detail(request, pk):
    return _request_page(request, pk)


@login_required
@require_POST
def request_close(request, pk):
    help_request = get_object_or_404(HelpRequest, pk=pk)
    run_action(request, actions.close_help_request, help_request, success=_("The request is closed."), hide_denied=True)
    return redirect(help_request)


@login_required
@require_POST
def offer_make(request, pk):
    help_request = get_object_or_404(HelpRequest, pk=pk)
    form = OfferForm(request.POST)
    if not form.is_valid():  # the page again, with the message as typed and what is wrong with it
        return _request_page(request, pk, offer_form=form, status=400)
    outcome = run_action(
        request,
        actions.make_offer,
        help_request,
        message=form.cleaned_data["message"],
        form=form,
        success=_("Your offer has been sent."),
    )
    if outcome.done:
        return redirect(outcome.result)
    # Refused (the request closed meanwhile, an offer already made): the message typed stays, with why.
    return _request_page(request, pk, offer_form=form, status=outcome.http_status)


def _offer_for_side(request, pk):
    offer = get_object_or_404(Offer.objects.select_related("help_request__organisation", "profile__user"), pk=pk)
    if offer.profile.user_id != request.user.pk and not is_requester(request.user, offer.help_request):
        raise Http404
    return offer


def _offer_page(request, offer, feedback_form=None, status=200):
    is_person = offer.profile.user_id == request.user.pk
    given = offer.person_rating if is_person else offer.requester_rating
    context = {
        "offer": offer,
        "is_person": is_person,
        "show_contact": can_see_contact(request.user, offer.profile),
        "feedback_form": (feedback_form or FeedbackForm()) if offer.status == Offer.Status.DONE and not given else None,
    }
    if feedback_form is not None and context["feedback_form"] is None:
        _say_refusals(request, feedback_form)
    return render(request, "people/offer_detail.html", context, status=status)


@login_required
@require_safe
def offer_detail(request, pk):
    return _offer_page(request, _offer_for_side(request, pk))


STEP_ACTIONS = {
    "accept": actions.accept_offer,
    "decline": actions.decline_offer,
    "withdraw": actions.withdraw_offer,
    "start": actions.start_engagement,
    "done": actions.complete_engagement,
}


def _step_done_message(step):
    """What the step did and what comes next, said to whoever took it."""
    return {
        "accept": _("You accepted the offer. The person's contact details are below; you can write to them from here."),
        "decline": _("You declined the offer. The person is told, with thanks."),
        "withdraw": _("You withdrew your offer. The organisation is told."),
        "start": _("The engagement has started. Once the work is finished, mark it as done."),
        "done": _("The engagement is done. Leave your feedback below."),
    }[step]


@login_required
@require_POST
def offer_step(request, pk, step):
    offer = _offer_for_side(request, pk)
    if step not in STEP_ACTIONS:
        raise Http404
    action = STEP_ACTIONS[step]
    run_action(request, action, offer, success=_step_done_message(step))
    return redirect(offer)


@login_required
@require_POST
def offer_feedback(request, pk):
    offer = _offer_for_side(request, pk)
    form = FeedbackForm(request.POST)
    if not form.is_valid():  # the page again, with the feedback as typed and what is wrong with it
        return _offer_page(request, offer, feedback_form=form, status=400)
    outcome = run_action(
        request,
        actions.leave_feedback,
        offer,
        rating=form.cleaned_data["rating"],
        text=form.cleaned_data["text"],
        form=form,
        success=_("Thank you for your feedback."),
    )
    if outcome.done:
        return redirect(offer)
    # Refused (feedback already given, the offer not done yet): the words typed stay, with why.
    return _offer_page(request, offer, feedback_form=form, status=outcome.http_status)


@login_required
@require_POST
def follow(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    # The button says what it does ("follow" 1 or 0) rather than toggling: a double click or a form sent again from
    # the browser's history leaves the person where the button said, instead of undoing what they just did.
    if request.POST.get("follow", "1") == "0":
        run_action(request, actions.unfollow_organisation, organisation, success=_("You no longer follow it."))
    else:
        run_action(request, actions.follow_organisation, organisation, success=_("You follow it now."))
    return redirect("people:organisation", slug=slug)


@require_safe
def organisation_public(request, slug):
    """The public page of an organisation: kind, place, badges, members with their roles, open requests."""
    organisation = get_object_or_404(Organisation.objects.select_related("township__county", "county"), slug=slug)
    if organisation.kind in (Organisation.Kind.ENTERPRISE, Organisation.Kind.COMPANY):
        # Teams and companies have their own public pages in the marketplace.
        raise Http404
    memberships = list(organisation.memberships.select_related("user").order_by("created"))
    for membership in memberships:
        membership.public_name = public_name(membership.user)
    requests = organisation.help_requests.filter(status=HelpRequest.Status.OPEN).select_related("township__county")
    following = (
        request.user.is_authenticated
        and OrganisationFollow.objects.filter(user=request.user, organisation=organisation).exists()
    )
    context = {
        "organisation": organisation,
        "memberships": memberships,
        "requests": requests,
        "following": following,
        "followable": organisation.kind in actions.FOLLOWABLE_KINDS,
        "followers": organisation.followers.count(),
    }
    return render(request, "people/organisation_public.html", context)
