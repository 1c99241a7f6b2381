"""Totals read from the ledger: the only source of "raised" and "backers" anywhere on the site.

Money raised is the sum of payments, refunds and lost disputes (payouts move
money the project already raised, so they do not lower it). A backer is a
person (an account, or an email address for a guest) with at least one
backing whose net in the ledger is above zero: a fully refunded donor is not
counted. Totals are keyed by the listing's project page id.
"""

from dataclasses import dataclass

from django.db.models import CharField, Count, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat, Lower, NullIf

from marketplace.payments.models import Backing, LedgerEntry

RAISING_KINDS = (LedgerEntry.Kind.PAYMENT, LedgerEntry.Kind.REFUND, LedgerEntry.Kind.DISPUTE)


@dataclass(frozen=True)
class Totals:
    raised_twd: int = 0
    backers: int = 0


# A backer is an account, or else a guest's email address (never a number, so the two cannot collide), or
# else, for a backing with neither, the backing itself.
PERSON = Coalesce(
    Cast("backer_id", CharField()),
    NullIf(Lower("backer_email"), Value("")),
    Concat(Value("backing:"), Cast("pk", CharField())),
)


def _backings_with_money(project_ids=None):
    """Ids of the backings whose net in the ledger is above zero (a fully refunded one has none)."""
    entries = LedgerEntry.objects.filter(kind__in=RAISING_KINDS, backing__isnull=False)
    if project_ids is not None:
        entries = entries.filter(listing__project_id__in=project_ids)
    return entries.values("backing_id").annotate(net=Sum("amount_twd")).filter(net__gt=0).values("backing_id")


def totals_by_project(project_ids):
    """{project page id: Totals} for the given projects (a project without money is absent).

    Two aggregate queries whatever the size of the ledger: nothing is counted row by row in Python.
    """
    project_ids = list(project_ids)
    raised = dict(
        LedgerEntry.objects.filter(listing__project_id__in=project_ids, kind__in=RAISING_KINDS)
        .values("listing__project_id")
        .annotate(total=Sum("amount_twd"))
        .values_list("listing__project_id", "total")
    )
    people = dict(
        Backing.objects.filter(pk__in=_backings_with_money(project_ids))
        .values("listing__project_id")
        .annotate(people=Count(PERSON, distinct=True))
        .values_list("listing__project_id", "people")
    )
    return {
        project_id: Totals(raised_twd=raised.get(project_id) or 0, backers=people.get(project_id, 0))
        for project_id in set(raised) | set(people)
    }


def totals_for_project(project_id):
    return totals_by_project([project_id]).get(project_id, Totals())


def backers_by_project(project_ids=None):
    """{project page id: backers} for the given projects, or for every project when `project_ids` is None; a project
    without backers is absent. One aggregate query (the backers of `totals_by_project`, without the money raised)."""
    if project_ids is not None:
        project_ids = list(project_ids)
    return dict(
        Backing.objects.filter(pk__in=_backings_with_money(project_ids))
        .values("listing__project_id")
        .annotate(people=Count(PERSON, distinct=True))
        .values_list("listing__project_id", "people")
    )


def site_totals():
    """Raised and distinct backers across every project (a person backing two projects counts once)."""
    raised = LedgerEntry.objects.filter(kind__in=RAISING_KINDS).aggregate(total=Sum("amount_twd"))["total"] or 0
    people = Backing.objects.filter(pk__in=_backings_with_money()).aggregate(people=Count(PERSON, distinct=True))
    return Totals(raised_twd=raised, backers=people["people"])


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
