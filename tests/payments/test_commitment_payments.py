"""A company admin pays a confirmed investment commitment as the company (issue #22.2): Checkout on stripe-mock, the
webhook records it once, the receipt names the company and its 統一編號, the company's report counts it as corporate
money; a member without the role, an unconfirmed or already paid commitment, another amount: refused, nothing saved.
Also: the ledger's purchases (payments.purchases) leave every project's totals alone."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from core.actions import ActionRefused
from impact.corporate import corporate_report
from marketplace import actions as market_actions
from marketplace.models import Interest
from payments import corporate, ledger
from payments.models import Backing, LedgerEntry
from payments.receipts import receipt_context
from tests.factories.stripe import deliver, stripe_event

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.stripe]
Stage = Interest.Stage
URLS = {"success_url": "https://homeward.example/s", "cancel_url": "https://homeward.example/c"}


@pytest.fixture(autouse=True)
def english():
    translation.activate("en")


def confirmed(market, amount=300_000):
    interest = market_actions.express_interest(market["dave"], market["company"], market["rice"])
    for stage in (Stage.ACCEPTED, Stage.INTRODUCED, Stage.DUE_DILIGENCE, Stage.TERM_SHEET):
        market_actions.advance_interest(market["erin"], interest, stage)
    market_actions.propose_commitment(market["carol"], interest, amount_twd=amount, instrument="equity")
    market_actions.confirm_commitment(market["erin"], interest)
    interest.refresh_from_db()
    return interest


def completed(backing):
    return {
        "id": backing.stripe_checkout_session_id,
        "object": "checkout.session",
        "mode": "payment",
        "payment_status": "paid",
        "status": "complete",
        "amount_total": backing.amount_twd * 100,
        "currency": "twd",
        "customer_details": {"email": backing.backer_email, "name": "Carol"},
        "metadata": {"backing_id": str(backing.pk)},
        "payment_intent": f"pi_commitment_{backing.pk}",
    }


def send(event):
    response = deliver(Client(), event, settings.STRIPE_WEBHOOK_SECRET)
    assert response.status_code == 200, response.content
    return response.json()


def test_an_admin_pays_the_confirmed_commitment_as_the_company_once(market):
    interest = confirmed(market)

    url = corporate.start_commitment_payment(market["carol"], interest, amount_twd=300_000, **URLS)

    assert url
    backing = Backing.objects.get()
    assert (backing.kind, backing.interest, backing.listing.project_id, backing.paying_organisation) == (
        Backing.Kind.INVESTMENT,
        interest,
        market["rice"].pk,
        market["company_org"],
    )
    assert (backing.payer_unified_business_number, backing.amount_twd) == ("22099131", 300_000)
    assert backing.stripe_checkout_session_id

    event = stripe_event("checkout.session.completed", completed(backing), event_id="evt_commitment")
    assert send(event)["duplicate"] is False
    assert send(event)["duplicate"] is True

    backing.refresh_from_db()
    assert backing.status == Backing.Status.PAID
    [entry] = LedgerEntry.objects.all()
    assert (entry.amount_twd, entry.receipt_number is not None) == (300_000, True)
    receipt = receipt_context(entry)
    assert receipt["payer"] == "台灣好公司" and receipt["payer_business_number"] == "22099131"
    assert not receipt["is_donation"] and "commitment" in receipt["purpose"] and "(Equity)" in receipt["purpose"]
    # Corporate money in the company's report.
    report = corporate_report(market["company"], timezone.localdate().year)
    assert report.paid_twd == 300_000
    assert any(record.amount_twd == 300_000 for record in report.figure("payments").records)

    # Paid: a second payment is refused, nothing saved.
    with pytest.raises(ActionRefused, match="already paid"):
        corporate.start_commitment_payment(market["carol"], interest, amount_twd=300_000, **URLS)
    assert Backing.objects.count() == 1


def test_bad_input_is_refused_and_nothing_is_saved(market):
    interest = confirmed(market)
    with pytest.raises(ActionRefused, match="Only an admin of 台灣好公司"):
        corporate.start_commitment_payment(market["dave"], interest, amount_twd=300_000, **URLS)
    with pytest.raises(ActionRefused, match=r"not the confirmed commitment \(NT\$300,000\)"):
        corporate.start_commitment_payment(market["carol"], interest, amount_twd=299_999, **URLS)
    assert not Backing.objects.exists()

    corporate.start_commitment_payment(market["carol"], interest, amount_twd=300_000, **URLS)
    with pytest.raises(ActionRefused, match=r"already waiting.*try again after \d\d:\d\d, when that page closes"):
        corporate.start_commitment_payment(market["carol"], interest, amount_twd=300_000, **URLS)
    assert Backing.objects.count() == 1


def test_an_unconfirmed_commitment_cannot_be_paid(market):
    interest = market_actions.express_interest(market["dave"], market["company"], market["rice"])
    for stage in (Stage.ACCEPTED, Stage.INTRODUCED, Stage.DUE_DILIGENCE, Stage.TERM_SHEET):
        market_actions.advance_interest(market["erin"], interest, stage)
    market_actions.propose_commitment(market["carol"], interest, amount_twd=300_000, instrument="equity")

    with pytest.raises(ActionRefused, match="not confirmed"):
        corporate.start_commitment_payment(market["carol"], interest, amount_twd=300_000, **URLS)
    assert not Backing.objects.exists()


def test_more_than_a_card_payment_takes_is_refused_with_the_way_to_pay(market):
    interest = confirmed(market, amount=2_000_000)
    with pytest.raises(ActionRefused, match="bank transfer"):
        corporate.start_commitment_payment(market["carol"], interest, amount_twd=2_000_000, **URLS)
    assert not Backing.objects.exists()


def test_the_database_allows_one_paid_payment_per_commitment(market):
    from django.db import IntegrityError, transaction

    interest = confirmed(market)
    fields = {
        "kind": Backing.Kind.INVESTMENT,
        "status": Backing.Status.PAID,
        "listing": market["rice"].listing,
        "interest": interest,
        "amount_twd": 300_000,
    }
    Backing.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Backing.objects.create(**fields)


def test_the_page_pays_and_refuses_with_reasons(client, market):
    interest = confirmed(market)
    url = reverse("payments:pay_commitment", kwargs={"pk": interest.pk})
    detail = reverse("marketplace:interest_detail", kwargs={"pk": interest.pk})

    client.force_login(market["dave"])
    assert url in client.get(detail).content.decode()  # members see the way; only admins may pay
    response = client.post(url, {"amount_twd": "300,000"})
    assert response.status_code == 400 and "Only an admin" in response.content.decode()

    client.force_login(market["carol"])
    page = client.get(url).content.decode()
    assert "NT$300,000" in page and "22099131" in page
    response = client.post(url, {"amount_twd": "250000"})
    assert response.status_code == 400 and "not the confirmed commitment" in response.content.decode()
    assert not Backing.objects.exists()
    response = client.post(url, {"amount_twd": "300,000"})
    assert response.status_code == 302
    send(stripe_event("checkout.session.completed", completed(Backing.objects.get())))
    page = client.get(url).content.decode()
    assert "This commitment was paid" in page and LedgerEntry.objects.get().receipt_number in page

    client.force_login(market["erin"])  # the team is not a member of the company: the page does not exist for it
    assert client.get(url).status_code == 404


def test_project_totals_are_unchanged_by_purchases_and_rebuild_agrees(market):
    from payments.models import ProjectLedgerTotals

    interest = confirmed(market)
    corporate.start_commitment_payment(market["carol"], interest, amount_twd=300_000, **URLS)
    send(stripe_event("checkout.session.completed", completed(Backing.objects.get())))
    purchase = Backing.objects.create(
        kind=Backing.Kind.PURCHASE,
        status=Backing.Status.PAID,
        payee=market["enterprise_org"],
        purpose="test.thing",
        reference="1",
        amount_twd=800,
    )
    purchase_entry = ledger.write_entry(
        kind=LedgerEntry.Kind.PAYMENT,
        listing=None,
        backing=purchase,
        amount_twd=800,
        source_key="charge:ch_purchase",
        occurred_at=timezone.now(),
    )
    before = list(ProjectLedgerTotals.objects.values_list("listing_id", "payments_twd"))
    assert before == [(market["rice"].listing.pk, 300_000)]
    ledger.rebuild_totals()
    assert list(ProjectLedgerTotals.objects.values_list("listing_id", "payments_twd")) == before
    # The staff's ledger export names a purchase's seller and purpose.
    from payments.ledger_export import ledger_entries, row

    [exported] = [
        row(entry)
        for entry in ledger_entries(timezone.localdate(), timezone.localdate())
        if entry.pk == purchase_entry.pk
    ]
    assert exported[2:4] == ["test.thing", "關山米食堂"]


def test_stripe_unreachable_answers_503_and_keeps_the_amount(client, market, settings):
    interest = confirmed(market)
    url = reverse("payments:pay_commitment", kwargs={"pk": interest.pk})
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    client.force_login(market["carol"])

    response = client.post(url, {"amount_twd": "300,000"})

    text = response.content.decode()
    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert "could not be reached" in text and 'value="300,000"' in text
    assert list(Backing.objects.values_list("status", flat=True)) == ["expired"]
