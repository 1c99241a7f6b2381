"""Every change to talent profiles, help requests, offers and organisation follows: who may do it, the change,
its audit entry (core.audit), the notifications it causes. What only reads is in people/queries.py."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Membership, Organisation
from conversations.actions import open_conversation_with_person
from core.actions import ActionRefused, check_staff_permission, sent_moments_ago, staff_reason
from core.audit import Action, log
from notifications.actions import in_language_of, notify, tell_team_of_staff_action
from notifications.messages import Message
from notifications.models import Notification
from people.models import (
    HelpRequest,
    Offer,
    OrganisationFollow,
    TalentProfile,
    help_request_too_long_message,
    join_codes,
    latest_help_request_end,
)
from people.queries import is_requester

# A person may have at most this many offers open (offered, accepted or under way) at once.
MAX_OPEN_OFFERS = 10
REQUESTER_KINDS = tuple(kind for kind in Organisation.Kind.values if kind != Organisation.Kind.COMPANY)
FOLLOWABLE_KINDS = (Organisation.Kind.TOWNSHIP_OFFICE, Organisation.Kind.COUNTY_GOVERNMENT)


def _check_signed_in(user):
    if not user.is_authenticated:
        raise PermissionDenied


# --- talent profiles ---------------------------------------------------------------------------


def check_profile_data(data, today=None):
    """Refuse what would make a profile nobody can use: no way to be contacted, an availability that ends before it
    starts or has already ended, no hours."""
    today = today or timezone.localdate()
    if not any(data.get(name) for name in ("contact_email", "contact_phone", "contact_other")):
        raise ActionRefused(_("Name at least one way to contact you: an email address, a phone number or another way."))
    start, end = data.get("available_from"), data.get("available_until")
    if start and end and end < start:
        raise ActionRefused(_("Your availability cannot end before it starts."))
    if end and end < today:
        raise ActionRefused(_("Your availability has already ended: choose a later date."))
    if not data.get("pro_bono") and not (data.get("fee_note") or "").strip():
        raise ActionRefused(_("Say what you charge, or offer your help pro bono."))


@transaction.atomic
def save_profile(user, **data):
    """Create or update `user`'s own talent profile; `fields` and `languages` are lists of codes, `sectors` and
    `townships` iterables of model instances."""
    _check_signed_in(user)
    check_profile_data(data)
    sectors = data.pop("sectors", [])
    townships = data.pop("townships", [])
    data["fields"] = join_codes(data.get("fields") or [])
    data["languages"] = join_codes(data.get("languages") or [])
    profile, created = TalentProfile.objects.update_or_create(user=user, defaults=data)
    profile.sectors.set(sectors)
    profile.townships.set(townships)
    log(Action.TALENT_PROFILE_SAVE, actor=user, profile=profile.pk, created=created, kind=profile.kind)
    return profile


@transaction.atomic
def delete_profile(user):
    _check_signed_in(user)
    profile = TalentProfile.objects.filter(user=user).first()
    if profile is None:
        return
    if profile.offers.filter(status__in=(Offer.Status.ACCEPTED, Offer.Status.ENGAGED)).exists():
        raise ActionRefused(_("Finish or withdraw from your engagements under way before you delete your profile."))
    log(Action.TALENT_PROFILE_DELETE, actor=user, profile=profile.pk)
    profile.delete()


# --- help requests -----------------------------------------------------------------------------


def check_requester(user, organisation):
    _check_signed_in(user)
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise PermissionDenied
    if organisation.kind not in REQUESTER_KINDS:
        raise ActionRefused(_("Companies offer help through their people; a team or public body asks for it."))
    if organisation.awaits_verification:
        raise ActionRefused(
            _("Our staff verify %(name)s before it asks for help in its name: you can post once it is verified.")
            % {"name": organisation.name}
        )


def check_request_data(data, today=None):
    today = today or timezone.localdate()
    if not data.get("field"):
        raise ActionRefused(_("Choose the field the help is needed in."))
    if not data.get("township"):
        raise ActionRefused(_("Choose the township where the help is needed."))
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if not starts_on or not ends_on:
        raise ActionRefused(_("Give the timeframe: from and until."))
    if starts_on < today:
        raise ActionRefused(_("The timeframe cannot start in the past."))
    if ends_on < starts_on:
        raise ActionRefused(_("The timeframe cannot end before it starts."))
    if ends_on > latest_help_request_end(today):
        raise ActionRefused(help_request_too_long_message(today))
    if not data.get("pro_bono") and not data.get("budget_twd"):
        raise ActionRefused(_("Give a budget, or ask for pro bono help."))


@transaction.atomic
def create_help_request(user, organisation, **data):
    check_requester(user, organisation)
    check_request_data(data)
    same = HelpRequest.objects.filter(
        organisation=organisation, created_by=user, title=data.get("title"), description=data.get("description")
    )
    sent = sent_moments_ago(user, same)
    if sent is not None:  # the same request sent twice: followers are told once
        return sent
    help_request = HelpRequest.objects.create(organisation=organisation, created_by=user, **data)
    log(
        Action.HELP_REQUEST_CREATE,
        actor=user,
        organisation=organisation,
        help_request=help_request.pk,
        field=help_request.field,
        township=help_request.township.code,
    )
    if organisation.kind in FOLLOWABLE_KINDS:
        follows = OrganisationFollow.objects.filter(organisation=organisation).select_related("user")
        transaction.on_commit(lambda: _notify_followers(help_request, [follow.user for follow in follows]))
    return help_request


def _notify_followers(help_request, people):
    for person in people:
        with in_language_of(person):
            notify(
                person,
                Notification.Kind.FOLLOWED_REQUEST,
                Message(
                    gettext_noop("%(organisation)s asks for help: %(title)s"),
                    organisation=help_request.organisation.name,
                    title=help_request.title,
                ),
                url=help_request.get_absolute_url(),
            )


@transaction.atomic
def close_help_request(user, help_request):
    """The requester closes the request: the offers still waiting for an answer are declined, with thanks, and their
    people are told (they no longer count among the person's open offers); offers already accepted go on."""
    help_request = _locked_help_request(help_request)
    if not is_requester(user, help_request):
        raise PermissionDenied
    if help_request.status == HelpRequest.Status.CLOSED:
        raise ActionRefused(_("This request is already closed."))
    declined = _close(help_request)
    log(
        Action.HELP_REQUEST_CLOSE,
        actor=user,
        organisation=help_request.organisation,
        help_request=help_request.pk,
        declined=declined,
    )
    return help_request


MODERATE_PERMISSION = "people.moderate_helprequest"


@transaction.atomic
def close_help_request_as_staff(user, help_request, *, reason):
    """Staff close a request, as its requester would (the offers waiting are declined, with thanks), with a reason
    the organisation's members are told. Returns False, changing nothing, when it was already closed."""
    check_staff_permission(user, MODERATE_PERMISSION)
    reason = staff_reason(reason)
    help_request = _locked_help_request(help_request)
    if help_request.status == HelpRequest.Status.CLOSED:
        return False
    declined = _close(help_request)
    log(
        Action.HELP_REQUEST_STAFF_CLOSE,
        actor=user,
        organisation=help_request.organisation,
        help_request=help_request.pk,
        declined=declined,
        reason=reason,
    )
    tell_team_of_staff_action(
        help_request.organisation,
        title=Message(gettext_noop("Our staff closed your request for help: %(title)s"), title=help_request.title),
        what=Message(
            gettext_noop(
                "It no longer takes offers; the offers still waiting for your answer were declined, with thanks. "
                "Offers you had accepted go on."
            )
        ),
        reason=reason,
        url=help_request.get_absolute_url,
    )
    return True


def _locked_help_request(help_request):
    return HelpRequest.objects.select_for_update().select_related("organisation").get(pk=help_request.pk)


def _close(help_request):
    """Close the (locked) request and decline the offers still waiting, whose people are told once it is saved.
    Returns how many were declined."""
    help_request.status = HelpRequest.Status.CLOSED
    help_request.save(update_fields=["status"])
    waiting = list(
        help_request.offers.select_for_update(of=("self",))
        .filter(status=Offer.Status.OFFERED)
        .select_related("profile__user")
    )
    Offer.objects.filter(pk__in=[offer.pk for offer in waiting]).update(
        status=Offer.Status.DECLINED, changed=timezone.now()
    )
    title = help_request.title
    for offer in waiting:
        transaction.on_commit(
            lambda offer=offer: _notify(
                offer.profile.user,
                lambda: Message(
                    gettext_noop("The request is closed, with thanks for your offer: %(title)s"), title=title
                ),
                offer,
            )
        )
    return len(waiting)


# --- offers ------------------------------------------------------------------------------------


def _notify(person, title, offer):
    with in_language_of(person):
        notify(person, Notification.Kind.HELP_OFFER, title(), url=offer.get_absolute_url())


def _notify_requesters(offer, title):
    managers = Membership.objects.filter(organisation_id=offer.help_request.organisation_id).select_related("user")
    for membership in managers:
        _notify(membership.user, title, offer)


@transaction.atomic
def make_offer(user, help_request, *, message=""):
    """The person offers to help with `help_request`; at most MAX_OPEN_OFFERS open at once."""
    _check_signed_in(user)
    profile = TalentProfile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        raise ActionRefused(_("Publish your profile first: it is what the team will read."))
    if help_request.status != HelpRequest.Status.OPEN or help_request.ends_on < timezone.localdate():
        raise ActionRefused(_("This request is no longer open."))
    if is_requester(user, help_request):
        raise ActionRefused(_("You cannot offer help to your own organisation's request."))
    if Offer.objects.filter(help_request=help_request, profile=profile).exists():
        raise ActionRefused(_("You have already offered to help with this request."))
    if profile.offers.filter(status__in=Offer.OPEN_STATUSES).count() >= MAX_OPEN_OFFERS:
        raise ActionRefused(
            _("You already have %(count)s open offers: withdraw one or finish an engagement first.")
            % {"count": MAX_OPEN_OFFERS}
        )
    offer = Offer.objects.create(help_request=help_request, profile=profile, message=message.strip())
    log(Action.OFFER_MAKE, actor=user, organisation=help_request.organisation, offer=offer.pk)
    transaction.on_commit(
        lambda: _notify_requesters(
            offer,
            lambda: Message(
                gettext_noop("%(person)s offers to help: %(title)s"), person=profile.name, title=help_request.title
            ),
        )
    )
    return offer


def _locked(offer):
    return (
        Offer.objects.select_for_update().select_related("help_request__organisation", "profile__user").get(pk=offer.pk)
    )


def _move(user, offer, *, allowed_from, to, action, by):
    """Move `offer` to `to` if its status is in `allowed_from` and `user` is on side `by` ("person", "requester",
    "either")."""
    offer = _locked(offer)
    is_person = offer.profile.user_id == user.pk
    on_requester_side = is_requester(user, offer.help_request)
    if not (is_person or on_requester_side):
        raise PermissionDenied
    if (by == "person" and not is_person) or (by == "requester" and not on_requester_side):
        raise PermissionDenied
    if offer.status not in allowed_from:
        raise ActionRefused(
            _("This offer is %(status)s: that step is not possible now.") % {"status": offer.get_status_display()}
        )
    old = offer.status
    offer.status = to
    offer.save(update_fields=["status", "changed"])
    log(action, actor=user, organisation=offer.help_request.organisation, offer=offer.pk, old=old, new=to)
    return offer, is_person


@transaction.atomic
def accept_offer(user, offer):
    """The requester accepts: the person's contact details become visible to the organisation's members, and a
    private conversation opens between the person and the organisation (both reach it from the offer's page)."""
    if HelpRequest.objects.filter(pk=offer.help_request_id, status=HelpRequest.Status.CLOSED).exists():
        raise ActionRefused(_("This request is closed: no offer can be accepted any more."))
    offer, _is_person = _move(
        user,
        offer,
        allowed_from=(Offer.Status.OFFERED,),
        to=Offer.Status.ACCEPTED,
        action=Action.OFFER_ACCEPT,
        by="requester",
    )
    person = offer.profile.user
    if offer.conversation_id is None:
        offer.conversation = open_conversation_with_person(
            offer.help_request.organisation,
            person,
            title=offer.help_request.title,
            url=offer.get_absolute_url(),
        )
        offer.save(update_fields=["conversation"])
    transaction.on_commit(
        lambda: _notify(
            person,
            lambda: Message(
                gettext_noop("%(organisation)s accepted your offer: %(title)s"),
                organisation=offer.help_request.organisation.name,
                title=offer.help_request.title,
            ),
            offer,
        )
    )
    return offer


@transaction.atomic
def decline_offer(user, offer):
    offer, _is_person = _move(
        user,
        offer,
        allowed_from=(Offer.Status.OFFERED,),
        to=Offer.Status.DECLINED,
        action=Action.OFFER_DECLINE,
        by="requester",
    )
    person = offer.profile.user
    transaction.on_commit(
        lambda: _notify(
            person,
            lambda: Message(
                gettext_noop("%(organisation)s declined your offer, with thanks: %(title)s"),
                organisation=offer.help_request.organisation.name,
                title=offer.help_request.title,
            ),
            offer,
        )
    )
    return offer


@transaction.atomic
def withdraw_offer(user, offer):
    """The person takes their offer back, before or after it was accepted: the organisation is told, so that it does
    not go on counting on them (or answering an offer that is no longer there)."""
    offer, _is_person = _move(
        user,
        offer,
        allowed_from=(Offer.Status.OFFERED, Offer.Status.ACCEPTED),
        to=Offer.Status.WITHDRAWN,
        action=Action.OFFER_WITHDRAW,
        by="person",
    )
    person, title = offer.profile.name, offer.help_request.title
    transaction.on_commit(
        lambda: _notify_requesters(
            offer,
            lambda: Message(gettext_noop("%(person)s withdrew their offer: %(title)s"), person=person, title=title),
        )
    )
    return offer


@transaction.atomic
def start_engagement(user, offer):
    offer, _is_person = _move(
        user,
        offer,
        allowed_from=(Offer.Status.ACCEPTED,),
        to=Offer.Status.ENGAGED,
        action=Action.OFFER_START,
        by="either",
    )
    return offer


@transaction.atomic
def complete_engagement(user, offer):
    offer, _is_person = _move(
        user,
        offer,
        allowed_from=(Offer.Status.ENGAGED,),
        to=Offer.Status.DONE,
        action=Action.OFFER_DONE,
        by="either",
    )
    title = offer.help_request.title
    transaction.on_commit(
        lambda: _notify_both_sides(
            offer,
            lambda: Message(
                gettext_noop("Engagement done: %(title)s. How did it go? Leave your feedback."), title=title
            ),
        )
    )
    return offer


def _notify_both_sides(offer, title):
    """The person and every member of the requesting organisation (each once)."""
    _notify(offer.profile.user, title, offer)
    for membership in (
        Membership.objects.filter(organisation_id=offer.help_request.organisation_id)
        .exclude(user_id=offer.profile.user_id)
        .select_related("user")
    ):
        _notify(membership.user, title, offer)


@transaction.atomic
def leave_feedback(user, offer, *, rating, text):
    """Each side leaves feedback once, after the engagement is done."""
    offer = _locked(offer)
    is_person = offer.profile.user_id == user.pk
    if not (is_person or is_requester(user, offer.help_request)):
        raise PermissionDenied
    if offer.status != Offer.Status.DONE:
        raise ActionRefused(_("Feedback is given once the engagement is done."))
    if not 1 <= int(rating) <= 5:
        raise ActionRefused(_("Choose a rating from 1 to 5."))
    prefix = "person" if is_person else "requester"
    if getattr(offer, f"{prefix}_rating"):
        raise ActionRefused(_("You have already given your feedback."))
    setattr(offer, f"{prefix}_rating", int(rating))
    setattr(offer, f"{prefix}_feedback", text.strip())
    offer.save(update_fields=[f"{prefix}_rating", f"{prefix}_feedback", "changed"])
    log(Action.OFFER_FEEDBACK, actor=user, organisation=offer.help_request.organisation, offer=offer.pk, side=prefix)
    return offer


# --- following township offices and county governments -------------------------------------


@transaction.atomic
def follow_organisation(user, organisation):
    _check_signed_in(user)
    if organisation.kind not in FOLLOWABLE_KINDS:
        raise ActionRefused(_("Only township offices and county governments can be followed."))
    follow, created = OrganisationFollow.objects.get_or_create(user=user, organisation=organisation)
    if created:
        log(Action.ORGANISATION_FOLLOW, actor=user, organisation=organisation)
    return follow


@transaction.atomic
def unfollow_organisation(user, organisation):
    _check_signed_in(user)
    deleted, _rows = OrganisationFollow.objects.filter(user=user, organisation=organisation).delete()
    if deleted:
        log(Action.ORGANISATION_UNFOLLOW, actor=user, organisation=organisation)
