"""What the company pages share: the company of the URL for one of its members, and its profile."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from accounts.models import Organisation
from marketplace import actions, queries


def company_for_member(request, slug):
    """(organisation, membership) of the company `slug` for one of its members; 404 or 403 otherwise."""
    organisation = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.COMPANY)
    membership = actions.check_company_member(request.user, organisation)
    return organisation, membership


def profile_or_redirect(request, organisation):
    """(profile, None), or (None, a redirect to the profile form, with a message) while the company has none."""
    profile = queries.company_profile_of(organisation)
    if profile is not None:
        return profile, None
    messages.info(request, _("Fill in your company profile first."))
    return None, redirect("marketplace:company_profile", slug=organisation.slug)
