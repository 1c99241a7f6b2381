"""The backer's pages (My backings, a backing, a receipt) and the team's funding dashboard with its CSV."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cms.models import ProjectUpdate
from marketplace.models import SubscriptionPlan
from payments.ledger import write_entry
from payments.models import Backing, LedgerEntry
from tests.factories.payments import pending_donation, pending_subscription
from tests.helpers import assert_tables_scroll_in_named_regions

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def pay(backing, amount, key, kind=LedgerEntry.Kind.PAYMENT, receipt=None, fee=0):
    return write_entry(
        kind=kind,
        listing=backing.listing,
        backing=backing,
        amount_twd=amount,
        platform_fee_twd=fee,
        source_key=key,
        occurred_at=timezone.now(),
        receipt_number=receipt,
    )


def test_my_backings_is_empty_at_first(client, bob):
    client.force_login(bob)

    response = client.get(reverse("payments:my_backings"))

    assert response.status_code == 200
    assert "Find a project" in response.text or "找" in response.text
    assert 'class="backing-list"' not in response.text


def test_my_backings_lists_donations_and_subscriptions_with_receipts_and_updates(client, listing, plan, bob):
    donation = pending_donation(listing, 800, backer=bob, status=Backing.Status.PAID)
    pay(donation, 800, "payment_intent:pi_9", receipt="HW-2026-000007")
    subscription = pending_subscription(
        plan, bob, status=Backing.Status.ACTIVE, current_period_end=timezone.now() + timezone.timedelta(days=9)
    )
    pending_donation(listing, 300, backer=bob, status=Backing.Status.EXPIRED)  # an abandoned checkout is not shown
    ProjectUpdate.objects.create(
        project=listing.project, date=timezone.localdate(), title="第一批魚苗", body="<p>x</p>"
    )
    client.force_login(bob)

    text = client.get("/en/backings/").text

    assert text.count('<li class="backing backing-card"') == 2
    assert "HW-2026-000007" in text and "NT$800" in text
    assert "Next charge" in text and "第一批魚苗" in text
    # what each backing is, in words that start a label as English does
    assert re.search(r'label-donation">.*?</svg>Donation</span>', text, re.S)
    assert re.search(r'label-subscription">.*?</svg>Subscription</span>', text, re.S)
    detail = client.get(reverse("payments:backing_detail", kwargs={"pk": subscription.pk})).text
    assert 'class="subscription-controls"' in detail
    donation_detail = client.get(reverse("payments:backing_detail", kwargs={"pk": donation.pk})).text
    assert 'class="subscription-controls"' not in donation_detail
    assert "HW-2026-000007" in donation_detail
    english_detail = client.get(f"/en/backings/{donation.pk}/").text
    assert "<p>Donation · NT$800 ·" in english_detail and "<td>Payment</td>" in english_detail


def test_a_checkout_not_paid_yet_says_nothing_was_charged_and_leads_back_to_the_project(client, listing, bob):
    pending_donation(listing, 500, backer=bob)
    pending_donation(listing, 800, backer=bob, status=Backing.Status.PAID)
    client.force_login(bob)

    for language, words in (
        ("en", "nothing was charged"),
        ("zh-hant", "不會有任何扣款"),
        ("ja", "何も請求されず"),
    ):
        text = client.get(f"/{language}/backings/").text
        assert text.count("data-backing-pending") == 1, language  # the paid donation says nothing of the kind
        hint = re.search(r"data-backing-pending>(.*?)</p>", text, re.S).group(1)
        assert words in hint, language
        link = re.search(r'<a href="([^"]+)">', hint)
        assert link and client.get(link.group(1)).status_code == 200, language  # back to the project


def test_my_backings_paginates(client, listing, bob):
    for _ in range(21):
        pending_donation(listing, 300, backer=bob, status=Backing.Status.PAID)
    client.force_login(bob)

    first = client.get(reverse("payments:my_backings")).text
    second = client.get(reverse("payments:my_backings") + "?page=2").text

    assert first.count('<li class="backing backing-card"') == 20 and 'rel="next"' in first
    assert second.count('<li class="backing backing-card"') == 1


def test_a_receipt_page_shows_the_receipt_and_anonymous_for_an_anonymous_backer(client, listing, bob):
    backing = pending_donation(listing, 800, backer=bob, anonymous=True, status=Backing.Status.PAID)
    entry = pay(backing, 800, "payment_intent:pi_r", receipt="HW-2026-000003")
    client.force_login(bob)

    text = client.get(re.sub(r"^/[^/]+/", "/en/", reverse("payments:receipt", kwargs={"pk": entry.pk}))).text

    assert "HW-2026-000003" in text and "NT$800" in text and "anonymous" in text and "智慧魚塭" in text
    assert "data-print" in text  # the Print button (site/static/js/shell.js), no inline handler


def test_the_funding_dashboard_adds_up_the_ledger_for_the_team(client, listing, plan, alice, bob):
    yearly = SubscriptionPlan.objects.create(listing=listing, name="年", price_twd=6_000, interval="year", rewards="x")
    monthly = pending_subscription(plan, bob, status=Backing.Status.ACTIVE)
    pending_subscription(yearly, bob, status=Backing.Status.ACTIVE)
    pending_subscription(plan, alice, status=Backing.Status.PAST_DUE)
    donation = pending_donation(listing, 1_000, status=Backing.Status.PAID, backer_email="guest@example.com")
    pay(monthly, 500, "invoice:in_1", fee=25)
    pay(donation, 1_000, "payment_intent:pi_1", fee=50)
    pay(donation, -200, "refund:re_1", kind=LedgerEntry.Kind.REFUND, fee=-10)
    client.force_login(alice)

    response = client.get(reverse("payments:funding_dashboard", kwargs={"project_id": listing.project_id}))

    figures = response.context["figures"]
    assert figures.monthly_recurring_twd == 500 + 500 and figures.active_subscriptions == 2
    assert (figures.donations_twd, figures.donations_count, figures.subscription_payments_twd) == (1_000, 1, 500)
    assert (figures.refunds_twd, figures.refunds_count, figures.failed_payments) == (200, 1, 1)
    assert (figures.raised_twd, figures.platform_fees_twd, figures.net_twd) == (1_300, 65, 1_235)
    assert figures.backers == 2
    assert 'data-figure="net">NT$1,235<' in response.text


def test_the_funding_figures_are_cards_and_the_ledger_names_plans_in_the_readers_language(
    client, listing, plan, alice, bob
):
    """Each figure is a card holding its label and its value (a bare run of labels and values in a grid put a
    label and its value in different rows); a plan is named in the reader's language when the team gave one."""
    from bs4 import BeautifulSoup

    plan.name_en = "Adopt a pond"
    plan.save(update_fields=["name_en"])
    pay(pending_subscription(plan, bob, status=Backing.Status.ACTIVE), 500, "invoice:in_c")
    client.force_login(alice)
    url = reverse("payments:funding_dashboard", kwargs={"project_id": listing.project_id})

    for language, plan_name, lang in (("en", "Adopt a pond", "en"), ("zh-hant", "認養", "zh-Hant-TW")):
        page = BeautifulSoup(client.get(f"/{language}" + url[url.index("/", 1) :]).text, "html.parser")
        cards = page.select_one("main dl.figure-list").find_all(recursive=False)
        assert len(cards) == 10
        assert all(
            card.name == "div" and [child.name for child in card.find_all(recursive=False)] == ["dt", "dd"]
            for card in cards
        )
        named = page.select("main table tbody td span[lang]")
        assert [(span.get_text(), span["lang"]) for span in named] == [(plan_name, lang)]


def test_the_funding_payouts_and_backing_tables_scroll_in_named_regions(client, listing, plan, alice, bob):
    """The ledger, the payouts so far and a backer's payments are tables of the site's style, each scrolling on a
    phone in its own region named by its heading (the section around it is not a second region of that name)."""
    subscription = pending_subscription(plan, bob, status=Backing.Status.ACTIVE)
    pay(subscription, 500, "invoice:in_t", receipt="HW-2026-000021", fee=25)
    write_entry(
        kind=LedgerEntry.Kind.PAYOUT,
        listing=listing,
        amount_twd=-300,
        source_key="payout:t",
        occurred_at=timezone.now(),
        note="TW-0009",
    )
    slug = listing.enterprise.organisation.slug
    pages = [
        (alice, reverse("payments:funding_dashboard", kwargs={"project_id": listing.project_id})),
        (alice, reverse("payments:payouts", kwargs={"slug": slug})),
        (bob, reverse("payments:backing_detail", kwargs={"pk": subscription.pk})),
    ]
    for user, url in pages:
        client.force_login(user)
        for language in ("zh-hant", "en", "ja"):
            localised = f"/{language}" + url[url.index("/", 1) :]
            assert assert_tables_scroll_in_named_regions(client.get(localised).text, localised) == 1, localised


def test_the_csv_export_hides_anonymous_backers(client, listing, alice, bob):
    bob.display_name = "Bob Visible"
    bob.save()
    shown = pending_donation(listing, 500, backer=bob, backer_email=bob.email, status=Backing.Status.PAID)
    hidden = pending_donation(
        listing, 700, backer_email="secret@example.com", backer_name="秘密", anonymous=True, status=Backing.Status.PAID
    )
    pay(shown, 500, "payment_intent:pi_s", receipt="HW-2026-000001")
    pay(hidden, 700, "payment_intent:pi_h", receipt="HW-2026-000002")
    client.force_login(alice)

    for language, label in (("en", "anonymous"), ("zh-hant", "匿名")):
        url = reverse("payments:funding_csv", kwargs={"project_id": listing.project_id})
        response = client.get(f"/{language}" + url[url.index("/", 1) :])
        assert response["Content-Type"].startswith("text/csv")
        text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) == 3
        assert "secret@example.com" not in text and "秘密" not in text
        by_receipt = {row[4]: row for row in rows[1:]}
        assert by_receipt["HW-2026-000002"][7:] == [label, label]
        assert by_receipt["HW-2026-000001"][7:] == ["Bob Visible", bob.email]


def test_a_guest_donors_name_cannot_become_a_formula_in_the_csv(client, listing, alice):
    guest = pending_donation(
        listing,
        500,
        backer_email="guest@example.com",
        backer_name='=HYPERLINK("http://evil.test","x")',
        status=Backing.Status.PAID,
    )
    pay(guest, 500, "payment_intent:pi_g", receipt="HW-2026-000003")
    refund = pay(guest, -200, "refund:re_g", kind=LedgerEntry.Kind.REFUND)
    client.force_login(alice)

    response = client.get(reverse("payments:funding_csv", kwargs={"project_id": listing.project_id}))

    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert {row[7] for row in rows[1:]} == {'\'=HYPERLINK("http://evil.test","x")'}
    assert str(refund.amount_twd) in [row[2] for row in rows[1:]]  # a negative amount stays a number


def test_the_team_pages_link_the_funding_dashboard(client, listing, alice):
    client.force_login(alice)

    text = client.get(reverse("marketplace:project_team", kwargs={"project_id": listing.project_id})).text

    assert reverse("payments:funding_dashboard", kwargs={"project_id": listing.project_id}) in text


def test_a_persons_backings_are_in_their_data_and_erasure_anonymises_them(listing, bob):
    from payments import personal_data

    backing = pending_donation(listing, 800, backer=bob, backer_email=bob.email, backer_name="Bob 本名", status="paid")
    pay(backing, 800, "payment_intent:pi_p", receipt="HW-2026-000011")

    [exported] = personal_data.export(bob)
    assert exported["receipts"][0]["receipt_number"] == "HW-2026-000011" and exported["email"] == bob.email

    personal_data.erase(bob)
    backing.refresh_from_db()
    assert (backing.backer, backing.backer_name, backing.backer_email, backing.anonymous) == (None, "", "", True)
    assert LedgerEntry.objects.get().receipt_number == "HW-2026-000011"
