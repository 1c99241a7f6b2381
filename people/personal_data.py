"""The people app's part of the personal-data export and erasure (accounts/personal_data.py)."""

from people.models import OrganisationFollow, TalentProfile, split_codes


def export_talent_profile(user):
    profile = TalentProfile.objects.filter(user=user).select_related("home_township").first()
    if profile is None:
        return None
    return {
        "kind": profile.kind,
        "headline": profile.headline,
        "about": profile.about,
        "fields": split_codes(profile.fields),
        "skills": profile.skills,
        "sectors": list(profile.sectors.values_list("slug", flat=True)),
        "languages": split_codes(profile.languages),
        "home_township": profile.home_township.code if profile.home_township else None,
        "townships": list(profile.townships.values_list("code", flat=True)),
        "hours_per_month": profile.hours_per_month,
        "work_format": profile.work_format,
        "available_from": profile.available_from.isoformat() if profile.available_from else None,
        "available_until": profile.available_until.isoformat() if profile.available_until else None,
        "pro_bono": profile.pro_bono,
        "fee_note": profile.fee_note,
        "visibility": profile.visibility,
        "contact_email": profile.contact_email,
        "contact_phone": profile.contact_phone,
        "contact_other": profile.contact_other,
        "offers": [
            {
                "help_request": offer.help_request.title,
                "status": offer.status,
                "message": offer.message,
                "created": offer.created.isoformat(),
                "my_rating": offer.person_rating,
                "my_feedback": offer.person_feedback,
            }
            for offer in profile.offers.select_related("help_request")
        ],
    }


def export(user):
    return {
        "talent_profile": export_talent_profile(user),
        "follows": list(OrganisationFollow.objects.filter(user=user).values_list("organisation__name", flat=True)),
    }


def erase_talent_profile(user):
    """The profile and its offers go; requests the person posted stay with their organisation, without them."""
    TalentProfile.objects.filter(user=user).delete()
    OrganisationFollow.objects.filter(user=user).delete()


def erase(user):
    erase_talent_profile(user)
