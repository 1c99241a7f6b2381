"""The team's view of a project's money, read only from the ledger and the backings' current states."""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import SafeWriter
from marketplace.models import SubscriptionPlan
from payments import ledger
from payments.models import Backing, LedgerEntry


@dataclass(frozen=True)
class FundingFigures:
    backers: int
    raised_twd: int
    monthly_recurring_twd: int
    active_subscriptions: int
    donations_twd: int
    donations_count: int
    subscription_payments_twd: int
    refunds_twd: int
    refunds_count: int
    disputes_twd: int
    disputes_count: int
    failed_payments: int
    platform_fees_twd: int
    net_twd: int


def monthly_recurring_twd(listing):
    """What active subscriptions bring each month: a yearly plan counts a twelfth of its price (rounded)."""
    rows = (
        Backing.objects.filter(listing=listing, kind=Backing.Kind.SUBSCRIPTION, status=Backing.Status.ACTIVE)
        .values("plan__interval")
        .annotate(total=Sum("amount_twd"), count=Count("pk"))
    )
    monthly = 0
    count = 0
    for row in rows:
        count += row["count"]
        yearly = row["plan__interval"] == SubscriptionPlan.Interval.YEAR
        monthly += round(row["total"] / 12) if yearly else row["total"]
    return monthly, count


def funding_figures(listing):
    entries = LedgerEntry.objects.filter(listing=listing)
    payment = Q(kind=LedgerEntry.Kind.PAYMENT)
    sums = entries.aggregate(
        donations=Sum("amount_twd", filter=payment & Q(backing__kind=Backing.Kind.DONATION)),
        donations_count=Count("pk", filter=payment & Q(backing__kind=Backing.Kind.DONATION)),
        subscriptions=Sum("amount_twd", filter=payment & Q(backing__kind=Backing.Kind.SUBSCRIPTION)),
        refunds=Sum("amount_twd", filter=Q(kind=LedgerEntry.Kind.REFUND)),
        refunds_count=Count("pk", filter=Q(kind=LedgerEntry.Kind.REFUND)),
        disputes=Sum("amount_twd", filter=Q(kind=LedgerEntry.Kind.DISPUTE)),
        # A dispute won adds an entry giving its money back: the disputes are counted by their withdrawals.
        disputes_count=Count("pk", filter=Q(kind=LedgerEntry.Kind.DISPUTE, amount_twd__lt=0)),
        fees=Sum("platform_fee_twd", filter=Q(kind__in=ledger.RAISING_KINDS)),
    )
    totals = ledger.totals_for_project(listing.project_id)
    monthly, active = monthly_recurring_twd(listing)
    fees = sums["fees"] or 0
    return FundingFigures(
        backers=totals.backers,
        raised_twd=totals.raised_twd,
        monthly_recurring_twd=monthly,
        active_subscriptions=active,
        donations_twd=sums["donations"] or 0,
        donations_count=sums["donations_count"],
        subscription_payments_twd=sums["subscriptions"] or 0,
        refunds_twd=-(sums["refunds"] or 0),
        refunds_count=sums["refunds_count"],
        disputes_twd=-(sums["disputes"] or 0),
        disputes_count=sums["disputes_count"],
        failed_payments=Backing.objects.filter(listing=listing, status=Backing.Status.PAST_DUE).count(),
        platform_fees_twd=fees,
        net_twd=totals.raised_twd - fees,
    )


def backer_identity(backing):
    """(name, email) as the team may see them: 「匿名」/"anonymous" for both when the backer asked for it."""
    if backing is None:
        return "", ""
    if backing.anonymous:
        return _("anonymous"), _("anonymous")
    name = backing.backer_name or (backing.backer.display_name if backing.backer_id else "")
    email = (backing.backer.email if backing.backer_id else "") or backing.backer_email
    return name, email


def write_ledger_csv(listing, stream):
    writer = SafeWriter(stream)
    writer.writerow(
        [
            _("date"),
            _("kind"),
            _("amount (NT$)"),
            _("platform fee (NT$)"),
            _("receipt number"),
            _("backing"),
            _("plan"),
            _("name"),
            _("email"),
        ]
    )
    entries = (
        LedgerEntry.objects.filter(listing=listing)
        .select_related("backing__backer", "backing__plan")
        .order_by("occurred_at", "pk")
    )
    for entry in entries.iterator(chunk_size=500):
        name, email = backer_identity(entry.backing)
        writer.writerow(
            [
                timezone.localtime(entry.occurred_at).strftime("%Y-%m-%d %H:%M"),
                entry.get_kind_display(),
                entry.amount_twd,
                entry.platform_fee_twd,
                entry.receipt_number or "",
                entry.backing.get_kind_display() if entry.backing else "",
                entry.backing.plan.name if entry.backing and entry.backing.plan else "",
                name,
                email,
            ]
        )
