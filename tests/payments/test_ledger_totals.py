"""Totals come from the ledger: refunds lower them, payouts do not, a person is counted once."""

import pytest
from django.utils import timezone

from accounts.models import User
from payments import ledger
from payments.ledger import write_entry
from payments.models import LedgerEntry
from tests.factories.payments import paid_backing

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _paid(listing, backer, amount, key, email=""):
    return paid_backing(listing, amount, key=key, backer=backer, backer_email=email)[0]


def test_refunds_lower_the_total_and_a_person_counts_once(listing, client):
    carol = User.objects.create_user(email="carol@example.com", password="x")
    _paid(listing, carol, 500, "a")
    _paid(listing, carol, 300, "b")
    refunded = _paid(listing, None, 1_000, "c", email="Guest@Example.com")
    write_entry(
        kind=LedgerEntry.Kind.REFUND,
        listing=listing,
        backing=refunded,
        amount_twd=-1_000,
        source_key="refund:c",
        occurred_at=timezone.now(),
    )
    write_entry(
        kind=LedgerEntry.Kind.PAYOUT,
        listing=listing,
        amount_twd=-700,
        source_key="payout:1",
        occurred_at=timezone.now(),
    )

    totals = ledger.totals_for_project(listing.project_id)
    assert totals == ledger.Totals(raised_twd=800, backers=1)
    assert ledger.site_totals() == totals
    # The backers alone (recommendations): the same count, for the given projects or for every project.
    assert ledger.backers_by_project([listing.project_id]) == ledger.backers_by_project() == {listing.project_id: 1}

    figures = client.get("/zh-hant/").context["figures"]
    assert (figures["backers"], figures["raised_twd"]) == (1, 800)
    assert "NT$800" in client.get("/zh-hant/").text


def test_the_funding_panel_shows_ledger_totals_on_every_translation(listing, client):
    import datetime

    from marketplace.models import DonationCampaign

    DonationCampaign.objects.create(
        listing=listing,
        goal_twd=10_000,
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        funding_model="keep_what_you_raise",
    )
    _paid(listing, None, 2_500, "a", email="guest@example.com")
    from tests.helpers import translation_of

    english = translation_of(listing.project, "en")
    english.save_revision().publish()
    for page in (listing.project, english):
        html = client.get(page.url).text
        assert 'data-funding="raised">NT$2,500<' in html
        assert 'data-funding="backers">1<' in html
        assert 'value="2500"' in html and 'data-funding="percent">25<' in html
