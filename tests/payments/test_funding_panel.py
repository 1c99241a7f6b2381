"""The project page's backing panel: it never vanishes, says why buttons are unavailable, shows plan cards with
their places left, suggested amounts as money, days left, and "express interest" for company members."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.models import DonationCampaign
from tests.factories.payments import subscription

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def campaign(listing):
    return DonationCampaign.objects.create(
        listing=listing,
        goal_twd=300_000,
        deadline=timezone.localdate() + datetime.timedelta(days=12),
        funding_model="keep_what_you_raise",
        suggested_amounts_twd=[500, 1_000, 3_000],
    )


def test_without_payments_the_panel_shows_every_plan_and_amount_with_disabled_buttons_and_says_why(
    client, listing, campaign, settings
):
    settings.STRIPE_SECRET_KEY = ""
    text = client.get(listing.project.url).text

    assert 'id="payments-unavailable"' in text
    assert text.count('aria-describedby="payments-unavailable"') == 2, "the plan's and the donation's buttons"
    assert "NT$1,000" in text and "NT$3,000" in text, "suggested amounts are shown as money"
    assert "plan-card" in text and "認養" in text
    assert reverse("payments:subscribe", kwargs={"project_id": listing.project_id, "plan_id": 1}) not in text
    assert "<dd>12</dd>" in text, "days left"


def test_with_payments_the_buttons_work_and_no_notice_is_shown(client, listing, campaign):
    plan = listing.subscription_plans.get()
    text = client.get(listing.project.url).text

    assert "payments-unavailable" not in text
    assert reverse("payments:subscribe", kwargs={"project_id": listing.project_id, "plan_id": plan.pk}) in text
    assert reverse("payments:donate", kwargs={"project_id": listing.project_id}) in text


def test_a_capped_plan_says_how_many_places_are_left_and_a_full_one_cannot_be_subscribed(client, listing, bob):
    plan = listing.subscription_plans.get()
    plan.max_backers = 2
    plan.save()
    subscription(listing, bob, plan)
    text = client.get(listing.project.url).text
    assert "1 place left of 2" in text.replace("\u3000", " ") or "剩 1 個名額" in text

    subscription(listing, None, plan)
    text = client.get(listing.project.url).text
    subscribe_url = reverse("payments:subscribe", kwargs={"project_id": listing.project_id, "plan_id": plan.pk})
    assert subscribe_url not in text
    assert "plan-card-full" in text


def test_company_members_express_interest_from_the_project_page_and_others_do_not_see_the_form(client, market):
    rice = market["rice"]
    form_action = reverse(
        "marketplace:interest_express", kwargs={"slug": market["company_org"].slug, "project_id": rice.pk}
    )
    assert form_action not in client.get(rice.url).text

    client.force_login(market["dave"])
    assert form_action in client.get(rice.url).text

    client.force_login(market["erin"])
    assert form_action not in client.get(rice.url).text
