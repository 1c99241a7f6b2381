"""An enterprise's public profile (its team edits it) and its verification (staff)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import ActionRefused
from core.audit import Action, log
from marketplace.actions.teams import check_enterprise_team, check_staff
from marketplace.models import EnterpriseProfile

PROFILE_FIELDS = (
    "township",
    "founded_year",
    "team_size",
    "members_returned_home",
    "summary",
    "name_en",
    "summary_en",
    "name_ja",
    "summary_ja",
    "website",
    "facebook_url",
    "instagram_url",
    "registered_charity",
    "charity_registration_number",
)


@transaction.atomic
def save_enterprise_profile(user, organisation, *, sectors=(), sdgs=(), **fields):
    """Create or update the organisation's enterprise profile. Verification is kept: staff verify the team."""
    check_enterprise_team(user, organisation)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown profile fields: {sorted(unknown)}")
    profile = EnterpriseProfile.objects.filter(organisation=organisation).first()
    created = profile is None
    if created:
        profile = EnterpriseProfile(organisation=organisation)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    profile.sectors.set(sectors)
    profile.sdgs.set(sdgs)
    log(Action.ENTERPRISE_CREATE if created else Action.ENTERPRISE_UPDATE, actor=user, organisation=organisation)
    return profile


@transaction.atomic
def verify_enterprise(user, profile):
    """Staff confirm the team is who it says it is; the public profile then shows the badge."""
    check_staff(user)
    profile = EnterpriseProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.is_verified:
        raise ActionRefused(_("This enterprise is already verified."))
    profile.verified_at = timezone.now()
    profile.verified_by = user
    profile.save(update_fields=["verified_at", "verified_by"])
    log(Action.ENTERPRISE_VERIFY, actor=user, organisation=profile.organisation)
    return profile


@transaction.atomic
def unverify_enterprise(user, profile):
    check_staff(user)
    profile = EnterpriseProfile.objects.select_for_update().get(pk=profile.pk)
    profile.verified_at = None
    profile.verified_by = None
    profile.save(update_fields=["verified_at", "verified_by"])
    log(Action.ENTERPRISE_UNVERIFY, actor=user, organisation=profile.organisation)
    return profile
