"""What a ledger entry or a backing is for, in words in the reader's language, for the staff's admin screens: the
ledger lists "Subscription to 認養 of 智慧魚塭" where it printed `demo:subscription:1:1:0`, the Stripe-side key
that stays on the entry's inspect screen and in the search."""

from django.utils.translation import gettext as _

from payments import receipts
from payments.models import LedgerEntry


def backer_for_staff(backing):
    """Who paid, as staff may see it: the company on the receipt, the name given, or the address; anonymity is
    towards the team, not the staff who answer for the money."""
    if backing.payer_company_name:
        return backing.payer_company_name
    if backing.backer_name:
        return backing.backer_name
    if backing.backer_id and backing.backer.display_name:
        return backing.backer.display_name
    return backing.backer_email or "—"


def backing_purpose(backing):
    """A donation to a project, a subscription to its plan, a commitment paid, a place bought: as its receipt
    says it."""
    return receipts.purpose_of(backing, backing.listing.project if backing.listing_id else None)


def ledger_entry_purpose(entry):
    if entry.backing_id:
        return backing_purpose(entry.backing)
    if entry.listing_id is None:
        return entry.get_kind_display()
    project = entry.listing.project.title
    if entry.kind == LedgerEntry.Kind.PAYOUT:
        return _("Payout to the team of %(project)s") % {"project": project}
    return project
