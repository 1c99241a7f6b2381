"""The ledger and the backings in the staff's admin: each entry says what it is for (a subscription to a plan, a
donation, a payout) in the staff member's language, linked to its backing, with amounts as NT$1,234; the source
key stays on the inspect screen; nothing is edited there; the list's queries do not grow with its rows."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from payments.ledger import write_entry
from payments.models import Backing, LedgerEntry
from tests.factories.payments import donation, record_payment, subscription
from tests.helpers import admin_viewer, assert_queries_do_not_grow

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def viewer(bob):
    return admin_viewer(bob, "view_ledgerentry", "view_backing")


@pytest.fixture
def entries(listing, alice, plan):
    subscribed = subscription(listing, alice, amount_twd=12_345)
    paid = record_payment(subscribed, key="demo:subscription:1:1:0")
    _backing, given = donation(listing, None, 2_500, email="giver@example.tw")
    payout = write_entry(
        kind=LedgerEntry.Kind.PAYOUT,
        listing=listing,
        amount_twd=-5_000,
        source_key="payout:manual-1",
        occurred_at=timezone.now(),
    )
    return {"subscription": paid, "donation": given, "payout": payout}


def test_each_entry_says_what_it_is_for_with_its_amount_formatted(client, viewer, entries):
    client.force_login(viewer)

    page = client.get(reverse("ledger:index")).text

    assert "Subscription to 認養 of 智慧魚塭" in page
    assert "Donation to 智慧魚塭" in page
    assert "Payout to the team of 智慧魚塭" in page
    assert "NT$12,345" in page and "NT$2,500" in page and "-NT$5,000" in page
    assert "demo:subscription:1:1:0" not in page
    assert reverse("backings_admin:inspect", args=[entries["subscription"].backing_id]) in page


def test_the_labels_read_in_the_staff_members_language(client, bob, entries):
    client.force_login(admin_viewer(bob, "view_ledgerentry", language="zh-hant"))

    page = client.get(reverse("ledger:index")).text

    assert "捐款給「智慧魚塭」" in page
    assert "撥款給「智慧魚塭」團隊" in page


def test_an_entry_keeps_its_source_key_on_its_inspect_screen(client, viewer, entries):
    client.force_login(viewer)

    page = client.get(reverse("ledger:inspect", args=[entries["subscription"].pk])).text
    found = client.get(reverse("ledger:index"), {"q": "demo:subscription"}).text

    assert "demo:subscription:1:1:0" in page
    assert "NT$12,345" in page and "Subscription to 認養 of 智慧魚塭" in page
    assert "Subscription to 認養 of 智慧魚塭" in found and "Donation to" not in found


def test_a_backing_is_read_never_edited_in_the_admin(client, viewer, entries):
    backing = entries["donation"].backing
    client.force_login(viewer)

    listing = client.get(reverse("backings_admin:index"), {"kind": "donation"}).text
    page = client.get(reverse("backings_admin:inspect", args=[backing.pk])).text
    edit = client.post(reverse("backings_admin:edit", args=[backing.pk]), {"amount_twd": "1"})

    assert "giver@example.tw" in listing and "Subscription to" not in listing
    assert "NT$2,500" in page
    assert (edit.status_code, edit["Location"]) == (302, "/admin/")
    assert Backing.objects.get(pk=backing.pk).amount_twd == 2_500


def test_the_ledger_list_reads_its_rows_in_a_fixed_number_of_queries(client, viewer, listing, plan):
    client.force_login(viewer)

    def build(count):
        for _ in range(count):
            record_payment(subscription(listing, None))
            donation(listing, None, 100)

    assert_queries_do_not_grow(build, client, reverse("ledger:index"))


def test_kinds_and_statuses_read_as_words_with_a_capital_in_english(client, bob, entries):
    """The ledger's Kind column and filter, and a backing's status, are labels in English, never the stored codes."""
    client.force_login(admin_viewer(bob, "view_ledgerentry", "view_backing"))

    ledger = BeautifulSoup(client.get(reverse("ledger:index")).text, "html.parser")
    backings = BeautifulSoup(client.get(reverse("backings_admin:index")).text, "html.parser")

    cells = {cell.get_text(strip=True) for cell in ledger.select("tbody td")}
    assert {"Payment", "Payout to the team"} <= cells
    assert not cells & {"payment", "payout", "payout to the team"}
    words = ledger.get_text(" ")  # the Kind filter's choices are among them
    assert "Platform fee collected by Stripe" in words and "app_fee" not in words
    statuses = {cell.get_text(strip=True) for cell in backings.select("tbody td")}
    assert "Active" in statuses and not statuses & {"active", "paid", "pending"}
