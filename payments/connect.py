"""Stripe Connect money in the ledger: transfers to a team's Stripe account and the application fees (the platform
fee) Stripe takes back from them.

A team whose PayoutAccount is in Connect mode is paid by destination charges (payments.gateways.stripe_checkout):
Homeward's account takes the payment, Stripe transfers it to the team's account at once and transfers the
application fee back. Stripe reports each step with its own event:

- transfer.created (and transfer.updated, transfer.reversed): a Transfer — `amount`, `destination`,
  `source_transaction` (the charge), `transfer_group` (ours for a donation: "homeward-backing-<id>"), and its
  `reversals` (a refund with reverse_transfer=True reverses its share);
- application_fee.created and application_fee.refunded: an ApplicationFee — `amount`, `account`,
  `originating_transaction` (the charge) and its `refunds` (a refund with refund_application_fee=True gives back
  the fee's share).

Each is written as a ledger entry whose source_key names the Stripe object ("transfer:tr_…",
"transfer_reversal:trr_…", "application_fee:fee_…", "fee_refund:fr_…"), so a repeated or reordered delivery
records nothing twice; every event re-reads the whole object (a transfer with all its reversals, a fee with all its
refunds), so a late or lost intermediate event is made good by the next one. The payment and its refunds are
recorded by payments.handlers as for every other payment.
"""

import logging

from payments import stripe_api
from payments.handlers import _charge_backing, _id, _locked, _when, record_entry
from payments.models import LedgerEntry, PayoutAccount
from payments.money import CURRENCY, from_stripe_amount
from payments.webhooks import handles

logger = logging.getLogger(__name__)

GROUP_PREFIX = "homeward-backing-"


class NotYetKnown(Exception):
    """An object about a payment to one of our teams' accounts whose backing we cannot name yet (Stripe sent it
    before the payment's own event): the webhook answers 500 and Stripe delivers it again later."""


def _group_backing(transfer_group):
    if transfer_group and transfer_group.startswith(GROUP_PREFIX) and transfer_group[len(GROUP_PREFIX) :].isdigit():
        return _locked(pk=int(transfer_group[len(GROUP_PREFIX) :]))
    return None


def backing_for_charge(charge_id, *, transfer_group="", account=""):
    """The backing a Connect object is about: by our transfer group, by an entry that already named the charge, or
    by the charge itself (asked of Stripe: its transfer group, payment intent, invoice or metadata).

    None when it is not ours; NotYetKnown when it is about a payment to one of our teams' accounts that the ledger
    cannot place yet."""
    backing = _group_backing(transfer_group)
    if backing is not None:
        return backing
    if charge_id:
        entry = LedgerEntry.objects.filter(stripe_charge_id=charge_id, backing__isnull=False).first()
        if entry is not None:
            return _locked(pk=entry.backing_id)
        try:
            charge = stripe_api.retrieve_charge(charge_id).to_dict()
        except stripe_api.StripeError as error:
            raise NotYetKnown(f"charge {charge_id} could not be read from Stripe: {error}") from error
        backing = _group_backing(charge.get("transfer_group") or "") or _charge_backing(charge)
        if backing is not None:
            return backing
    if account and PayoutAccount.objects.filter(stripe_account_id=account).exists():
        raise NotYetKnown(f"charge {charge_id} to {account} is not placed in the ledger yet; Stripe will retry")
    return None


def _amount(obj):
    if (obj.get("currency") or CURRENCY) != CURRENCY:
        raise ValueError(f"{obj.get('id')} is in {obj.get('currency')}, not {CURRENCY}")
    return from_stripe_amount(obj.get("amount") or 0)


def _record(backing, *, kind, amount_twd, source_key, occurred_at, charge_id, note=""):
    return record_entry(
        backing,
        kind=kind,
        amount_twd=amount_twd,
        source_key=source_key,
        occurred_at=occurred_at,
        note=note,
        platform_fee_twd=0,  # the fee is the payment's (platform_fee_twd there) and the application fee's own entry
        stripe_charge_id=charge_id,
    )


@handles("transfer.created", "transfer.updated", "transfer.reversed")
def transfer_changed(event):
    transfer = event.data_object
    charge_id = _id(transfer.get("source_transaction"))
    destination = _id(transfer.get("destination"))
    backing = backing_for_charge(charge_id, transfer_group=transfer.get("transfer_group") or "", account=destination)
    if backing is None:
        logger.warning("transfer %s is about no payment of ours", transfer.get("id"))
        return
    _record(
        backing,
        kind=LedgerEntry.Kind.TRANSFER,
        amount_twd=-_amount(transfer),
        source_key=f"transfer:{transfer['id']}",
        occurred_at=_when(transfer.get("created")),
        charge_id=charge_id,
        note=destination,
    )
    for reversal in (transfer.get("reversals") or {}).get("data") or []:
        _record(
            backing,
            kind=LedgerEntry.Kind.TRANSFER,
            amount_twd=_amount({"currency": transfer.get("currency"), **reversal}),
            source_key=f"transfer_reversal:{reversal['id']}",
            occurred_at=_when(reversal.get("created")),
            charge_id=charge_id,
            note=destination,
        )


def _fee_charge(fee):
    """The charge on Homeward's account the fee was taken from (originating_transaction; fee_source in newer API
    versions; `charge` names it in older ones)."""
    return (
        _id(fee.get("originating_transaction"))
        or _id((fee.get("fee_source") or {}).get("charge"))
        or _id(fee.get("charge"))
    )


@handles("application_fee.created", "application_fee.refunded")
def application_fee_changed(event):
    fee = event.data_object
    charge_id = _fee_charge(fee)
    account = _id(fee.get("account"))
    backing = backing_for_charge(charge_id, account=account)
    if backing is None:
        logger.warning("application fee %s is about no payment of ours", fee.get("id"))
        return
    _record(
        backing,
        kind=LedgerEntry.Kind.APPLICATION_FEE,
        amount_twd=_amount(fee),
        source_key=f"application_fee:{fee['id']}",
        occurred_at=_when(fee.get("created")),
        charge_id=charge_id,
        note=account,
    )
    for refund in (fee.get("refunds") or {}).get("data") or []:
        _record(
            backing,
            kind=LedgerEntry.Kind.APPLICATION_FEE,
            amount_twd=-_amount({"currency": fee.get("currency"), **refund}),
            source_key=f"fee_refund:{refund['id']}",
            occurred_at=_when(refund.get("created")),
            charge_id=charge_id,
            note=account,
        )
