"""Payouts behind one interface: `balance_for(enterprise)` and `payout_status_for(enterprise)`.

Two modes (PayoutAccount.mode):

- platform_collected, the default: Stripe does not onboard Taiwan-based connected
  accounts, so Homeward's account collects. The team's balance is read from the
  ledger — raised, less the platform fees recorded with each payment, less the
  payouts already recorded — and staff record each bank transfer as a payout
  entry (source_key "payout:<uuid>").
- connect: a Stripe Connect Express account for a team in a country Stripe
  supports; Stripe holds the balance and pays out; account.updated keeps the
  flags (details submitted, charges and payouts enabled) current.
"""

import datetime
import logging
import uuid
from dataclasses import dataclass, field

import stripe
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.actions import check_manager, check_member
from core.actions import ActionRefused
from core.audit import Action, log
from payments import ledger, stripe_api
from payments.ledger import RAISING_KINDS
from payments.models import LedgerEntry, PayoutAccount
from payments.money import CURRENCY, from_stripe_amount
from payments.webhooks import handles

logger = logging.getLogger(__name__)

# Countries where Stripe onboards Express accounts that Homeward may serve (Taiwan is not one of them).
CONNECT_COUNTRIES = {
    "AU": "Australia",
    "CA": "Canada",
    "DE": "Germany",
    "FR": "France",
    "GB": "United Kingdom",
    "HK": "Hong Kong",
    "JP": "Japan",
    "NL": "Netherlands",
    "NZ": "New Zealand",
    "SG": "Singapore",
    "US": "United States",
}


def account_for(enterprise):
    """The enterprise's payout account; a team that never chose has the platform-collected default."""
    account, _created = PayoutAccount.objects.get_or_create(enterprise=enterprise)
    return account


# --- the one interface -------------------------------------------------------------


PASSED_ON_KINDS = (LedgerEntry.Kind.PAYOUT, LedgerEntry.Kind.TRANSFER, LedgerEntry.Kind.APPLICATION_FEE)


def ledger_balance(listings):
    """Raised − platform fees − payouts recorded − transfers to a Stripe account (+ the application fees Stripe took
    back from them), over the given listings, in whole NT$. A destination charge nets to zero here: its money is
    in the team's Stripe account."""
    entries = LedgerEntry.objects.filter(listing__in=listings)
    raised = entries.filter(kind__in=RAISING_KINDS).aggregate(total=Sum("amount_twd"), fees=Sum("platform_fee_twd"))
    passed_on = entries.filter(kind__in=PASSED_ON_KINDS).aggregate(total=Sum("amount_twd"))["total"] or 0
    return (raised["total"] or 0) - (raised["fees"] or 0) + passed_on  # payouts and transfers are negative entries


def stripe_balance(account):
    """(available, pending) in whole NT$ of the team's Stripe account: what Stripe holds for it."""
    if not account.stripe_account_id:
        return 0, 0
    balance = stripe_api.connected_account_balance(account.stripe_account_id)

    def total(entries):
        return sum(from_stripe_amount(entry["amount"]) for entry in entries if entry["currency"] == CURRENCY)

    return total(balance["available"]), total(balance["pending"])


def balance_for(enterprise):
    """What the team may still receive, in whole NT$, whichever the mode."""
    account = account_for(enterprise)
    if account.mode == PayoutAccount.Mode.CONNECT:
        return sum(stripe_balance(account))
    return ledger_balance(enterprise.listings.all())


# --- Connect: where a payment goes ------------------------------------------------------


def check_can_take_payments(listing=None, *, organisation=None):
    """A Connect team's payments go to its Stripe account: refused (nothing charged) until Stripe lets it take them.
    `organisation`: the seller of a purchase (payments.purchases) instead of a project's listing."""
    if listing is not None:
        account = PayoutAccount.objects.filter(enterprise_id=listing.enterprise_id).first()
    else:
        account = PayoutAccount.objects.filter(enterprise__organisation=organisation).first()
    connect = account is not None and account.mode == PayoutAccount.Mode.CONNECT
    if connect and not (account.stripe_account_id and account.charges_enabled):
        raise ActionRefused(
            _(
                "This team's Stripe account cannot take payments yet (its onboarding is not finished), so "
                "nothing was charged. Please try again later."
            ),
            "connect_not_ready",
        )


def route_to_connect(backing):
    """The Stripe account a new payment is routed to (a destination charge), noted on the backing; "" when Homeward
    collects it."""
    if backing.listing_id is not None:
        account = PayoutAccount.objects.filter(enterprise_id=backing.listing.enterprise_id).first()
    else:  # a purchase: the seller's account, when the seller is an enterprise team with one
        account = PayoutAccount.objects.filter(enterprise__organisation_id=backing.payee_id).first()
    if account is None or account.mode != PayoutAccount.Mode.CONNECT or not account.stripe_account_id:
        return ""
    type(backing).objects.filter(pk=backing.pk).update(connect_account_id=account.stripe_account_id)
    backing.connect_account_id = account.stripe_account_id
    return account.stripe_account_id


@dataclass
class PayoutStatus:
    mode: str
    mode_label: str
    balance_twd: int | None
    ready: bool
    needs_onboarding: bool = False
    payouts: list = field(default_factory=list)
    problem: str = ""
    available_twd: int | None = None  # Connect: what Stripe may pay out now
    pending_twd: int | None = None  # Connect: what Stripe holds until it is available


def recorded_payouts(enterprise, limit=50):
    return list(
        LedgerEntry.objects.filter(listing__enterprise=enterprise, kind=LedgerEntry.Kind.PAYOUT)
        .select_related("listing__project", "recorded_by")
        .order_by("-occurred_at")[:limit]
    )


def payout_status_for(enterprise):
    """Mode, balance, whether money can reach the team, and the payouts so far."""
    account = account_for(enterprise)
    status = PayoutStatus(
        mode=account.mode,
        mode_label=account.get_mode_display(),
        balance_twd=None,
        ready=True,
        payouts=recorded_payouts(enterprise),
    )
    if account.mode == PayoutAccount.Mode.CONNECT:
        status.ready = account.details_submitted and account.payouts_enabled
        status.needs_onboarding = not account.details_submitted
    try:
        if account.mode == PayoutAccount.Mode.CONNECT:
            status.available_twd, status.pending_twd = stripe_balance(account)
            status.balance_twd = status.available_twd + status.pending_twd
        else:
            status.balance_twd = balance_for(enterprise)
    except stripe.StripeError as error:
        logger.warning("Stripe balance of %s unavailable: %s", account.stripe_account_id, error)
        status.problem = _("Stripe did not answer; the balance is not shown. Try again later.")
    return status


# --- platform-collected: staff record payouts -------------------------------------------


def check_can_record_payouts(user):
    if not (user.is_authenticated and user.is_active and user.has_perm("payments.change_payoutaccount")):
        raise PermissionDenied


def earliest_payout_day(today=None):
    """The first day a payout recorded today may have been made on (settings.PAYOUT_RECORD_MAX_DAYS_BACK ago)."""
    return (today or timezone.localdate()) - datetime.timedelta(days=settings.PAYOUT_RECORD_MAX_DAYS_BACK)


def payout_too_long_ago_message(today=None):
    return _("A payout is recorded within %(days)s days of being made: give a day on or after %(date)s.") % {
        "days": settings.PAYOUT_RECORD_MAX_DAYS_BACK,
        "date": formats.date_format(earliest_payout_day(today)),
    }


def record_payout(user, listing, *, amount_twd, reference, paid_on):
    """Staff record a bank transfer to the team of `listing`: a negative payout entry in the ledger."""
    check_can_record_payouts(user)
    if paid_on > timezone.localdate():
        raise ActionRefused(_("Record a payout once it is made, not before."), "future")
    if paid_on < earliest_payout_day():
        raise ActionRefused(payout_too_long_ago_message(), "too_long_ago")
    enterprise = listing.enterprise
    with transaction.atomic():
        account = account_for(enterprise)
        account = PayoutAccount.objects.select_for_update().get(pk=account.pk)  # one payout at a time per team
        if account.mode != PayoutAccount.Mode.PLATFORM_COLLECTED:
            raise ActionRefused(
                _(
                    "This team is paid through Stripe Connect: its payments go straight to its own Stripe account "
                    "and Stripe pays it out, so there is no manual payout to record."
                ),
                "connect",
            )
        if amount_twd <= 0:
            raise ActionRefused(_("A payout is a positive amount."), "amount")
        balance = ledger_balance([listing])
        if amount_twd > balance:
            raise ActionRefused(
                _("The payout is larger than the project's balance (NT$%(balance)s).") % {"balance": f"{balance:,}"},
                "over_balance",
            )
        occurred_at = datetime.datetime.combine(paid_on, datetime.time(12), tzinfo=timezone.get_current_timezone())
        entry = ledger.write_entry(
            kind=LedgerEntry.Kind.PAYOUT,
            listing=listing,
            amount_twd=-amount_twd,
            source_key=f"payout:{uuid.uuid4()}",
            occurred_at=occurred_at,
            recorded_by=user,
            note=reference,
        )
        log(
            Action.PAYOUT_RECORDED,
            actor=user,
            organisation=enterprise.organisation,
            listing=listing.pk,
            amount_twd=amount_twd,
            reference=reference,
            entry=entry.source_key,
        )
    return entry


# --- Connect Express onboarding ---------------------------------------------------------


def check_can_onboard(user, enterprise, country):
    check_manager(user, enterprise.organisation)
    if country not in CONNECT_COUNTRIES:
        raise ActionRefused(
            _("Stripe does not onboard teams in this country; Homeward collects and pays out for you instead."),
            "unsupported_country",
        )


def start_connect_onboarding(user, enterprise, *, country, return_url, refresh_url):
    """Create (once) the team's Express account and return the Stripe page where they finish onboarding."""
    check_can_onboard(user, enterprise, country)
    account = account_for(enterprise)
    try:
        if not account.stripe_account_id:
            created = stripe_api.create_express_account(country=country, email=user.email, enterprise_id=enterprise.pk)
            with transaction.atomic():
                account = PayoutAccount.objects.select_for_update().get(pk=account.pk)
                account.stripe_account_id = created["id"]
                account.country = country
                account.mode = PayoutAccount.Mode.CONNECT
                apply_account_flags(account, created)
                log(
                    Action.PAYOUT_CONNECT_STARTED,
                    actor=user,
                    organisation=enterprise.organisation,
                    account=created["id"],
                )
        link = stripe_api.create_account_link(account.stripe_account_id, refresh_url=refresh_url, return_url=return_url)
    except stripe.StripeError as error:
        logger.warning("Connect onboarding of enterprise %s failed: %s", enterprise.pk, error)
        raise ActionRefused(
            _("Stripe could not start the onboarding just now; nothing was changed. Please try again."), "stripe"
        ) from error
    return link["url"]


def refresh_connect_status(user, enterprise):
    """After the team returns from Stripe: read the account's flags again."""
    check_member(user, enterprise.organisation)
    account = account_for(enterprise)
    if not account.stripe_account_id:
        return account
    try:
        remote = stripe_api.retrieve_account(account.stripe_account_id)
    except stripe.StripeError as error:
        logger.warning("Stripe account %s unavailable: %s", account.stripe_account_id, error)
        return account
    with transaction.atomic():
        account = PayoutAccount.objects.select_for_update().get(pk=account.pk)
        apply_account_flags(account, remote)
    return account


def apply_account_flags(account, remote):
    account.details_submitted = bool(remote["details_submitted"])
    account.charges_enabled = bool(remote["charges_enabled"])
    account.payouts_enabled = bool(remote["payouts_enabled"])
    account.save()


@handles("account.updated")
def on_account_updated(event):
    """Stripe tells us a connected account changed: copy its flags (an unknown account is ignored)."""
    remote = event.data_object
    account = PayoutAccount.objects.select_for_update().filter(stripe_account_id=remote.get("id")).first()
    if account is None:
        logger.info("account.updated for an account we do not know: %s", remote.get("id"))
        return
    apply_account_flags(account, remote)
