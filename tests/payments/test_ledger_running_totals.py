"""The running ledger totals always equal the sums of the entries, whatever sequence of events made them."""

import io
import json
import threading
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import User
from payments import ledger
from payments.models import Backing, BackingLedgerNet, LedgerEntry, ProjectLedgerTotals
from tests.factories.payments import pending_donation, pending_subscription
from tests.factories.stripe import deliver, invoice, session_completed, sign, stripe_event

pytestmark = [pytest.mark.postgres]


def recomputed():
    """Both tables and the totals, summed here in Python from every entry (the definition, independently)."""
    projects = defaultdict(lambda: defaultdict(int))
    nets = defaultdict(int)
    for entry in LedgerEntry.objects.all():
        row = projects[entry.listing_id]
        row[entry.kind] += entry.amount_twd
        row["fees"] += entry.platform_fee_twd
        if entry.kind != LedgerEntry.Kind.PAYOUT:
            row["raising_entries"] += 1
            if entry.backing_id:
                nets[entry.backing_id] += entry.amount_twd
    people = defaultdict(set)
    for backing in Backing.objects.filter(pk__in=[pk for pk, net in nets.items() if net > 0]):
        person = str(backing.backer_id or "") or backing.backer_email.lower() or f"backing:{backing.pk}"
        people[backing.listing.project_id].add(person)
    return {key: dict(row) for key, row in projects.items()}, dict(nets), people


def running():
    projects = {
        row.listing_id: {
            kind: amount
            for kind, amount in (
                ("payment", row.payments_twd),
                ("refund", row.refunds_twd),
                ("dispute", row.disputes_twd),
                ("payout", row.payouts_twd),
                ("fees", row.platform_fees_twd),
                ("raising_entries", row.raising_entries),
            )
            if amount
        }
        for row in ProjectLedgerTotals.objects.all()
    }
    return projects, dict(BackingLedgerNet.objects.values_list("backing_id", "net_twd"))


def assert_running_totals_match(listing):
    projects, nets, people = recomputed()
    assert running() == (projects, nets)
    row = projects[listing.pk]
    raised = row.get("payment", 0) + row.get("refund", 0) + row.get("dispute", 0)
    expected = ledger.Totals(raised, len(people[listing.project_id]))
    assert ledger.totals_for_project(listing.project_id) == expected
    assert ledger.totals_by_project([listing.project_id]) == {listing.project_id: expected}
    assert ledger.site_totals() == ledger.Totals(raised, len(set().union(*people.values())))


@pytest.mark.django_db(transaction=True)
def test_running_totals_equal_the_entries_after_payments_refunds_disputes_payouts_and_concurrent_deliveries(
    listing,
    plan,
    settings,
):
    secret = settings.STRIPE_WEBHOOK_SECRET
    client = Client()
    carol = User.objects.create_user(email="carol@example.com", password="x")

    def send(event_type, data_object):
        response = deliver(client, stripe_event(event_type, data_object), secret)
        assert response.status_code == 200, response.content

    # Payments: a guest, an account with two donations, a subscription's two invoices.
    guest = pending_donation(listing, 1_000)
    send("checkout.session.completed", session_completed(guest, payment_intent="pi_guest"))
    first, second = pending_donation(listing, 500, backer=carol), pending_donation(listing, 300, backer=carol)
    send("checkout.session.completed", session_completed(first, payment_intent="pi_c1", email=carol.email))
    send("checkout.session.completed", session_completed(second, payment_intent="pi_c2", email=carol.email))
    subscription = pending_subscription(plan, carol, stripe_subscription_id="sub_1")
    send("invoice.paid", invoice(subscription, "in_1", amount=plan.price_twd))
    send("invoice.paid", invoice(subscription, "in_2", amount=plan.price_twd))
    assert_running_totals_match(listing)

    # Refunds (partial, then the rest, the full list delivered twice), a lost dispute, a payout.
    charge = {"id": "ch_g", "object": "charge", "payment_intent": "pi_guest", "amount": 100_000}
    partial = {"object": "list", "data": [{"id": "re_1", "amount": 40_000, "status": "succeeded"}]}
    full = {"object": "list", "data": [*partial["data"], {"id": "re_2", "amount": 60_000, "status": "succeeded"}]}
    send("charge.refunded", {**charge, "refunded": False, "refunds": partial})
    assert_running_totals_match(listing)
    send("charge.refunded", {**charge, "refunded": True, "refunds": full})
    send("charge.refunded", {**charge, "refunded": True, "refunds": full})
    send("charge.dispute.created", {"id": "dp_1", "object": "dispute", "payment_intent": "pi_c1", "amount": 50_000})
    ledger.write_entry(
        kind="payout", listing=listing, amount_twd=-200, source_key="payout:1", occurred_at=timezone.now()
    )
    assert_running_totals_match(listing)
    # The guest was refunded in full and carol's first donation was disputed: carol still counts, once.
    assert ledger.totals_for_project(listing.project_id).backers == 1

    # Concurrent deliveries: six new payments, each delivered twice, all at once (twelve threads).
    backings = [pending_donation(listing, 100 * (n + 1), backer_email=f"p{n}@example.tw") for n in range(6)]
    events = [
        json.dumps(stripe_event("checkout.session.completed", session_completed(backing, payment_intent=f"pi_p{n}")))
        for n, backing in enumerate(backings)
    ]
    start = threading.Barrier(12)
    statuses = []

    def post(payload):
        try:
            start.wait()
            response = Client().post(
                "/stripe/webhook/",
                data=payload,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=sign(payload, secret),
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(payload,)) for payload in events * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200] * 12
    assert LedgerEntry.objects.filter(source_key__startswith="payment_intent:pi_p").count() == 6
    assert_running_totals_match(listing)
    raised = 300 + 2 * plan.price_twd + 2_100  # carol's second donation, the invoices, the six new payments
    assert ledger.totals_for_project(listing.project_id) == ledger.Totals(raised_twd=raised, backers=7)

    # Erasing carol's data makes her backings anonymous: the count follows (each backing is its own person now).
    from payments import personal_data

    personal_data.erase(carol)
    assert_running_totals_match(listing)
    assert ledger.totals_for_project(listing.project_id).backers == 6 + 2  # the second donation and subscription

    # The rebuild command recomputes the same tables, and again the same.
    before = running()
    for _ in range(2):
        output = io.StringIO()
        call_command("rebuild_ledger_totals", stdout=output)
        assert "Ledger totals rebuilt: 1 project(s), 10 backing(s)" in output.getvalue()
        assert running() == before


@pytest.mark.django_db
def test_the_rebuild_repairs_totals_that_drifted_and_bulk_writes_keep_them(listing):
    backings = Backing.objects.bulk_create(
        Backing(kind="donation", status="paid", listing=listing, amount_twd=100, backer_email=f"b{n}@example.tw")
        for n in range(5)
    )
    ledger.write_entries(
        [
            LedgerEntry(
                kind="payment",
                listing=listing,
                backing=backing,
                amount_twd=100,
                platform_fee_twd=5,
                source_key=f"charge:bulk{n}",
                occurred_at=timezone.now(),
            )
            for n, backing in enumerate(backings)
        ]
        + [
            LedgerEntry(
                kind="refund",
                listing=listing,
                backing=backings[0],
                amount_twd=-100,
                platform_fee_twd=-5,
                source_key="refund:bulk0",
                occurred_at=timezone.now(),
            )
        ]
    )
    assert_running_totals_match(listing)
    assert ledger.totals_for_project(listing.project_id) == ledger.Totals(raised_twd=400, backers=4)

    # An entry written behind the function's back (as a bad script might) is not counted until the rebuild.
    LedgerEntry.objects.create(
        kind="payment",
        listing=listing,
        backing=backings[0],
        amount_twd=50,
        source_key="charge:stray",
        occurred_at=timezone.now(),
    )
    assert ledger.totals_for_project(listing.project_id).raised_twd == 400
    call_command("rebuild_ledger_totals", stdout=io.StringIO())
    assert_running_totals_match(listing)
    assert ledger.totals_for_project(listing.project_id) == ledger.Totals(raised_twd=450, backers=5)
