"""What may be read about people, requests and offers, by whom (no changes here: people/actions.py)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from accounts.models import Membership
from people.models import HelpRequest, Offer, TalentProfile


@dataclass(frozen=True)
class ProfileAudience:
    """Which profiles someone may see, in terms an index can filter on: these visibilities, and always their own
    profile (`own_user_id`)."""

    visibilities: tuple
    own_user_id: int | None = None


def profile_audience(user):
    """The ProfileAudience of `user`, or None when they may see every profile (members of an organisation)."""
    if not user.is_authenticated:
        return ProfileAudience((TalentProfile.Visibility.PUBLIC,))
    if Membership.objects.filter(user=user).exists():
        return None
    return ProfileAudience((TalentProfile.Visibility.PUBLIC, TalentProfile.Visibility.MEMBERS), user.pk)


def visible_profiles(user, profiles=None, audience=...):
    """The profiles `user` may see: public ones; signed-in members' ones when signed in; organisations-only ones
    when they belong to an organisation; always their own. `audience`: profile_audience(user), when known."""
    profiles = TalentProfile.objects.all() if profiles is None else profiles
    audience = profile_audience(user) if audience is ... else audience
    if audience is None:
        return profiles
    visible = Q(visibility__in=audience.visibilities)
    if audience.own_user_id is not None:
        visible |= Q(user_id=audience.own_user_id)
    return profiles.filter(visible)


def can_see_profile(user, profile):
    return visible_profiles(user, TalentProfile.objects.filter(pk=profile.pk)).exists()


def can_see_contact(user, profile):
    """Contact details: the person, and members of an organisation whose request the person accepted to help
    with (an offer accepted, under way or done). Nobody else, staff neither."""
    if not user.is_authenticated:
        return False
    if profile.user_id == user.pk:
        return True
    return Offer.objects.filter(
        profile=profile,
        status__in=Offer.ACCEPTED_STATUSES,
        help_request__organisation__memberships__user=user,
    ).exists()


def organisations_followed_by(user_ids):
    """The organisations these people follow (a company's members, on its impact page), most followed first."""
    from django.urls import reverse

    from accounts.models import Organisation

    organisations = (
        Organisation.objects.filter(followers__user_id__in=list(user_ids))
        .annotate(follower_count=Count("followers__user", distinct=True))
        .order_by("-follower_count", "name")[:20]
    )
    return [
        {
            "name": organisation.name,
            "url": reverse("people:organisation", kwargs={"slug": organisation.slug}),
            "followers": organisation.follower_count,
        }
        for organisation in organisations
    ]


def person_summary(user):
    """What the person's own pages show of their part in people: their profile, open offers and engagements."""
    from people.models import OrganisationFollow

    profile = TalentProfile.objects.filter(user=user).first()
    offers = list(profile.offers.select_related("help_request__organisation").order_by("-changed")) if profile else []
    return {
        "profile": profile,
        "open_offers": [offer for offer in offers if offer.status == Offer.Status.OFFERED],
        "engagements": [offer for offer in offers if offer.status in (Offer.Status.ACCEPTED, Offer.Status.ENGAGED)],
        "done": [offer for offer in offers if offer.status == Offer.Status.DONE],
        "follows": list(
            OrganisationFollow.objects.filter(user=user).select_related("organisation").order_by("organisation__name")
        ),
    }


def is_requester(user, help_request):
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation_id=help_request.organisation_id).exists()
    )


def requester_organisations(user):
    """The organisations `user` may post help requests for (every kind but companies)."""
    from people.actions import REQUESTER_KINDS

    if not user.is_authenticated:
        return []
    return [
        membership.organisation
        for membership in user.memberships.select_related("organisation").order_by("organisation__name")
        if membership.organisation.kind in REQUESTER_KINDS
    ]


# --- the township page's sections (registered in people.apps with cms.township_sections) ------------------------

TOWNSHIP_ORGANISATIONS_SHOWN = 12
TOWNSHIP_REQUESTS_SHOWN = 6


def township_organisations(township, request=None):
    """The township page's "organisations here": its township office first, then the county or city government,
    universities, foundations and community associations based in the township (one query). Those Homeward staff
    verified come before the rest: anyone may create an organisation of any kind, and a self-declared "township
    office" must not stand above, or push off the list, the real one."""
    from django.db.models import Case, IntegerField, Value, When

    from accounts.models import Organisation
    from people.impact import PARTICIPANT_KINDS

    first = Case(
        *(When(kind=kind, then=Value(rank)) for rank, kind in enumerate(PARTICIPANT_KINDS)),
        output_field=IntegerField(),
    )
    organisations = (
        Organisation.objects.filter(kind__in=PARTICIPANT_KINDS)
        .filter(Q(township=township) | Q(kind=Organisation.Kind.COUNTY_GOVERNMENT, county_id=township.county_id))
        .annotate(rank=first, unverified=Case(When(verified_at__isnull=True, then=Value(1)), default=Value(0)))
        .order_by("unverified", "rank", "name", "pk")[:TOWNSHIP_ORGANISATIONS_SHOWN]
    )
    return {"township": township, "organisations": list(organisations)}


def township_help_requests(township, request=None):
    """The township page's "help wanted here": open help requests in the township that have not ended, soonest
    ending first (one query)."""
    from django.utils import timezone

    from people.models import HelpRequest

    requests = (
        HelpRequest.objects.filter(township=township, status=HelpRequest.Status.OPEN, ends_on__gte=timezone.localdate())
        .select_related("organisation")
        .order_by("ends_on", "pk")[:TOWNSHIP_REQUESTS_SHOWN]
    )
    requests = list(requests)
    # The list changes by itself when the first of these requests' last day is over.
    valid_until = (
        timezone.make_aware(datetime.datetime.combine(min(r.ends_on for r in requests), datetime.time.max))
        if requests
        else None
    )
    return {"township": township, "help_requests": requests, "valid_until": valid_until}


# --- the staff's admin screens (people.wagtail_hooks) -------------------------------------------------------------


def profiles_for_staff():
    return TalentProfile.objects.select_related("user", "home_township__county")


def help_requests_for_staff():
    return HelpRequest.objects.select_related("organisation", "township__county").annotate(offer_count=Count("offers"))


def offers_for_staff():
    return Offer.objects.select_related("profile__user", "help_request__organisation")
