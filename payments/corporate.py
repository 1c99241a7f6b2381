"""Corporate giving: an admin of a company pays (donates, subscribes) as the company.

The receipt names the company and its 統一編號 (from its CompanyProfile, checked by
marketplace.validators.unified_business_number_is_valid), and the payment counts as corporate money in the company's
evidence report (impact.corporate) through `corporate_backings`. Only the company's admins may pay as it: a plain
member is refused with a message, before anything is saved.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
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


# --- paying a confirmed investment commitment ------------------------------------------------------------------


def commitment_payment_state(interest):
    """("paid", backing) when the commitment is paid, ("pending", backing) while a payment of it is open at Stripe,
    else (None, None)."""
    from payments.checkout import CHECKOUT_LIFETIME

    paid = interest.payments.filter(status=Backing.Status.PAID).first()
    if paid is not None:
        return "paid", paid
    recent = timezone.now() - CHECKOUT_LIFETIME
    pending = interest.payments.filter(status=Backing.Status.PENDING, created__gte=recent).first()
    if pending is not None:
        return "pending", pending
    return None, None


def check_commitment_payable(user, interest, amount_twd):
    """Why `user` cannot pay `interest` (a marketplace.Interest, locked by the caller) as its company with
    `amount_twd`, as ActionRefused; returns the payer's fields (company_payer) when they can."""
    from marketplace.queries import confirmed_commitments

    payer = company_payer(user, interest.company.organisation)
    if not confirmed_commitments().filter(pk=interest.pk).exists():
        raise ActionRefused(
            _("Only a commitment both sides confirmed can be paid: this one is not confirmed. Nothing was charged.")
        )
    if amount_twd != interest.committed_amount_twd:
        raise ActionRefused(
            _(
                "The amount (NT$%(amount)s) is not the confirmed commitment (NT$%(confirmed)s): pay exactly the "
                "confirmed amount, or agree a new commitment with the team first. Nothing was charged."
            )
            % {"amount": f"{amount_twd:,}", "confirmed": f"{interest.committed_amount_twd:,}"}
        )
    state, backing = commitment_payment_state(interest)
    if state == "paid":
        raise ActionRefused(_("This commitment is already paid. Nothing was charged."))
    if state == "pending":
        from payments.checkout import checkout_closes_at, local_time

        raise ActionRefused(
            _(
                "A payment of this commitment is already waiting to be completed on Stripe's page. Finish it, or try "
                "again after %(time)s, when that page closes. Nothing was charged."
            )
            % {"time": local_time(checkout_closes_at(backing))}
        )
    from payments.purchases import MAX_CHECKOUT_TWD

    if amount_twd > MAX_CHECKOUT_TWD:
        raise ActionRefused(
            _(
                "NT$%(amount)s is more than one card payment can take: pay this commitment by bank transfer as agreed "
                "with the team. Nothing was charged."
            )
            % {"amount": f"{amount_twd:,}"}
        )
    return payer


def start_commitment_payment(user, interest, *, amount_twd, success_url, cancel_url):
    """A company admin pays a confirmed investment commitment as the company, through Checkout; returns its URL.

    The interest's row is locked while the pending payment is made, so two admins clicking at once open one
    payment; the database allows one paid payment per commitment (one_paid_payment_per_commitment)."""
    from marketplace.models import Interest
    from payments import checkout, gateways
    from payments.payouts import check_can_take_payments

    checkout.check_payments_configured()
    with transaction.atomic():
        interest = (
            Interest.objects.select_for_update(of=("self",))
            .select_related("company__organisation", "project__listing")
            .get(pk=interest.pk)
        )
        payer = check_commitment_payable(user, interest, amount_twd)
        listing = getattr(interest.project, "listing", None)
        if listing is None:
            raise ActionRefused(_("This project takes no payments. Nothing was charged."))
        check_can_take_payments(listing)
        backing = Backing.objects.create(
            **payer,
            kind=Backing.Kind.INVESTMENT,
            listing=listing,
            interest=interest,
            backer=user,
            backer_email=user.email,
            backer_name=payer["payer_company_name"][:150],
            amount_twd=amount_twd,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        checkout._log_checkout(backing, user)
    project = interest.project.localized
    return checkout._open_checkout(
        backing,
        lambda: gateways.current().create_payment_checkout(
            backing,
            product_name=_("Investment commitment of %(company)s to %(project)s")
            % {"company": payer["payer_company_name"], "project": project.title},
            success_url=success_url,
            cancel_url=cancel_url,
            customer_email=backing.backer_email,
            language=backing.language,
        ),
    )
