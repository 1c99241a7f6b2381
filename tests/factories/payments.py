"""Backings, plans and ledger rows made directly, as checkout and the webhook handlers make them.

`BackingFactory` makes a backing (a paid donation unless told otherwise); `paid_backing` also writes its payment
to the ledger through `payments.ledger.write_entry`, the one way entries are written (running totals included).
"""

import datetime
import itertools

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from marketplace.models import DonationCampaign, SubscriptionPlan
from payments.ledger import write_entry
from payments.models import Backing, LedgerEntry

_numbers = itertools.count(1)


class BackingFactory(DjangoModelFactory):
    class Meta:
        model = Backing

    kind = Backing.Kind.DONATION
    status = Backing.Status.PAID
    backer = None
    backer_email = factory.LazyAttribute(lambda backing: backing.backer.email if backing.backer else "")
    amount_twd = 1_000


class SubscriptionPlanFactory(DjangoModelFactory):
    class Meta:
        model = SubscriptionPlan

    name = "大戶認養"
    price_twd = 1_200
    interval = "month"
    rewards = "更多魚"


def record_payment(backing, *, amount=None, key=None, when=None, **fields):
    """The ledger's payment entry of `backing` (its amount unless told), as the payment webhook writes it."""
    return write_entry(
        kind=LedgerEntry.Kind.PAYMENT,
        listing=backing.listing,
        backing=backing,
        amount_twd=backing.amount_twd if amount is None else amount,
        source_key=f"charge:{key or f'ch_test{next(_numbers)}'}",
        occurred_at=when or timezone.now(),
        **fields,
    )


def paid_backing(listing, amount, *, key=None, when=None, **fields):
    """A paid backing of `listing` and its payment in the ledger: (backing, entry)."""
    backing = BackingFactory(listing=listing, amount_twd=amount, **fields)
    return backing, record_payment(backing, key=key, when=when)


def subscription(listing, backer, plan=None, **fields):
    plan = plan or listing.subscription_plans.first()
    number = next(_numbers)
    values = {
        "kind": Backing.Kind.SUBSCRIPTION,
        "status": Backing.Status.ACTIVE,
        "backer_email": backer.email if backer else "guest@example.tw",
        "amount_twd": plan.price_twd,
        "stripe_customer_id": f"cus_test{number}",
        "stripe_subscription_id": f"sub_test{number}",
        "current_period_end": datetime.datetime(2026, 12, 15, 4, 0, tzinfo=datetime.UTC),
        **fields,
    }
    return BackingFactory(listing=listing, backer=backer, plan=plan, **values)


def another_plan(listing, **fields):
    return SubscriptionPlanFactory(listing=listing, **fields)


def open_campaign(listing, goal_twd, *, days_left=30):
    """A keep-what-you-raise donation campaign on `listing`, open `days_left` more days."""
    return DonationCampaign.objects.create(
        listing=listing,
        goal_twd=goal_twd,
        deadline=timezone.localdate() + datetime.timedelta(days=days_left),
        funding_model=DonationCampaign.Model.KEEP_WHAT_YOU_RAISE,
    )


def donation(listing, backer, amount, *, campaign=None, email="", charge=None, status=Backing.Status.PAID):
    """A paid (by default) donation with its ledger payment, no platform fee: (backing, entry)."""
    backing = BackingFactory(
        listing=listing,
        backer=backer,
        backer_email=email or (backer.email if backer else ""),
        campaign=campaign,
        amount_twd=amount,
        status=status,
        stripe_payment_intent_id=f"pi_test{next(_numbers)}",
    )
    return backing, record_payment(backing, key=charge, platform_fee_twd=0)


def pending_donation(listing, amount=1_000, **fields):
    """A donation whose Checkout has not been paid yet (what checkout.start_donation leaves)."""
    values = {"status": Backing.Status.PENDING, "backer_email": "", **fields}
    return BackingFactory(listing=listing, amount_twd=amount, **values)


def pending_subscription(plan, backer, **fields):
    values = {"status": Backing.Status.PENDING, "amount_twd": plan.price_twd, **fields}
    return BackingFactory(kind=Backing.Kind.SUBSCRIPTION, listing=plan.listing, plan=plan, backer=backer, **values)


def record_donations(listing, count, name, amount_twd=100):
    """`count` paid donations from different guests (`<name><n>@example.com`), each with its ledger payment."""
    for n in range(count):
        paid_backing(listing, amount_twd, backer_email=f"{name}{n}@example.com", key=f"{name}{n}")
