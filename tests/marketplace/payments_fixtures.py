"""Fixtures for payment tests: a published project with a plan and an open donation campaign."""

import datetime

import pytest
from django.utils import timezone

from marketplace.models import DonationCampaign
from payments.models import Backing
from tests.marketplace.test_projects import listing  # noqa: F401 (fixture)


@pytest.fixture
def campaign(listing):  # noqa: F811
    return DonationCampaign.objects.create(
        listing=listing,
        goal_twd=10_000,
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        funding_model="keep_what_you_raise",
        suggested_amounts_twd=[300, 1_000],
    )


@pytest.fixture
def plan(listing):  # noqa: F811
    return listing.subscription_plans.get()


def pending_donation(listing, amount=1_000, **fields):  # noqa: F811
    return Backing.objects.create(kind=Backing.Kind.DONATION, listing=listing, amount_twd=amount, **fields)


def pending_subscription(plan, backer, **fields):
    return Backing.objects.create(
        kind=Backing.Kind.SUBSCRIPTION,
        listing=plan.listing,
        plan=plan,
        backer=backer,
        backer_email=backer.email,
        amount_twd=plan.price_twd,
        **fields,
    )
