"""What the payment pages read (nothing here changes anything): a backer's own backings and receipts, a team's
ledger, the people backing a project. Money totals are read from payments.ledger; the listings a payment page
starts from (a public one to back, a team's own one) from marketplace.queries."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from cms.models.pages import card_images
from payments.models import Backing, LedgerEntry


def backings_of(user):
    """The person's backings, newest first, with what their list shows (expired checkouts left out)."""
    return (
        Backing.objects.filter(backer=user, listing__isnull=False)  # purchases are listed where they were made
        .exclude(status=Backing.Status.EXPIRED)
        .select_related("listing__project__locale", "plan")
        .defer("listing__project__body")  # the list shows no story: its JSON is not fetched and parsed per row
        .prefetch_related("listing__project__updates", Prefetch("listing__project__hero_image", queryset=card_images()))
    )


def payments_by_backing(backings):
    """{backing id: [its payment entries]} for the backings of one page, in one query."""
    payments = {}
    for entry in LedgerEntry.objects.filter(backing__in=list(backings), kind=LedgerEntry.Kind.PAYMENT):
        payments.setdefault(entry.backing_id, []).append(entry)
    return payments


def own_backing_or_404(user, pk):
    """One of the person's own backings; anyone else's is 404 (its existence is not revealed)."""
    return get_object_or_404(
        Backing.objects.select_related("listing__project", "plan"), pk=pk, backer=user, listing__isnull=False
    )


def own_subscription_or_404(user, pk):
    """One of the person's own subscriptions; anyone else's is 404."""
    return get_object_or_404(
        Backing.objects.select_related("listing__project", "plan"), pk=pk, backer=user, kind=Backing.Kind.SUBSCRIPTION
    )


def own_receipt_or_404(user, pk):
    """A payment of the person's own, or one paid as a company of which the person is an admin (the company files
    its receipts), with a receipt number; anything else is 404."""
    from django.db.models import Q

    from accounts.models import Organisation, Role

    admin_of = Organisation.objects.filter(memberships__user=user, memberships__role=Role.ADMIN).values("pk")

    return get_object_or_404(
        LedgerEntry.objects.select_related(
            "backing__backer", "backing__payee", "listing__project", "listing__enterprise__organisation"
        ).exclude(receipt_number=None),
        Q(backing__backer=user) | Q(backing__paying_organisation__in=admin_of),
        pk=pk,
        kind=LedgerEntry.Kind.PAYMENT,
    )


def ledger_entries_of(listing):
    """A team's ledger, newest first, with the backers the dashboard names."""
    return listing.ledger_entries.select_related("backing__backer", "backing__plan")


def people_backing_now(listing):
    """The signed-in people who back the project now (paid, active, paused or past due): they hear of its updates."""
    from accounts.models import User

    backing_now = (Backing.Status.PAID, Backing.Status.ACTIVE, Backing.Status.PAUSED, Backing.Status.PAST_DUE)
    return list(
        User.objects.filter(is_active=True, backings__listing=listing, backings__status__in=backing_now).distinct()
    )


def shipping_backings(listing, *, shipment_backings, plans):
    """The listing's subscriptions on shipping `plans` that could get goods now (active, paused, past due: the
    caller leaves out those that do not), and those in `shipment_backings` (already shipped), with their plan,
    backer and delivery address, ordered for packing (plan, then oldest backer first)."""
    from django.db.models import Q

    return list(
        Backing.objects.filter(listing=listing, kind=Backing.Kind.SUBSCRIPTION)
        .filter(
            Q(pk__in=list(shipment_backings))
            | Q(
                plan__in=list(plans),
                status__in=(Backing.Status.ACTIVE, Backing.Status.PAUSED, Backing.Status.PAST_DUE),
            )
        )
        .select_related("plan", "backer", "delivery_address__township__county")
        .order_by("plan__sort_order", "plan_id", "created", "pk")
    )


def own_shipping_subscription_or_404(user, pk):
    """One of the person's own subscriptions to a plan that ships goods, with its address; anything else is 404."""
    return get_object_or_404(
        Backing.objects.select_related("listing__project", "plan", "delivery_address__township__county"),
        pk=pk,
        backer=user,
        kind=Backing.Kind.SUBSCRIPTION,
        plan__ships_goods=True,
    )


def shipments_of(backing):
    return list(backing.shipments.order_by("-period")[:12])
