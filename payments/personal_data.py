"""A person's backings in their data download, and what erasure does to them.

The ledger and its receipt numbers stay (accounting records must be kept); erasure
removes the name and email from the person's backings and marks them anonymous, and deletes their delivery
addresses.
"""

from payments.models import Backing, DeliveryAddress, LedgerEntry


def _address(backing):
    address = getattr(backing, "delivery_address", None)
    if address is None:
        return None
    return {
        "destination": address.destination,
        "recipient": address.recipient_name,
        "phone": address.phone,
        "postal_code": address.postal_code,
        "county": address.township.county.name_zh if address.township_id else "",
        "township": address.township.name_zh if address.township_id else "",
        "street": address.street,
        "city": address.city,
        "country": address.country,
        "updated": address.updated.isoformat(),
    }


def export(user):
    backings = (
        Backing.objects.filter(backer=user)
        .select_related("listing__project", "payee", "plan", "delivery_address__township__county")
        .prefetch_related("shipments")
    )
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
            "project": backing.listing.project.title if backing.listing_id else None,
            "paid_to": backing.payee.name if backing.payee_id else None,
            "purpose": backing.purpose or None,
            "kind": backing.kind,
            "plan": backing.plan.name if backing.plan else None,
            "status": backing.status,
            "amount_twd": backing.amount_twd,
            "anonymous": backing.anonymous,
            "name_on_receipts": backing.backer_name,
            "email": backing.backer_email,
            "started": backing.created.isoformat(),
            "receipts": receipts.get(backing.pk, []),
            "delivery_address": _address(backing),
            "shipments": [
                {"month": shipment.period.strftime("%Y-%m"), "tracking_number": shipment.tracking_number}
                for shipment in backing.shipments.all()
            ],
        }
        for backing in backings
    ]


def erase(user):
    # Addresses are not accounting records: they go entirely.
    DeliveryAddress.objects.filter(backing__backer=user).delete()
    Backing.objects.filter(backer=user).update(backer=None, backer_name="", backer_email="", anonymous=True)
