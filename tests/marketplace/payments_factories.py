"""Backings and ledger rows made directly, as the webhook handlers make them."""

import datetime
import itertools

import pytest
from django.utils import timezone, translation

from marketplace.models import SubscriptionPlan
from payments.ledger import write_entry
from payments.models import Backing, LedgerEntry

_numbers = itertools.count(1)


def subscription(listing, backer, plan=None, **fields):
    plan = plan or listing.subscription_plans.first()
    number = next(_numbers)
    values = {
        "kind": Backing.Kind.SUBSCRIPTION,
        "status": Backing.Status.ACTIVE,
        "listing": listing,
        "backer": backer,
        "backer_email": backer.email if backer else "guest@example.tw",
        "plan": plan,
        "amount_twd": plan.price_twd,
        "stripe_customer_id": f"cus_test{number}",
        "stripe_subscription_id": f"sub_test{number}",
        "current_period_end": datetime.datetime(2026, 12, 15, 4, 0, tzinfo=datetime.UTC),
    }
    values.update(fields)
    return Backing.objects.create(**values)


def another_plan(listing, **fields):
    values = {"name": "大戶認養", "price_twd": 1_200, "interval": "month", "rewards": "更多魚"}
    values.update(fields)
    return SubscriptionPlan.objects.create(listing=listing, **values)


def donation(listing, backer, amount, *, campaign=None, email="", charge=None, status=Backing.Status.PAID):
    number = next(_numbers)
    backing = Backing.objects.create(
        kind=Backing.Kind.DONATION,
        status=status,
        listing=listing,
        backer=backer,
        backer_email=email or (backer.email if backer else ""),
        campaign=campaign,
        amount_twd=amount,
        stripe_payment_intent_id=f"pi_test{number}",
    )
    entry = write_entry(
        kind=LedgerEntry.Kind.PAYMENT,
        listing=listing,
        backing=backing,
        amount_twd=amount,
        platform_fee_twd=0,
        source_key=f"charge:{charge or f'ch_test{number}'}",
        occurred_at=timezone.now(),
    )
    return backing, entry


@pytest.fixture(autouse=True)
def keep_language():
    """Requests to /en/ and to the admin activate a language in this thread: give the next test what it had."""
    with translation.override(translation.get_language()):
        yield
