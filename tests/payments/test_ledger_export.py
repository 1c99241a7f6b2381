"""The ledger for staff: CSV (streamed) and XLSX exports filtered by dates, project, team and kind; the
reconciliation with Stripe's balance transactions (fetched from stripe-mock, and constructed in Stripe's shape)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.actions import ActionRefused
from payments import ledger_export, stripe_api
from payments.ledger import write_entry
from payments.models import LedgerEntry
from tests.factories.payments import donation
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.stripe]

TAIPEI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def staff(django_user_model):
    return with_mfa(django_user_model.objects.create_superuser("staff@example.tw", "x-long-password-1"))


def _at(day, hour=12):
    return datetime.datetime(2026, 11, day, hour, tzinfo=TAIPEI)


@pytest.fixture
def entries(listing, bob):
    """November: two payments, a refund, a payout; one payment in October (outside the range)."""
    backing, first = donation(listing, bob, 1_000)
    LedgerEntry.objects.filter(pk=first.pk).update(occurred_at=_at(3), source_key="payment_intent:pi_A")
    _guest, second = donation(listing, None, 500, email="=HYPERLINK(1)@example.tw")
    LedgerEntry.objects.filter(pk=second.pk).update(occurred_at=_at(30, 23), note="=cmd|' /C calc'!A0")
    refund = write_entry(
        kind="refund",
        listing=listing,
        backing=backing,
        amount_twd=-200,
        source_key="refund:re_A",
        occurred_at=_at(10),
    )
    payout = write_entry(
        kind="payout", listing=listing, amount_twd=-300, source_key="payout:manual-1", occurred_at=_at(12)
    )
    _old, october = donation(listing, bob, 700)
    LedgerEntry.objects.filter(pk=october.pk).update(occurred_at=datetime.datetime(2026, 10, 31, 23, tzinfo=TAIPEI))
    return {"first": first, "second": second, "refund": refund, "payout": payout, "october": october}


def _csv(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_csv_export_streams_the_range_with_both_days_included(client, staff, entries, listing):
    client.force_login(staff)

    response = client.get(reverse("ledger:export"), {"date_from": "2026-11-01", "date_to": "2026-11-30"})

    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="ledger-20261101-20261130.csv"'
    header, *rows = _csv(response)
    assert len(header) == 11
    sources = [row[7] for row in rows]
    assert sources == ["payment_intent:pi_A", "refund:re_A", "payout:manual-1", entries["second"].source_key]
    assert [row[5] for row in rows] == ["1000", "-200", "-300", "500"]
    assert rows[-1][10].startswith("'=")  # a note typed as a formula stays text


@pytest.mark.parametrize(
    ("extra", "expected"),
    [({"kind": "refund"}, ["refund:re_A"]), ({"kind": "payout"}, ["payout:manual-1"])],
)
def test_the_export_filters_by_kind(client, staff, entries, extra, expected):
    client.force_login(staff)

    response = client.get(reverse("ledger:export"), {"date_from": "2026-11-01", "date_to": "2026-11-30", **extra})

    assert [row[7] for row in _csv(response)[1:]] == expected


def test_the_export_filters_by_project_and_team(client, staff, entries, listing):
    client.force_login(staff)
    base = {"date_from": "2026-10-01", "date_to": "2026-11-30"}

    by_project = _csv(client.get(reverse("ledger:export"), {**base, "listing": listing.pk}))
    by_team = _csv(client.get(reverse("ledger:export"), {**base, "enterprise": listing.enterprise.pk}))

    assert len(by_project) - 1 == len(by_team) - 1 == 5


def test_the_xlsx_export_opens_with_the_same_rows(client, staff, entries):
    client.force_login(staff)

    response = client.get(
        reverse("ledger:export"), {"date_from": "2026-11-01", "date_to": "2026-11-30", "format": "xlsx"}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('ledger-20261101-20261130.xlsx"')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 5
    assert [row[5] for row in rows[1:]] == [1000, -200, -300, 500]
    assert rows[-1][10] == "=cmd|' /C calc'!A0"  # stored as text, not a formula


def test_an_inverted_date_range_is_refused_with_the_reason(client, staff, entries):
    client.force_login(staff)
    client.cookies.load({"django_language": "en"})

    response = client.get(
        reverse("ledger:export").replace("/zh-hant/", "/en/"), {"date_from": "2026-11-30", "date_to": "2026-11-01"}
    )

    assert response.status_code == 400
    [error] = response.context["form"].non_field_errors()
    assert "2026-11-30" in error and "2026-11-01" in error
    with pytest.raises(ActionRefused):
        ledger_export.ledger_entries(datetime.date(2026, 11, 30), datetime.date(2026, 11, 1))
    response = client.get(reverse("ledger:reconcile"), {"date_from": "2026-11-30", "date_to": "2026-11-01"})
    assert response.status_code == 400


# --- reconciliation -------------------------------------------------------------------------------


def _transaction(txn_id, kind, amount_twd, source, currency="twd"):
    return {
        "id": txn_id,
        "object": "balance_transaction",
        "type": kind,
        "amount": amount_twd * 100,
        "currency": currency,
        "created": int(_at(5).timestamp()),
        "source": source,
    }


def test_reconciliation_lists_what_is_missing_on_either_side_and_amounts_that_differ(listing, bob, entries):
    from_stripe = list(stripe_api.balance_transactions(_at(1, 0), _at(30, 23)))
    assert from_stripe  # stripe-mock's fixed listing: a US-dollar transaction of another account
    write_entry(
        kind="transfer",
        listing=listing,
        backing=entries["first"].backing,
        amount_twd=-950,
        source_key="transfer:tr_A",
        occurred_at=_at(3),
    )
    write_entry(
        kind="app_fee",
        listing=listing,
        backing=entries["first"].backing,
        amount_twd=50,
        source_key="application_fee:fee_A",
        occurred_at=_at(3),
    )
    constructed = [
        # A charge expanded with its payment intent matches the payment recorded by it.
        _transaction("txn_1", "charge", 1_000, {"id": "ch_A", "object": "charge", "payment_intent": "pi_A"}),
        _transaction("txn_2", "refund", -250, "re_A"),  # the ledger says -200
        _transaction("txn_3", "transfer", -950, "tr_A"),
        _transaction("txn_4", "application_fee", 50, {"id": "fee_A", "object": "application_fee"}),
        _transaction("txn_5", "charge", 800, {"id": "ch_unknown", "object": "charge", "payment_intent": "pi_Z"}),
        _transaction("txn_6", "payout", -5_000, "po_1"),  # Stripe's payout to Homeward's bank: not the ledger's
        _transaction("txn_7", "stripe_fee", -30, None),
    ]
    ledger_rows = LedgerEntry.objects.filter(
        occurred_at__gte=_at(1, 0),
        occurred_at__lt=_at(
            30,
            23,
        ),
    )

    report = ledger_export.reconcile(ledger_rows, from_stripe + constructed)

    found = {(difference.problem, difference.reference) for difference in report.differences}
    assert (ledger_export.Difference.AMOUNT, "refund:re_A") in found
    assert (ledger_export.Difference.STRIPE_ONLY, "ch_unknown") in found
    # stripe-mock's own transaction is in US dollars of another account: in Stripe, not in the ledger.
    assert all(
        (ledger_export.Difference.STRIPE_ONLY, stripe_api_key) in found
        for stripe_api_key in [
            ledger_export.transaction_keys(txn)[0] for txn in from_stripe if txn.type in ledger_export.TRACKED_TYPES
        ]
    )
    assert (ledger_export.Difference.LEDGER_ONLY, entries["second"].source_key) not in found  # the 30th, 23:00: out
    assert report.matched == 3  # the payment, the transfer, the application fee
    assert report.untracked == 2 + sum(1 for txn in from_stripe if txn.type not in ledger_export.TRACKED_TYPES)
    [amount] = [difference for difference in report.differences if difference.problem == "amount"]
    assert (amount.stripe_amount, amount.ledger_amount_twd) == ("NT$-250", -200)
    assert not report.balanced


def test_a_ledger_entry_stripe_does_not_list_is_reported(listing, bob):
    _backing, payment = donation(listing, bob, 400)

    report = ledger_export.reconcile([payment], [])

    [difference] = report.differences
    assert difference.problem == "ledger_only" and difference.entry == payment


def test_the_reconcile_screen_compares_with_stripe_mock(client, staff, entries):
    client.force_login(staff)

    response = client.get(reverse("ledger:reconcile"), {"date_from": "2026-11-01", "date_to": "2026-11-30"})

    assert response.status_code == 200
    report = response.context["report"]
    assert report is not None and report.stripe_count >= 1
    # Nothing in stripe-mock is ours: every ledger entry from Stripe of those days is listed as missing there.
    ledger_only = {d.reference for d in report.differences if d.problem == "ledger_only"}
    assert {"payment_intent:pi_A", "refund:re_A"} <= ledger_only
    assert "payout:manual-1" not in ledger_only
    assert 'data-reconciliation="differences"' in response.text


def test_reconciling_more_than_the_limit_is_refused(client, staff):
    client.force_login(staff)

    response = client.get(reverse("ledger:reconcile"), {"date_from": "2026-01-01", "date_to": "2026-12-31"})

    assert response.status_code == 400
