"""Corporate giving: an admin of a company pays (donates, subscribes) as the company.

The receipt names the company and its 統一編號 (from its CompanyProfile, checked by
marketplace.validators.unified_business_number_is_valid), and the payment counts as corporate money in the company's
evidence report (impact.corporate) through `corporate_backings`. Only the company's admins may pay as it: a plain
member is refused with a message, before anything is saved.
"""

from django.utils.translation import gettext as _

from accounts.actions import get_membership
from accounts.models import Organisation, Role
from core.actions import ActionRefused
from marketplace.queries import company_profile_of
from marketplace.validators import unified_business_number_is_valid
from payments.models import Backing


def companies_user_may_pay_as(user):
    """The companies of which `user` is an admin and which have a profile with a 統一編號: the "as <company>"
    choices of the backing forms."""
    if user is None or not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(
            kind=Organisation.Kind.COMPANY,
            memberships__user=user,
            memberships__role=Role.ADMIN,
            company_profile__isnull=False,
        ).order_by("name")
    )


def company_payer(user, organisation):
    """Check that `user` may pay as `organisation`; returns the fields the backing records (company, its name and
    its 統一編號). Refused, with the reason, for anyone but an admin of a company whose 統一編號 is valid."""
    if organisation is None:
        return {}
    if user is None or not user.is_authenticated:
        raise ActionRefused(_("Sign in to pay as a company."))
    if organisation.kind != Organisation.Kind.COMPANY:
        raise ActionRefused(_("Only a company can be named as the payer."))
    membership = get_membership(user, organisation)
    if membership is None or membership.role != Role.ADMIN:
        raise ActionRefused(
            _("Only an admin of %(company)s may pay as the company. Nothing was charged.")
            % {"company": organisation.name}
        )
    profile = company_profile_of(organisation)
    if profile is None or not unified_business_number_is_valid(profile.unified_business_number or ""):
        raise ActionRefused(
            _("%(company)s has no valid unified business number (統一編號) on its profile yet. Nothing was charged.")
            % {"company": organisation.name}
        )
    return {
        "paying_organisation": organisation,
        "payer_company_name": organisation.name,
        "payer_unified_business_number": profile.unified_business_number,
    }


def corporate_backings(organisation):
    """Backings paid as `organisation` (their money is in the ledger, as every backing's)."""
    return Backing.objects.filter(paying_organisation=organisation)
