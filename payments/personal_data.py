"""A person's backings in their data download, and what erasure does to them.

The ledger and its receipt numbers stay (accounting records must be kept); erasure
removes the name and email from the person's backings and marks them anonymous.
"""

from payments.models import Backing, LedgerEntry


def export(user):
    backings = Backing.objects.filter(backer=user).select_related("listing__project", "plan")
    receipts = {}
    for entry in LedgerEntry.objects.filter(backing__backer=user).exclude(receipt_number=None):
        receipts.setdefault(entry.backing_id, []).append(
            {
                "receipt_number": entry.receipt_number,
                "amount_twd": entry.amount_twd,
                "date": entry.occurred_at.isoformat(),
            }
        )
    return [
        {
            "project": backing.listing.project.title,
            "kind": backing.kind,
            "plan": backing.plan.name if backing.plan else None,
            "status": backing.status,
            "amount_twd": backing.amount_twd,
            "anonymous": backing.anonymous,
            "name_on_receipts": backing.backer_name,
            "email": backing.backer_email,
            "started": backing.created.isoformat(),
            "receipts": receipts.get(backing.pk, []),
        }
        for backing in backings
    ]


def erase(user):
    Backing.objects.filter(backer=user).update(backer=None, backer_name="", backer_email="", anonymous=True)
