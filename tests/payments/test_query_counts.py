"""The payment list pages render with a number of queries that does not grow with the backings and entries."""

import pytest
from django.urls import reverse

from tests.factories.payments import donation, subscription
from tests.helpers import assert_queries_do_not_grow

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_my_backings(client, listing, plan, bob):
    def build(count):
        for number in range(count):
            if number % 2:
                subscription(listing, bob, plan)
            else:
                donation(listing, bob, 300)

    client.force_login(bob)
    assert_queries_do_not_grow(build, client, reverse("payments:my_backings"))


def test_a_teams_funding_dashboard(client, listing, alice):
    def build(count):
        for number in range(count):
            donation(listing, None, 100 + number, email=f"guest{number}-{count}@example.tw")

    client.force_login(alice)
    url = reverse("payments:funding_dashboard", kwargs={"project_id": listing.project_id})
    assert_queries_do_not_grow(build, client, url)
