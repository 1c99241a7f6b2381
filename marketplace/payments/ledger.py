"""Totals read from the ledger: the only source of "raised" and "backers" anywhere on the site.

Money raised is the sum of payments, refunds and lost disputes (payouts move
money the project already raised, so they do not lower it). A backer is a
person (an account, or an email address for a guest) with at least one
backing whose net in the ledger is above zero: a fully refunded donor is not
counted. Totals are keyed by the listing's project page id.
"""

from dataclasses import dataclass

from django.db.models import Sum

from marketplace.payments.models import LedgerEntry

RAISING_KINDS = (LedgerEntry.Kind.PAYMENT, LedgerEntry.Kind.REFUND, LedgerEntry.Kind.DISPUTE)


@dataclass(frozen=True)
class Totals:
    raised_twd: int = 0
    backers: int = 0


def _net_by_backing(entries):
    return (
        entries.filter(kind__in=RAISING_KINDS, backing__isnull=False)
        .values("listing__project_id", "backing_id", "backing__backer_id", "backing__backer_email")
        .annotate(net=Sum("amount_twd"))
        .filter(net__gt=0)
    )


def _person(row):
    return (
        ("user", row["backing__backer_id"])
        if row["backing__backer_id"]
        else ("email", row["backing__backer_email"].lower())
    )


def totals_by_project(project_ids):
    """{project page id: Totals} for the given projects (a project without money is absent)."""
    entries = LedgerEntry.objects.filter(listing__project_id__in=list(project_ids))
    raised = dict(
        entries.filter(kind__in=RAISING_KINDS)
        .values("listing__project_id")
        .annotate(total=Sum("amount_twd"))
        .values_list("listing__project_id", "total")
    )
    people = {}
    for row in _net_by_backing(entries):
        people.setdefault(row["listing__project_id"], set()).add(_person(row))
    return {
        project_id: Totals(raised_twd=raised.get(project_id) or 0, backers=len(people.get(project_id, ())))
        for project_id in set(raised) | set(people)
    }


def totals_for_project(project_id):
    return totals_by_project([project_id]).get(project_id, Totals())


def backers_by_project(project_ids):
    return {project_id: totals.backers for project_id, totals in totals_by_project(project_ids).items()}


def site_totals():
    """Raised and distinct backers across every project."""
    raised = LedgerEntry.objects.filter(kind__in=RAISING_KINDS).aggregate(total=Sum("amount_twd"))["total"] or 0
    people = {_person(row) for row in _net_by_backing(LedgerEntry.objects.all())}
    return Totals(raised_twd=raised, backers=len(people))


def announce_progress(listing):
    """Tell every open page of the project its new totals, once the ledger change commits, and refresh the
    project's search document (debounced: a burst of payments makes one reindex, see search/indexing.py)."""
    from notifications.live import FundingProgress, send_after_commit
    from search.indexing import schedule_debounced_reindex

    schedule_debounced_reindex("projects", [listing.project_id])

    totals = totals_for_project(listing.project_id)
    campaign = getattr(listing, "donation_campaign", None)
    send_after_commit(
        FundingProgress(
            project_id=listing.project_id,
            raised_twd=totals.raised_twd,
            backers=totals.backers,
            goal_twd=campaign.goal_twd if campaign else None,
        )
    )
