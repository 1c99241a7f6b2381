"""A seasonal plan (November to February here) bills only in its season, across the year boundary."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from core.models import AuditEntry
from payments import seasons, subscriptions
from payments.models import Backing
from tests.factories.accounts import UserFactory
from tests.factories.payments import another_plan, subscription

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.stripe]

WINTER = [11, 12, 1, 2]


def taipei_midnight(year, month, day):
    return datetime.datetime(year, month, day, tzinfo=subscriptions.TAIPEI)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 3, 1), datetime.date(2026, 11, 1)),
        (datetime.date(2026, 10, 31), datetime.date(2026, 11, 1)),
        (datetime.date(2026, 12, 20), datetime.date(2027, 1, 1)),
        (datetime.date(2027, 2, 28), datetime.date(2027, 11, 1)),
    ],
)
def test_the_next_season_month_wraps_around_the_year(day, expected):
    assert seasons.next_season_start(WINTER, day) == expected


@pytest.fixture
def winter_plan(listing):
    return another_plan(listing, name="冬季蚵仔", price_twd=600, season_months=WINTER)


@pytest.fixture
def subscriber(db):

    return UserFactory(email="winter@example.tw")


def test_a_year_of_daily_runs_pauses_out_of_season_and_resumes_in_season(winter_plan, subscriber, listing):
    winter = subscription(listing, subscriber, plan=winter_plan)
    all_year = subscription(listing, subscriber, plan=another_plan(listing, name="全年", season_months=[]))

    # March: out of season until November; the second run the same day changes nothing.
    first = seasons.apply_seasonal_billing(day=datetime.date(2027, 3, 2))
    again = seasons.apply_seasonal_billing(day=datetime.date(2027, 3, 2))
    winter.refresh_from_db()
    assert (first.paused, again.paused, again.resumed) == (1, 0, 0)
    assert (winter.status, winter.pause_reason) == (Backing.Status.PAUSED, "season")
    assert winter.paused_until == taipei_midnight(2027, 11, 1)

    # Through the summer nothing more is asked of Stripe.
    assert seasons.apply_seasonal_billing(day=datetime.date(2027, 8, 15)).paused == 0

    # November: in season, the season's pause is lifted.
    november = seasons.apply_seasonal_billing(day=datetime.date(2027, 11, 1))
    winter.refresh_from_db()
    assert november.resumed == 1
    assert (winter.status, winter.paused_until, winter.pause_reason) == (Backing.Status.ACTIVE, None, "")

    # December and January (across the new year) stay in season.
    for day in (datetime.date(2027, 12, 31), datetime.date(2028, 1, 1), datetime.date(2028, 2, 29)):
        run = seasons.apply_seasonal_billing(day=day)
        assert (run.paused, run.resumed) == (0, 0), day

    # March again: paused until the next November.
    seasons.apply_seasonal_billing(day=datetime.date(2028, 3, 1))
    winter.refresh_from_db()
    assert winter.paused_until == taipei_midnight(2028, 11, 1)

    all_year.refresh_from_db()
    assert (all_year.status, all_year.paused_until) == (Backing.Status.ACTIVE, None)
    assert AuditEntry.objects.filter(action="subscription.season_paused").count() == 2
    assert AuditEntry.objects.filter(action="subscription.season_resumed").count() == 1


def test_a_pause_the_backer_chose_is_respected(winter_plan, subscriber, listing):
    long_pause = taipei_midnight(2027, 12, 1)
    backer_paused = subscription(
        listing, subscriber, plan=winter_plan, status="paused", paused_until=long_pause, pause_reason="backer"
    )

    out_of_season = seasons.apply_seasonal_billing(day=datetime.date(2027, 6, 1))
    in_season = seasons.apply_seasonal_billing(day=datetime.date(2027, 11, 5))

    backer_paused.refresh_from_db()
    assert (out_of_season.paused, in_season.resumed) == (0, 0)
    assert (backer_paused.paused_until, backer_paused.pause_reason) == (long_pause, "backer")


def test_the_command_has_a_dry_run_that_changes_nothing(winter_plan, subscriber, listing):
    winter = subscription(listing, subscriber, plan=winter_plan)
    out = StringIO()

    call_command("apply_seasonal_billing", "--dry-run", "--date", "2027-04-10", stdout=out)

    winter.refresh_from_db()
    assert f"backing {winter.pk}" in out.getvalue() and "pause until 2027-11-01 — dry run" in out.getvalue()
    assert "would pause 1" in out.getvalue()
    assert (winter.status, winter.paused_until) == (Backing.Status.ACTIVE, None)

    out = StringIO()
    call_command("apply_seasonal_billing", "--date", "2027-04-10", stdout=out)
    winter.refresh_from_db()
    assert "paused 1" in out.getvalue()
    assert winter.paused_until == taipei_midnight(2027, 11, 1)


def test_the_backer_cannot_lift_the_seasons_pause(client, winter_plan, subscriber, listing):
    from django.urls import reverse

    paused = subscription(
        listing,
        subscriber,
        plan=winter_plan,
        status="paused",
        paused_until=taipei_midnight(2027, 11, 1),
        pause_reason="season",
    )
    client.force_login(subscriber)
    url = reverse("payments:subscription_manage", kwargs={"pk": paused.pk})

    page = client.get(url)
    response = client.post(reverse("payments:subscription_resume", kwargs={"pk": paused.pk}), follow=True)

    assert reverse("payments:subscription_resume", kwargs={"pk": paused.pk}) not in page.text
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    paused.refresh_from_db()
    assert paused.pause_reason == "season"


def test_a_season_lists_its_months_in_the_order_it_runs():
    from marketplace.models import SubscriptionPlan, season_order

    assert season_order([1, 2, 10, 11, 12]) == [10, 11, 12, 1, 2]  # winter: across New Year
    assert season_order([5, 3, 4]) == [3, 4, 5]
    assert season_order(range(1, 13)) == list(range(1, 13))
    with translation.override("en"):
        assert SubscriptionPlan(season_months=[1, 12]).season_labels == ["December", "January"]
