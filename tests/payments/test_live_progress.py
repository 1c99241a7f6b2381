"""Live funding progress: the project page's socket (through config.asgi and Redis) and its HTTP catch-up."""

import datetime

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from config.asgi import application
from marketplace.models import DonationCampaign, ProjectListing
from payments import ledger
from payments.models import LedgerEntry
from tests.factories.accounts import UserFactory
from tests.factories.payments import paid_backing
from tests.factories.stripe import pay_through_webhook
from tests.helpers import socket_headers

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def listing(market):
    listing = ProjectListing.objects.get(project=market["rice"])
    DonationCampaign.objects.create(
        listing=listing,
        goal_twd=200_000,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        funding_model=DonationCampaign.Model.KEEP_WHAT_YOU_RAISE,
    )
    return listing


def record_payment(listing, backer, amount_twd, key):
    """What the payment webhook handler does once a charge is confirmed: one ledger entry, then announce it."""
    with transaction.atomic():
        paid_backing(listing, amount_twd, key=key, backer=backer, backer_email="")
        ledger.announce_progress(listing)


def _socket(project_id):
    return WebsocketCommunicator(application, f"/ws/projects/{project_id}/", headers=socket_headers())


def test_an_anonymous_visitor_receives_the_new_totals_after_the_ledger_commits(listing, market):
    backer = UserFactory(email="backer@example.tw")

    async def scenario():
        page = _socket(listing.project_id)
        other_project = _socket(listing.project_id)  # a second visitor of the same page
        assert (await page.connect())[0] and (await other_project.connect())[0]
        await database_sync_to_async(pay_through_webhook)(listing, backer, 1_234, "live_1")
        first, second = await page.receive_json_from(timeout=5), await other_project.receive_json_from(timeout=5)
        await page.disconnect()
        await other_project.disconnect()
        return first, second

    first, second = async_to_sync(scenario)()

    expected = {
        "event": "funding.progress",
        "payload": {"project_id": listing.project_id, "raised_twd": 1_234, "backers": 1, "goal_twd": 200_000},
    }
    assert first == expected and second == expected


def test_nothing_is_announced_when_the_payment_rolls_back(listing):
    backer = UserFactory(email="backer@example.tw")

    def failing_payment():
        try:
            with transaction.atomic():
                record_payment(listing, backer, 500, "ch_rolled_back")
                raise RuntimeError("the handler failed after recording")
        except RuntimeError:
            pass

    async def scenario():
        page = _socket(listing.project_id)
        await page.connect()
        await database_sync_to_async(failing_payment)()
        heard = not await page.receive_nothing(timeout=0.5)
        await page.disconnect()
        return heard

    assert async_to_sync(scenario)() is False
    assert not LedgerEntry.objects.exists()


def test_a_draft_project_or_a_page_without_a_listing_cannot_be_followed(market):
    for project in (market["draft"], market["oysters"]):  # a draft; a public page with no listing

        async def scenario(project_id=project.pk):
            page = _socket(project_id)
            connected, code = await page.connect()
            await page.disconnect()
            return connected, code

        assert async_to_sync(scenario)() == (False, 4404)


def test_another_projects_progress_does_not_reach_the_page(listing, market):
    """A forged event for another project reaching this group is dropped, not shown."""

    async def scenario():
        page = _socket(listing.project_id)
        await page.connect()
        await page.send_input(
            {
                "type": "live.event",
                "event": "funding.progress",
                "payload": {"project_id": listing.project_id + 1, "raised_twd": 9, "backers": 9, "goal_twd": None},
            }
        )
        heard = not await page.receive_nothing(timeout=0.5)
        await page.disconnect()
        return heard

    assert async_to_sync(scenario)() is False


def test_the_catch_up_endpoint_gives_the_same_figures_and_hides_drafts(client, listing, market):
    record_payment(listing, UserFactory(email="backer@example.tw"), 3_000, "ch_http")

    response = client.get(reverse("payments:funding_progress", kwargs={"project_id": listing.project_id}))

    assert response.json() == {
        "project_id": listing.project_id,
        "raised_twd": 3_000,
        "backers": 1,
        "goal_twd": 200_000,
    }
    draft = reverse("payments:funding_progress", kwargs={"project_id": market["draft"].pk})
    assert client.get(draft).status_code == 404


def test_the_project_page_loads_the_live_script_and_works_with_redis_down(client, listing, settings):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {**settings.CHANNEL_LAYERS["default"], "CONFIG": {"hosts": ["redis://127.0.0.1:9/0"]}}
    }
    channel_layers.backends.clear()
    try:
        record_payment(listing, UserFactory(email="backer@example.tw"), 700, "ch_redis_down")
        response = client.get(listing.project.url)
    finally:
        channel_layers.backends.clear()

    assert response.status_code == 200
    assert 'data-funding="raised">NT$700<' in response.text
    assert "js/funding.js" in response.text
    assert f'data-funding-project="{listing.project_id}"' in response.text
    assert LedgerEntry.objects.count() == 1
