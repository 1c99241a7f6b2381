"""All-or-nothing campaigns: past the deadline short of the goal, every payment is refunded once; all are told."""

import datetime
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from core.models import AuditEntry
from marketplace.models import DonationCampaign
from notifications.models import Notification
from payments import refunds
from payments.models import RefundRequest
from tests.factories.accounts import UserFactory
from tests.factories.payments import donation

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.stripe]

TODAY = datetime.date(2026, 12, 1)


@pytest.fixture
def donors(db):

    return UserFactory(email="donor1@example.tw"), UserFactory(email="donor2@example.tw", preferred_language="en")


def _campaign(listing, model="all_or_nothing", goal=10_000, deadline=TODAY - datetime.timedelta(days=1)):
    return DonationCampaign.objects.create(listing=listing, goal_twd=goal, deadline=deadline, funding_model=model)


def test_a_missed_goal_refunds_every_payment_once_and_tells_backers_and_team(
    listing,
    donors,
    alice,
    bob,
    django_capture_on_commit_callbacks,
):
    campaign = _campaign(listing)
    first, second = donors
    donation(listing, first, 3_000, campaign=campaign)
    donation(listing, second, 2_000, campaign=campaign)
    donation(listing, None, 1_000, campaign=campaign, email="guest@example.tw")
    donation(listing, first, 700)  # outside the campaign: not refunded

    with django_capture_on_commit_callbacks(execute=True):
        run = refunds.settle_campaigns(today=TODAY)

    campaign.refresh_from_db()
    assert campaign.outcome == DonationCampaign.Outcome.REFUNDING and campaign.settled_at
    assert (run.failed, run.refunds_requested, run.refund_errors) == ([campaign.pk], 3, [])
    requests = RefundRequest.objects.all()
    assert requests.count() == 3
    assert all(r.stripe_refund_id.startswith("re_") and r.amount_twd is None for r in requests)
    assert {r.payment.amount_twd for r in requests} == {3_000, 2_000, 1_000}
    # Backers and the team, each once, in their language; the guest by email.
    told = Notification.objects.filter(kind=Notification.Kind.CAMPAIGN_RESULT)
    assert sorted(told.values_list("recipient__email", flat=True)) == sorted(
        [first.email, second.email, alice.email, bob.email]
    )
    assert "every donation is refunded" in told.get(recipient=second).title
    assert any(message.to == ["guest@example.tw"] for message in mail.outbox)

    # A rerun (the next day) asks Stripe for nothing twice and tells nobody again.
    again = refunds.settle_campaigns(today=TODAY + datetime.timedelta(days=1))
    assert RefundRequest.objects.count() == 3
    assert again.refunds_requested == 3  # each found done under its key, none new
    assert told.count() == 4
    assert AuditEntry.objects.filter(action="payment.refund_requested").count() == 3


def test_the_same_idempotency_key_never_makes_a_second_request(listing, donors):
    _backing, payment = donation(listing, donors[0], 500)

    one = refunds.request_refund(payment, origin="staff", idempotency_key="k-1", reason="asked")
    two = refunds.request_refund(payment, origin="staff", idempotency_key="k-1", reason="asked")

    assert one.pk == two.pk and one.stripe_refund_id == two.stripe_refund_id
    assert RefundRequest.objects.count() == 1


def test_a_stripe_outage_keeps_the_request_for_a_rerun(listing, donors, settings):
    campaign = _campaign(listing)
    donation(listing, donors[0], 500, campaign=campaign)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"

    run = refunds.settle_campaigns(today=TODAY)

    assert len(run.refund_errors) == 1
    assert RefundRequest.objects.get().stripe_refund_id == ""
    settings.STRIPE_API_BASE = (
        settings.STRIPE_API_BASE_FOR_TESTS if hasattr(settings, "STRIPE_API_BASE_FOR_TESTS") else ""
    )


def test_a_campaign_that_met_its_goal_succeeds_and_nothing_is_refunded(listing, donors):
    campaign = _campaign(listing, goal=5_000)
    donation(listing, donors[0], 5_000, campaign=campaign)

    run = refunds.settle_campaigns(today=TODAY)

    campaign.refresh_from_db()
    assert (campaign.outcome, run.succeeded) == (DonationCampaign.Outcome.SUCCEEDED, [campaign.pk])
    assert not RefundRequest.objects.exists()
    assert Notification.objects.filter(recipient=donors[0], kind="campaign_result").count() == 1


def test_keep_what_you_raise_and_open_campaigns_are_not_refunded(listing, donors):
    ended = _campaign(listing, model="keep_what_you_raise")
    donation(listing, donors[0], 500, campaign=ended)

    refunds.settle_campaigns(today=TODAY)
    ended.refresh_from_db()
    assert ended.outcome == DonationCampaign.Outcome.ENDED
    assert not RefundRequest.objects.exists()

    ended.outcome = DonationCampaign.Outcome.OPEN
    ended.funding_model = "all_or_nothing"
    ended.deadline = TODAY + datetime.timedelta(days=3)
    ended.save()
    assert refunds.settle_campaigns(today=TODAY).failed == []


def test_the_command_has_a_dry_run(listing, donors):
    campaign = _campaign(listing)
    donation(listing, donors[0], 500, campaign=campaign)
    out = StringIO()

    call_command("settle_campaigns", "--dry-run", "--date", TODAY.isoformat(), stdout=out)

    campaign.refresh_from_db()
    assert "goal missed: refunding 1 payment(s) (dry run)" in out.getvalue()
    assert campaign.outcome == DonationCampaign.Outcome.OPEN and not RefundRequest.objects.exists()

    call_command("settle_campaigns", "--date", TODAY.isoformat(), stdout=out)
    assert "1 refund(s) requested" in out.getvalue()


def test_a_guest_is_told_in_the_language_they_backed_in(listing, donors, django_capture_on_commit_callbacks):
    from payments.models import Backing

    campaign = _campaign(listing)
    donation(listing, donors[0], 3_000, campaign=campaign)
    backing, _payment = donation(listing, None, 1_000, campaign=campaign, email="yuki@example.jp")
    Backing.objects.filter(pk=backing.pk).update(language="ja")

    with django_capture_on_commit_callbacks(execute=True):
        refunds.settle_campaigns(today=TODAY)

    [message] = [message for message in mail.outbox if message.to == ["yuki@example.jp"]]
    assert re.search(r"[\u3040-\u30ff]", message.subject + message.body), message.subject


def test_a_campaigns_result_is_read_in_the_language_each_person_reads_now(client, listing, donors):
    """Settled while the donor read Chinese (and the scheduler ran in English); read later in English and Japanese,
    the sentences follow the reader, the project's name and the figures stay as they are."""
    from django.utils import translation

    from tests.helpers import notifications_page_in

    donor = donors[0]
    campaign = _campaign(listing, goal=5_000)
    donation(listing, donor, 5_000, campaign=campaign)

    with translation.override("en"):
        refunds.settle_campaigns(today=TODAY)

    project = listing.project.title
    made = Notification.objects.get(recipient=donor, kind=Notification.Kind.CAMPAIGN_RESULT)
    assert made.title == f"「{project}」已達募款目標"
    client.force_login(donor)
    english, japanese = notifications_page_in(client, "en"), notifications_page_in(client, "ja")
    assert f"“{project}” reached its goal" in english
    assert "The campaign raised NT$5,000 of its NT$5,000 goal. Thank you for your support." in english
    assert f"「{project}」は目標を達成しました" in japanese
    assert "目標 NT$5,000 に対して NT$5,000 が集まりました。ご支援ありがとうございます。" in japanese
    assert "募款" not in english + japanese
