"""A few months of demo history for `manage.py load_demo_history`: donations and subscription payments to the demo
projects, written through the ledger's own `write_entry` (running totals included), so the progress bars, cards,
"most backed" sort and the impact map show money on a first visit. And one citizen login, `supporter@homeward.test`,
whose own backings (a monthly subscription with its receipts, a donation) fill My backings; the subscription is one
the demo checkout could have made (`sub_demo_…`), so it can be paused, skipped, switched and cancelled on `make run`.

Idempotent: entries carry a `demo:` source key; a listing that has any is left alone, and the supporter is made once.
Nothing here talks to Stripe: the history's backings have no Stripe ids and their emails end in `.invalid`; the
supporter's subscription id is a demo one, which only the demo gateway answers, and its address ends in `.test`. No
receipt or charge can reach anyone.
"""

import datetime
import random
import uuid

from django.db import transaction
from django.utils import timezone

from marketplace.demo import DEMO_ENTERPRISES
from marketplace.models import ProjectListing
from payments.ledger import announce_progress, record_entry_once, write_entry
from payments.models import Backing, LedgerEntry

MONTHS_OF_HISTORY = 5
# A campaign's donations add up to between these shares of its goal: bars part-way, one nearly there.
GOAL_SHARES = (0.3, 0.7)
MOST_DONATIONS = 80
SUBSCRIBERS_PER_PLAN = 9
DEFAULT_AMOUNTS = [300, 500, 1_000, 2_000]


def _demo_listings():
    slugs = [spec[0] for spec in DEMO_ENTERPRISES.values()]
    return (
        ProjectListing.objects.filter(enterprise__organisation__slug__in=slugs)
        .select_related("project")
        .prefetch_related("subscription_plans")
        .order_by("pk")
    )


def _moment(rng, now, days_back):
    return now - datetime.timedelta(days=days_back, hours=rng.randint(0, 12), minutes=rng.randint(0, 59))


def _backing(listing, number, **fields):
    return Backing.objects.create(
        listing=listing,
        backer_email=f"demo-backer-{listing.pk}-{number}@homeward.invalid",
        backer_name=f"示範支持者 {number}",
        **fields,
    )


def _payment(backing, amount, key, when):
    write_entry(
        kind=LedgerEntry.Kind.PAYMENT,
        listing=backing.listing,
        backing=backing,
        amount_twd=amount,
        source_key=f"demo:{key}",
        occurred_at=when,
        note="demo history",
    )


@transaction.atomic
def _history_for(listing, rng, now):
    campaign = getattr(listing, "donation_campaign", None)
    written = 0
    if campaign is not None:
        amounts = campaign.suggested_amounts_twd or DEFAULT_AMOUNTS
        target = campaign.goal_twd * rng.uniform(*GOAL_SHARES)
        raised = 0
        for number in range(MOST_DONATIONS):
            if raised >= target:
                break
            amount = rng.choice(amounts) * rng.choice([1, 1, 2, 3, 5])
            raised += amount
            backing = _backing(
                listing,
                number,
                kind=Backing.Kind.DONATION,
                status=Backing.Status.PAID,
                campaign=campaign,
                amount_twd=amount,
                anonymous=number % 4 == 0,
            )
            _payment(
                backing,
                amount,
                f"donation:{listing.pk}:{number}",
                _moment(rng, now, rng.randint(1, 30 * MONTHS_OF_HISTORY)),
            )
            written += 1
    for plan in listing.subscription_plans.all():
        for number in range(SUBSCRIBERS_PER_PLAN):
            # A yearly plan is paid once a year: once in these few months; a monthly one each month since it began.
            months = 1 if plan.interval == "year" else rng.randint(1, MONTHS_OF_HISTORY)
            backing = _backing(
                listing,
                f"{plan.pk}-{number}",
                kind=Backing.Kind.SUBSCRIPTION,
                status=Backing.Status.ACTIVE,
                plan=plan,
                amount_twd=plan.price_twd,
                current_period_end=now + datetime.timedelta(days=rng.randint(3, 28)),
            )
            for month in range(months):
                when = _moment(rng, now, 30 * month + rng.randint(1, 25))
                _payment(backing, plan.price_twd, f"subscription:{plan.pk}:{number}:{month}", when)
                written += 1
    return written


def ensure_demo_history(seed=20261202):
    """Write the demo history of every demo listing without any; returns the number of payments written."""
    rng = random.Random(seed)  # noqa: S311 (demo figures, not security)
    now = timezone.now()
    written = 0
    for listing in _demo_listings():
        if LedgerEntry.objects.filter(listing=listing, source_key__startswith="demo:").exists():
            continue
        count = _history_for(listing, rng, now)
        if count:
            announce_progress(listing)
        written += count
    return written


# The demo plan that ships goods (Pingtung's cocoa) and the demo backers who gave an address: the team login
# (team@homeward.test edits the cocoa team) sees a fulfilment list that is not empty. (township code, postal code,
# street, recipient, phone): fictitious people at real townships, phones from the numbering plan's drama range.
DEMO_SHIPPING_PLAN = "認養一棵可可樹"
DEMO_ADDRESSES = [
    ("10013010", "90049", "中正路 100 號 3 樓", "林小可（示範）", "0912000001"),
    ("63000030", "10617", "羅斯福路四段 1 號", "陳大豆（示範）", "0223630000"),
    ("64000020", "804", "蓮海路 70 號", "王可可（示範）", "0987000002"),
]


@transaction.atomic
def ensure_demo_fulfilment():
    """Make the demo cocoa plan ship goods, give three of its demo backers an address and pause a fourth (so the
    list leaves someone out). Returns the number of addresses written; a second run writes none."""
    from marketplace.models import SubscriptionPlan
    from payments.models import DeliveryAddress
    from places.models import Township

    plan = SubscriptionPlan.objects.filter(listing__in=_demo_listings(), name=DEMO_SHIPPING_PLAN).first()
    if plan is None:
        return 0
    if not plan.ships_goods:
        plan.ships_goods = True
        plan.save(update_fields=["ships_goods"])
    backings = list(plan.backings.filter(backer_email__endswith="@homeward.invalid").order_by("pk"))
    written = 0
    for backing, (town_code, postal_code, street, recipient, phone) in zip(backings, DEMO_ADDRESSES, strict=False):
        township = Township.objects.filter(code=town_code).first()
        if township is None or hasattr(backing, "delivery_address"):
            continue
        DeliveryAddress.objects.create(
            backing=backing,
            township=township,
            postal_code=postal_code,
            street=street,
            recipient_name=recipient,
            phone=phone,
        )
        written += 1
    if written and len(backings) > len(DEMO_ADDRESSES):
        paused = backings[len(DEMO_ADDRESSES)]
        Backing.objects.filter(pk=paused.pk).update(status=Backing.Status.PAUSED, pause_reason="backer")
    return written


DEMO_SUPPORTER_EMAIL = "supporter@homeward.test"
DEMO_SUPPORTER_PASSWORD = "homeward-demo"  # noqa: S105 (printed by make run on purpose)
DEMO_SUPPORTER_NAME = "林小芳（示範）"
SUPPORTER_MONTHS = 3
SUPPORTER_DONATION_TWD = 1_000


@transaction.atomic
def ensure_demo_supporter(now=None):
    """The demo citizen, once: a verified login subscribed for SUPPORTER_MONTHS months to a demo monthly plan (each
    month paid, with its receipt number, as the webhook records a payment) and one donation to a demo campaign.
    Returns the number of payments written; a second run writes none (and leaves a changed password alone)."""
    from accounts.demo import _mark_email_verified
    from accounts.models import User

    if User.objects.filter(email=DEMO_SUPPORTER_EMAIL).exists():
        return 0
    listings = list(_demo_listings().select_related("donation_campaign"))
    plan = next(
        (plan for listing in listings for plan in listing.subscription_plans.all() if plan.interval == "month"),
        None,
    )
    campaign_listing = next((listing for listing in listings if hasattr(listing, "donation_campaign")), None)
    if plan is None and campaign_listing is None:
        return 0  # no demo projects yet (load_demo first)
    user = User.objects.create_user(DEMO_SUPPORTER_EMAIL, DEMO_SUPPORTER_PASSWORD, display_name=DEMO_SUPPORTER_NAME)
    _mark_email_verified(user)
    now = now or timezone.now()
    backer = {"backer": user, "backer_email": user.email, "backer_name": DEMO_SUPPORTER_NAME, "language": "zh-hant"}
    written = 0
    if plan is not None:
        key = uuid.uuid4().hex[:24]
        subscription = Backing.objects.create(
            listing=plan.listing,
            kind=Backing.Kind.SUBSCRIPTION,
            status=Backing.Status.ACTIVE,
            plan=plan,
            amount_twd=plan.price_twd,
            stripe_subscription_id=f"sub_demo_{key}",
            stripe_customer_id=f"cus_demo_{key}",
            current_period_end=now + datetime.timedelta(days=12),
            **backer,
        )
        for month in range(SUPPORTER_MONTHS, 0, -1):
            when = now - datetime.timedelta(days=30 * month - 12)
            written += _supporter_payment(subscription, plan.price_twd, f"invoice:{key}:{month}", when)
    if campaign_listing is not None:
        donation = Backing.objects.create(
            listing=campaign_listing,
            kind=Backing.Kind.DONATION,
            status=Backing.Status.PAID,
            campaign=campaign_listing.donation_campaign,
            amount_twd=SUPPORTER_DONATION_TWD,
            **backer,
        )
        written += _supporter_payment(
            donation, SUPPORTER_DONATION_TWD, f"donation:{donation.pk}", now - datetime.timedelta(days=9)
        )
    for listing in {plan.listing if plan else None, campaign_listing} - {None}:
        announce_progress(listing)
    return written


def _supporter_payment(backing, amount, key, when):
    """A payment as the webhook records one (payments.handlers.record_entry): with the year's next receipt number,
    marked as emailed (the demo sends no receipt)."""
    from payments.handlers import platform_fee

    entry = record_entry_once(
        {
            "kind": LedgerEntry.Kind.PAYMENT,
            "listing_id": backing.listing_id,
            "backing": backing,
            "amount_twd": amount,
            "platform_fee_twd": platform_fee(amount),
            "source_key": f"demo:supporter:{key}",
            "occurred_at": when,
            "note": "demo history",
        },
        receipt_year=timezone.localtime(when).year,
    )
    if entry is None:
        return 0
    LedgerEntry.objects.filter(pk=entry.pk).update(receipt_sent_at=when)
    return 1
