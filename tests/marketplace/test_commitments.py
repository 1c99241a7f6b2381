"""Commitments both sides confirm: one side proposes the amount and instrument, the other confirms; only confirmed
amounts count (marketplace.queries.confirmed_commitments, the impact figures, the company's report)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from core.actions import ActionRefused
from core.models import AuditEntry
from marketplace import actions
from marketplace.models import Interest, InterestEvent
from marketplace.queries import confirmed_commitments
from tests.factories.accounts import UserFactory

Stage = Interest.Stage

pytestmark = pytest.mark.django_db


def _at_term_sheet(market):
    interest = actions.express_interest(market["dave"], market["company"], market["rice"])
    for stage in (Stage.ACCEPTED, Stage.INTRODUCED, Stage.DUE_DILIGENCE, Stage.TERM_SHEET):
        actions.advance_interest(market["erin"], interest, stage)
    return interest


def test_the_company_proposes_and_the_team_confirms(market):
    interest = _at_term_sheet(market)
    actions.propose_commitment(market["carol"], interest, amount_twd=2_000_000, instrument="loan")
    assert not confirmed_commitments(company=market["company"]).exists()

    actions.confirm_commitment(market["erin"], interest)

    interest.refresh_from_db()
    assert (interest.stage, interest.commitment_proposed_by_side, interest.commitment_confirmed_by) == (
        Stage.COMMITTED,
        "company",
        market["erin"],
    )
    assert list(confirmed_commitments(company=market["company"])) == [interest]
    assert list(confirmed_commitments(project=market["rice"], year=interest.commitment_confirmed_at.year)) == [interest]
    assert not confirmed_commitments(year=interest.commitment_confirmed_at.year - 1).exists()
    assert set(
        AuditEntry.objects.filter(action__startswith="interest.commitment").values_list("action", flat=True)
    ) == {
        "interest.commitment_propose",
        "interest.commitment_confirm",
    }


def test_a_commitment_confirmed_by_the_side_that_proposed_it_is_refused(market):
    interest = _at_term_sheet(market)
    actions.propose_commitment(market["erin"], interest, amount_twd=800_000, instrument="equity")
    with translation.override("en"), pytest.raises(ActionRefused, match="Your side proposed this commitment"):
        actions.confirm_commitment(market["erin"], interest)
    interest.refresh_from_db()
    assert (interest.stage, interest.commitment_confirmed_at) == (Stage.TERM_SHEET, None)
    assert not InterestEvent.objects.filter(to_stage=Stage.COMMITTED).exists()


def test_a_commitment_confirmed_twice_is_refused_and_cannot_be_changed(market):
    interest = _at_term_sheet(market)
    actions.propose_commitment(market["erin"], interest, amount_twd=800_000, instrument="equity")
    actions.confirm_commitment(market["carol"], interest)
    confirmed_at = Interest.objects.get(pk=interest.pk).commitment_confirmed_at
    with translation.override("en"), pytest.raises(ActionRefused, match="already been confirmed"):
        actions.confirm_commitment(market["carol"], interest)
    with translation.override("en"), pytest.raises(ActionRefused, match="already been confirmed"):
        actions.propose_commitment(market["erin"], interest, amount_twd=1, instrument="equity")
    interest.refresh_from_db()
    assert (interest.commitment_confirmed_at, interest.committed_amount_twd) == (confirmed_at, 800_000)
    assert InterestEvent.objects.filter(to_stage=Stage.COMMITTED).count() == 1


def test_a_company_member_without_the_admin_role_can_neither_propose_nor_confirm(market):
    interest = _at_term_sheet(market)
    with translation.override("en"), pytest.raises(ActionRefused, match="Only an admin of 台灣好公司"):
        actions.propose_commitment(market["dave"], interest, amount_twd=800_000, instrument="equity")
    actions.propose_commitment(market["erin"], interest, amount_twd=800_000, instrument="equity")
    with translation.override("en"), pytest.raises(ActionRefused, match="Only an admin"):
        actions.confirm_commitment(market["dave"], interest)
    with pytest.raises(PermissionDenied):  # an outsider
        actions.confirm_commitment(UserFactory(email="outsider@example.tw"), interest)
    interest.refresh_from_db()
    assert interest.commitment_confirmed_at is None


def test_a_counter_proposal_replaces_the_open_one_and_the_other_side_confirms_it(market):
    interest = _at_term_sheet(market)
    actions.propose_commitment(market["erin"], interest, amount_twd=800_000, instrument="equity")
    actions.propose_commitment(market["carol"], interest, amount_twd=600_000, instrument="loan")
    with translation.override("en"), pytest.raises(ActionRefused, match="Your side proposed"):
        actions.confirm_commitment(market["carol"], interest)
    actions.confirm_commitment(market["erin"], interest)
    interest.refresh_from_db()
    assert (interest.committed_amount_twd, interest.committed_instrument, interest.stage) == (
        600_000,
        "loan",
        Stage.COMMITTED,
    )


def test_no_proposal_nothing_to_confirm_and_closing_needs_confirmation(market):
    interest = _at_term_sheet(market)
    with translation.override("en"), pytest.raises(ActionRefused, match="no proposed commitment"):
        actions.confirm_commitment(market["carol"], interest)
    # An interest the team moved to "committed" before confirmations existed (migration 0006) waits for the company.
    Interest.objects.filter(pk=interest.pk).update(
        stage=Stage.COMMITTED,
        committed_amount_twd=500_000,
        committed_instrument="equity",
        commitment_proposed_by_side="team",
    )
    with translation.override("en"), pytest.raises(ActionRefused, match="not been confirmed"):
        actions.advance_interest(market["erin"], interest, Stage.CLOSED)
    assert not confirmed_commitments().exists()
    actions.confirm_commitment(market["carol"], interest)
    actions.advance_interest(market["erin"], interest, Stage.CLOSED)
    assert confirmed_commitments().get().stage == Stage.CLOSED


def test_the_interest_page_offers_proposal_and_confirmation_to_the_right_side(client, market):
    interest = _at_term_sheet(market)
    url = reverse("marketplace:interest_detail", kwargs={"pk": interest.pk})
    client.force_login(market["erin"])
    page = client.get(url).content.decode()
    assert reverse("marketplace:interest_propose", kwargs={"pk": interest.pk}) in page
    client.post(
        reverse("marketplace:interest_propose", kwargs={"pk": interest.pk}),
        {"amount": "900000", "instrument": "equity"},
    )
    page = client.get(url).content.decode()
    assert reverse("marketplace:interest_confirm", kwargs={"pk": interest.pk}) not in page  # not its own proposal
    client.force_login(market["dave"])  # a member, not an admin: sees it, cannot confirm
    page = client.get(url).content.decode()
    assert "NT$900,000" in page
    assert reverse("marketplace:interest_confirm", kwargs={"pk": interest.pk}) not in page
    with translation.override("en"):
        response = client.post(
            reverse("marketplace:interest_confirm", kwargs={"pk": interest.pk}), follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert Interest.objects.get(pk=interest.pk).commitment_confirmed_at is None
    assert response.status_code == 200
    client.force_login(market["carol"])
    assert reverse("marketplace:interest_confirm", kwargs={"pk": interest.pk}) in client.get(url).content.decode()
    client.post(reverse("marketplace:interest_confirm", kwargs={"pk": interest.pk}))
    interest.refresh_from_db()
    assert interest.stage == Stage.COMMITTED


def test_a_confirmed_commitment_cannot_be_withdrawn_by_a_member_nor_an_admin(client, market):
    """Only an admin binds the company to an amount, and a confirmed commitment cannot be changed: a company member
    without the admin role (nor an admin) cannot undo it by withdrawing the interest; the team closes it."""
    interest = _at_term_sheet(market)
    actions.propose_commitment(market["erin"], interest, amount_twd=800_000, instrument="equity")
    actions.confirm_commitment(market["carol"], interest)
    url = reverse("marketplace:interest_detail", kwargs={"pk": interest.pk})
    withdraw = reverse("marketplace:interest_withdraw", kwargs={"pk": interest.pk})

    client.force_login(market["dave"])  # a member of the company, not an admin
    assert withdraw not in client.get(url).content.decode()
    assert client.post(withdraw).status_code == 302
    with translation.override("en"), pytest.raises(ActionRefused, match="cannot be withdrawn"):
        actions.withdraw_interest(market["carol"], interest)

    interest.refresh_from_db()
    assert interest.stage == Stage.COMMITTED
    assert list(confirmed_commitments(company=market["company"])) == [interest]
    assert not InterestEvent.objects.filter(interest=interest, to_stage=Stage.WITHDRAWN).exists()
