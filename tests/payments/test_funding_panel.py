"""The project page's backing panel: it never vanishes, says why buttons are unavailable, shows plan cards with
their places left, suggested amounts as money, days left, and "express interest" for company members."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.models import DonationCampaign
from payments import checkout, funding
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


def capped_plan(listing, places):
    plan = listing.subscription_plans.get()
    plan.max_backers = places
    plan.save()
    return plan


def shows_places_left(text, places, cap=3):
    return f"{places} places left of {cap}" in text.replace("\u3000", " ") or f"剩 {places} 個名額" in text


def _panel_reads(client, url):
    """(the page's text, the tables the request read)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        text = client.get(url).text
    return text, " ".join(query["sql"] for query in queries.captured_queries)


@pytest.mark.redis
@pytest.mark.usefixtures("page_cache_on")
def test_a_signed_in_reader_meets_the_kept_terms_and_the_places_and_money_as_they_move(
    client, listing, campaign, bob, django_capture_on_commit_callbacks
):
    from tests.factories.accounts import UserFactory
    from tests.factories.stripe import pay_through_webhook

    plan = capped_plan(listing, 3)
    client.force_login(UserFactory(email="reader@example.tw"))
    url = listing.project.url
    for _ in range(3):  # until nothing is left to keep (the site's first request makes its navigation settings)
        client.get(url)
    text, sql = _panel_reads(client, url)
    for table in ("marketplace_projectlisting", "marketplace_subscriptionplan", "marketplace_donationcampaign"):
        assert f'FROM "{table}"' not in sql, f"{table}: the panel's terms are kept"
    assert shows_places_left(text, 3)

    with django_capture_on_commit_callbacks(execute=True):  # a place taken through the checkout
        checkout.start_subscription(bob, plan, anonymous=False, name="Bob", success_url="https://x/s", cancel_url="x")
    text, sql = _panel_reads(client, url)
    assert shows_places_left(text, 2)
    with django_capture_on_commit_callbacks(execute=True):
        pay_through_webhook(listing, UserFactory(email="donor@example.tw"), 4_000, "kept-terms")
    text, sql = _panel_reads(client, url)
    assert 'data-funding="raised">NT$4,000<' in text
    assert 'FROM "marketplace_projectlisting"' not in sql, "a payment leaves the terms kept"

    text, sql = _panel_reads(client, url)
    assert 'data-funding="raised">NT$4,000<' in text
    assert "payments_backing" not in sql, "the progress and the places are kept until they move"


@pytest.mark.redis
@pytest.mark.usefixtures("page_cache_on")
def test_an_anonymous_copy_shows_a_place_taken_at_once_and_one_given_back_within_a_minute(
    client, listing, bob, django_capture_on_commit_callbacks, monkeypatch
):
    from cms import page_cache
    from payments.models import Backing
    from tests.helpers import cached

    plan = capped_plan(listing, 3)
    url = listing.project.url
    cached(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        checkout.start_subscription(bob, plan, anonymous=False, name="Bob", success_url="https://x/s", cancel_url="x")
    page = client.get(url)
    assert page["X-Page-Cache"] == "refilled"
    assert shows_places_left(page.text, 2)

    # The checkout is left unpaid: no event tells the pages, the plans' hole is filled again within its clock.
    Backing.objects.filter(plan=plan).update(status=Backing.Status.EXPIRED)
    assert client.get(url)["X-Page-Cache"] == "hit"
    later = page_cache.time.time() + funding.PLACES_SHOWN_FOR
    monkeypatch.setattr(page_cache.time, "time", lambda: later)
    page = client.get(url)
    assert page["X-Page-Cache"] == "refilled"
    assert shows_places_left(page.text, 3)


@pytest.mark.redis
@pytest.mark.usefixtures("page_cache_on")
def test_a_change_to_the_plans_or_the_campaign_shows_at_once(
    client, listing, campaign, django_capture_on_commit_callbacks
):
    from marketplace.models import SubscriptionPlan

    url = listing.project.url
    for _ in range(3):
        client.get(url)
    assert "認養" in client.get(url).text

    plan = listing.subscription_plans.get()
    with django_capture_on_commit_callbacks(execute=True):  # the cache learns of a change once it commits
        plan.name = "認養一口魚塭"
        plan.save()
        campaign.goal_twd = 450_000
        campaign.save()
        SubscriptionPlan.objects.create(listing=listing, name="季節禮盒", price_twd=1_200, rewards="一箱")
    text = client.get(url).text
    assert "認養一口魚塭" in text and "季節禮盒" in text
    assert 'max="450000"' in text

    with django_capture_on_commit_callbacks(execute=True):
        campaign.delete()
    text = client.get(url).text
    assert "funding-donation" not in text and "季節禮盒" in text


def test_places_taken_counts_the_backings_holding_a_place_of_every_plan_in_one_query(
    listing, bob, django_assert_num_queries
):
    from marketplace.models import SubscriptionPlan
    from payments.checkout import CHECKOUT_LIFETIME, places_taken, places_taken_by_plan
    from payments.models import Backing

    first = listing.subscription_plans.get()
    second = SubscriptionPlan.objects.create(listing=listing, name="禮盒", price_twd=900, rewards="一箱", max_backers=5)
    empty = SubscriptionPlan.objects.create(listing=listing, name="空", price_twd=100, rewards="無", max_backers=5)
    for status in (Backing.Status.ACTIVE, Backing.Status.PAUSED, Backing.Status.PAST_DUE, Backing.Status.CANCELED):
        subscription(listing, bob, first, status=status)
    subscription(listing, bob, second, status=Backing.Status.PENDING)  # a checkout under way holds a place
    abandoned = subscription(listing, bob, second, status=Backing.Status.PENDING)
    Backing.objects.filter(pk=abandoned.pk).update(created=timezone.now() - CHECKOUT_LIFETIME - datetime.timedelta(1))

    with django_assert_num_queries(1):
        taken = places_taken_by_plan([first.pk, second.pk, empty.pk])
    assert taken == {first.pk: 3, second.pk: 1}
    assert [places_taken(plan) for plan in (first, second, empty)] == [3, 1, 0]
