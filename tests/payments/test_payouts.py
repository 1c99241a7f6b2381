"""Payouts behind one interface: ledger balances, staff-recorded payouts, Connect Express onboarding."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from payments import payouts
from payments.ledger import write_entry
from payments.models import LedgerEntry, PayoutAccount
from tests.factories.payments import donation
from tests.factories.stripe import deliver, stripe_event
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.stripe]


@pytest.fixture
def staff(django_user_model):
    return with_mfa(django_user_model.objects.create_superuser("staff@example.tw", "x-long-password-1"))


@pytest.fixture
def funded(listing, bob):
    """NT$3,000 raised (NT$150 platform fees), NT$500 of it refunded."""
    backing, payment = donation(listing, bob, 2_000)
    LedgerEntry.objects.filter(pk=payment.pk).update(platform_fee_twd=100)
    _other, second = donation(listing, None, 1_000, email="guest@example.tw")
    LedgerEntry.objects.filter(pk=second.pk).update(platform_fee_twd=50)
    write_entry(
        kind="refund",
        listing=listing,
        backing=backing,
        amount_twd=-500,
        source_key="refund:re_1",
        occurred_at=timezone.now(),
    )
    return listing


# A day the bank transfer was made, within PAYOUT_RECORD_MAX_DAYS_BACK.
RECENTLY = (timezone.localdate() - datetime.timedelta(days=17)).isoformat()


def _payouts_url(listing):
    return reverse("payments:payouts", kwargs={"slug": listing.enterprise.organisation.slug})


def test_a_taiwan_team_is_platform_collected_and_its_balance_comes_from_the_ledger(client, funded, alice):
    enterprise = funded.enterprise

    assert payouts.account_for(enterprise).mode == PayoutAccount.Mode.PLATFORM_COLLECTED
    assert payouts.balance_for(enterprise) == 2_000 + 1_000 - 500 - 150
    client.force_login(alice)
    page = client.get(_payouts_url(funded))
    assert 'data-payout-mode="platform_collected"' in page.text and "NT$2,350" in page.text
    assert "No payouts yet" in page.text or "尚無" in page.text or page.context["payout"].payouts == []


def test_staff_record_a_payout_up_to_the_balance(client, funded, staff, alice):
    client.force_login(staff)
    form = {"listing": funded.pk, "amount": "2,000", "reference": "TW-0001", "paid_on": RECENTLY}

    response = client.post(reverse("ledger:record_payout"), form)

    assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind="payout")
    assert (entry.amount_twd, entry.recorded_by, entry.note) == (-2_000, staff, "TW-0001")
    assert entry.source_key.startswith("payout:")
    assert payouts.balance_for(funded.enterprise) == 350
    assert AuditEntry.objects.filter(action="payout.recorded", actor=staff).exists()
    status = payouts.payout_status_for(funded.enterprise)
    assert [p.pk for p in status.payouts] == [entry.pk] and status.ready

    client.force_login(alice)
    assert "TW-0001" in client.get(_payouts_url(funded)).text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "351"}, "__all__"),
        ({"amount": "12.5"}, "amount"),
        ({"reference": "  "}, "reference"),
        ({"paid_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()}, "paid_on"),
    ],
)
def test_a_bad_payout_re_renders_and_records_nothing(client, funded, staff, change, field):
    write_entry(
        kind="payout", listing=funded, amount_twd=-2_000, source_key="payout:earlier", occurred_at=timezone.now()
    )
    client.force_login(staff)
    form = {"listing": funded.pk, "amount": "300", "reference": "TW-0002", "paid_on": RECENTLY, **change}

    response = client.post(reverse("ledger:record_payout"), form)

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert LedgerEntry.objects.filter(kind="payout").count() == 1


def test_a_manager_onboards_with_connect_express_and_account_updated_sets_the_flags(client, funded, alice, settings):
    client.force_login(alice)

    response = client.post(
        reverse("payments:payouts_connect", kwargs={"slug": funded.enterprise.organisation.slug}), {"country": "JP"}
    )

    account = PayoutAccount.objects.get(enterprise=funded.enterprise)
    assert response.status_code == 302 and response["Location"].startswith("https://")
    assert (account.mode, account.country) == (PayoutAccount.Mode.CONNECT, "JP")
    assert account.stripe_account_id.startswith("acct_")
    assert payouts.payout_status_for(funded.enterprise).needs_onboarding
    assert isinstance(payouts.balance_for(funded.enterprise), int)  # Stripe's balance of the connected account

    event = stripe_event(
        "account.updated",
        {
            "id": account.stripe_account_id,
            "object": "account",
            "details_submitted": True,
            "charges_enabled": True,
            "payouts_enabled": True,
        },
    )
    assert deliver(client, event, settings.STRIPE_WEBHOOK_SECRET).json()["status"] == "processed"
    account.refresh_from_db()
    assert (account.details_submitted, account.charges_enabled, account.payouts_enabled) == (True, True, True)
    assert payouts.payout_status_for(funded.enterprise).ready

    back = client.get(reverse("payments:payouts_return", kwargs={"slug": funded.enterprise.organisation.slug}))
    assert back.status_code == 302


def test_taiwan_is_not_offered_for_connect_and_editors_cannot_onboard(client, funded, alice, bob):
    url = reverse("payments:payouts_connect", kwargs={"slug": funded.enterprise.organisation.slug})
    client.force_login(alice)

    taiwan = client.post(url, {"country": "TW"})

    assert taiwan.status_code == 400 and taiwan.context["connect_form"].errors["country"]
    client.force_login(bob)
    assert client.post(url, {"country": "JP"}).status_code == 403
    assert not PayoutAccount.objects.exclude(stripe_account_id=None).exists()


def test_recording_a_payout_for_a_connect_team_is_refused(funded, staff):
    PayoutAccount.objects.create(enterprise=funded.enterprise, mode="connect", stripe_account_id="acct_x", country="JP")

    with pytest.raises(payouts.ActionRefused):
        payouts.record_payout(staff, funded, amount_twd=100, reference="x", paid_on=timezone.localdate())


@pytest.mark.parametrize(
    ("language", "too_long_ago"),
    [
        ("zh-hant", "撥款須在完成後 30 天內記錄"),
        ("en", "A payout is recorded within 30 days of being made"),
        ("ja", "支払いは実行から 30 日以内に記録してください"),
    ],
)
def test_a_payout_made_too_long_ago_is_refused_with_the_limit(client, funded, staff, settings, language, too_long_ago):
    """A transfer dated year 1 was written to the ledger and moved the team's balance history decades back."""
    from django.utils import formats, translation

    settings.PAYOUT_RECORD_MAX_DAYS_BACK = 30
    today = timezone.localdate()
    first_day = today - datetime.timedelta(days=30)
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(staff)
    profile.preferred_language = language  # the admin speaks the staff member's chosen language
    profile.save()
    client.force_login(staff)
    with translation.override(language):
        shown = formats.date_format(first_day)
    form = {"listing": funded.pk, "amount": "300", "reference": "TW-0003"}
    for paid_on in ("0001-01-01", (first_day - datetime.timedelta(days=1)).isoformat()):
        response = client.post(reverse("ledger:record_payout"), {**form, "paid_on": paid_on})
        assert response.status_code == 400
        assert response.context["form"].errors["paid_on"]
        assert too_long_ago in response.text and shown in response.text
    picker = response.context["form"]["paid_on"].field.widget.attrs
    assert (picker["min"], picker["max"]) == (first_day.isoformat(), today.isoformat())
    assert not LedgerEntry.objects.filter(kind="payout").exists()

    # The first day allowed is accepted.
    response = client.post(reverse("ledger:record_payout"), {**form, "paid_on": first_day.isoformat()})
    assert response.status_code == 302
    assert LedgerEntry.objects.get(kind="payout").occurred_at.date() == first_day


def test_the_action_refuses_a_payout_dated_too_long_ago_or_to_come(funded, staff, settings):
    settings.PAYOUT_RECORD_MAX_DAYS_BACK = 30
    for paid_on, reason in ((datetime.date(1, 1, 1), "30 天"), (datetime.date(9999, 12, 31), "完成後再記錄")):
        with pytest.raises(payouts.ActionRefused, match=reason):
            payouts.record_payout(staff, funded, amount_twd=100, reference="x", paid_on=paid_on)
    assert not LedgerEntry.objects.filter(kind="payout").exists()
