"""Fault tests (#17, "Keep it from coming back"): Stripe and Elasticsearch refused and hung.

Real faults, no mocks: "refused" is a port where nothing listens; "hung" is a socket that accepts every connection and
never answers. Each feature answers within 2 s with its own message, nothing 500s, nothing written is lost. (Redis
refused and hung: tests/test_redis_outage.py.)
"""

import time

import pytest
from django.urls import reverse

from config.settings import base as production_defaults
from payments.models import Backing
from tests.helpers import hung_server, refused_port

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

WITHIN_SECONDS = 2


@pytest.fixture(params=["refused", "hung"])
def broken_address(request):
    if request.param == "refused":
        yield ("127.0.0.1", refused_port())
    else:
        with hung_server() as address:
            yield address


def timed(call):
    started = time.perf_counter()
    response = call()
    return response, time.perf_counter() - started


def test_production_timeouts_fit_the_two_seconds():
    assert production_defaults.STRIPE_TIMEOUT_SECONDS < WITHIN_SECONDS
    assert production_defaults.STRIPE_MAX_NETWORK_RETRIES == 0
    assert production_defaults.HOMEWARD_SEARCH["TIMEOUT_SECONDS"] < WITHIN_SECONDS


def test_a_donation_says_stripe_cannot_be_reached_in_two_seconds(client, listing, campaign, settings, broken_address):
    settings.STRIPE_TIMEOUT_SECONDS = production_defaults.STRIPE_TIMEOUT_SECONDS
    settings.STRIPE_MAX_NETWORK_RETRIES = production_defaults.STRIPE_MAX_NETWORK_RETRIES
    host, port = broken_address
    settings.STRIPE_API_BASE = f"http://{host}:{port}"
    url = "/en" + reverse("payments:donate", kwargs={"project_id": listing.project_id})[len("/zh-hant") :]

    response, seconds = timed(lambda: client.post(url, {"suggested": "300"}))

    assert response.status_code == 400
    assert "The payment service could not be reached, so nothing was charged." in response.text
    assert seconds < WITHIN_SECONDS
    assert list(Backing.objects.values_list("status", flat=True)) == ["expired"], "no pending row left behind"
    assert client.get(listing.project.url).status_code == 200, "the project page itself does not need Stripe"


def test_a_subscription_says_stripe_cannot_be_reached_within_two_seconds(client, plan, bob, settings, broken_address):
    settings.STRIPE_TIMEOUT_SECONDS = production_defaults.STRIPE_TIMEOUT_SECONDS
    settings.STRIPE_MAX_NETWORK_RETRIES = production_defaults.STRIPE_MAX_NETWORK_RETRIES
    host, port = broken_address
    settings.STRIPE_API_BASE = f"http://{host}:{port}"
    client.force_login(bob)
    url = reverse("payments:subscribe", kwargs={"project_id": plan.listing.project_id, "plan_id": plan.pk})

    response, seconds = timed(lambda: client.post(url, {"name": "Bob"}))

    assert response.status_code == 400 and seconds < WITHIN_SECONDS
    assert list(Backing.objects.values_list("status", flat=True)) == ["expired"]
