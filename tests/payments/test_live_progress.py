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
from marketplace.models import ProjectListing
from payments import ledger
from payments.models import LedgerEntry
from tests.factories.accounts import UserFactory
from tests.factories.payments import open_campaign, paid_backing
from tests.factories.stripe import pay_through_webhook
from tests.helpers import socket_headers

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def listing(market):
    listing = ProjectListing.objects.get(project=market["rice"])
    open_campaign(listing, 200_000)
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


@pytest.fixture
def folding(settings):
    """What folds a project's live progress in production: a task queue that defers, a one-second interval."""
    from django.core.cache import cache

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.LIVE_PROGRESS_INTERVAL_SECONDS = 1
    cache.clear()
    yield settings
    cache.clear()


def _folded_tasks():
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.filter(task_path="payments.tasks.send_funding_progress"))


def _receive_all(page, wait=0.4):
    """Every message the page received until it was quiet for `wait` seconds."""

    async def receive():
        received = []
        while not await page.receive_nothing(timeout=wait):
            received.append(await page.receive_json_from())
        return received

    return receive()


def _heard_while_paying(listing, backer, keys):
    """What a page open on the project receives while `backer` pays NT$100 once per key, one payment after another."""

    async def scenario():
        page = _socket(listing.project_id)
        assert (await page.connect())[0]
        for key in keys:
            await database_sync_to_async(pay_through_webhook)(listing, backer, 100, key)
        received = await _receive_all(page)
        await page.disconnect()
        return received

    return async_to_sync(scenario)()


def test_a_burst_of_payments_reaches_open_pages_as_the_first_and_then_one_message_with_the_last_totals(
    listing, folding
):
    """A campaign paid faster than once a second: the first payment is announced at once, the others are folded
    into one message that the worker sends a second later with the totals it reads then (payments.live)."""
    from django.core.cache import cache

    from payments.live import send_folded_progress

    backers = [UserFactory(email=f"burst{n}@example.tw") for n in range(5)]

    async def scenario():
        page = _socket(listing.project_id)
        assert (await page.connect())[0]
        for n, backer in enumerate(backers):
            await database_sync_to_async(pay_through_webhook)(listing, backer, 100 * (n + 1), f"burst_{n}")
        during_the_burst = await _receive_all(page)
        folded = await database_sync_to_async(_folded_tasks)()
        # What the worker runs once the task is due.
        await database_sync_to_async(send_folded_progress)(folded[0].args_kwargs["args"][0])
        after_the_interval = await _receive_all(page)
        await page.disconnect()
        return during_the_burst, folded, after_the_interval

    started = timezone.now()
    during_the_burst, folded, after_the_interval = async_to_sync(scenario)()

    assert [message["payload"] for message in during_the_burst] == [
        {"project_id": listing.project_id, "raised_twd": 100, "backers": 1, "goal_twd": 200_000}
    ]
    assert len(folded) == 1 and folded[0].args_kwargs["args"] == [listing.pk]
    # Due one interval after a payment of the burst (measured against the burst, not the clock now: a busy machine
    # may take longer than the interval to run the rest of the test).
    assert started < folded[0].run_after - datetime.timedelta(seconds=1) <= timezone.now()
    assert [message["payload"] for message in after_the_interval] == [
        {"project_id": listing.project_id, "raised_twd": 1_500, "backers": 5, "goal_twd": 200_000}
    ]

    # The folded message lifted its mark: the next burst folds into a task of its own.
    cache.delete(f"payments:progress-sent:{listing.project_id}")  # the interval has passed
    pay_through_webhook(listing, backers[0], 50, "after_1")
    pay_through_webhook(listing, backers[1], 50, "after_2")
    assert len(_folded_tasks()) == 2


def test_with_the_interval_at_zero_every_payment_is_announced_by_itself(listing, folding):
    folding.LIVE_PROGRESS_INTERVAL_SECONDS = 0

    received = _heard_while_paying(listing, UserFactory(email="every@example.tw"), [f"each_{n}" for n in range(3)])

    assert [message["payload"]["raised_twd"] for message in received] == [100, 200, 300]
    assert [message["payload"]["backers"] for message in received] == [1, 1, 1]
    assert _folded_tasks() == []


def test_a_payment_reads_nothing_after_its_ledger_statement_and_counts_people_after_the_commit(listing):
    """The ledger statement locks the year's receipt number and the project's totals until the commit: every other
    payment waits on them, so it is the payment transaction's last statement, and the count of people behind the
    project (a read of all its backings) is made once the payment has committed."""
    from django.db import connection

    statements = []

    def record(execute, sql, params, many, context):
        # The outermost atomic block the statement runs in (the object itself: the receipt's own transaction, run
        # after the commit, is another one).
        statements.append((sql, connection.atomic_blocks[0] if connection.atomic_blocks else None))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        pay_through_webhook(listing, UserFactory(email="ordered@example.tw"), 800, "ordered")

    payment = next(block for sql, block in statements if 'INSERT INTO "payments_stripeevent"' in sql)
    in_transaction = [sql for sql, block in statements if block is payment]
    ledger_statement = next(n for n, sql in enumerate(in_transaction) if '"payments_receiptsequence"' in sql)
    assert ledger_statement == len(in_transaction) - 1, in_transaction[ledger_statement:]
    counts = [block for sql, block in statements if "COUNT(DISTINCT" in sql]
    assert counts and all(block is None for block in counts)


def test_with_the_in_memory_channel_layer_every_payment_is_announced_by_the_web_process(listing, folding):
    """The embedded set-up (`make run`): a worker's message would reach no page, so nothing is folded."""
    from channels.layers import channel_layers

    folding.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    backer = UserFactory(email="embedded@example.tw")
    try:
        received = _heard_while_paying(listing, backer, [f"embedded_{n}" for n in range(3)])
    finally:
        channel_layers.backends.clear()

    assert [message["payload"]["raised_twd"] for message in received] == [100, 200, 300]
    assert _folded_tasks() == []


def _withdraw(project, how):
    if how == "unpublished":
        project.unpublish()
    elif how == "restricted":  # still live, but behind a password: no longer public
        from wagtail.models import PageViewRestriction

        PageViewRestriction.objects.create(page=project, restriction_type="password", password="team-only")
    else:
        project.delete()


@pytest.mark.parametrize("how", ["unpublished", "restricted", "deleted"])
def test_an_open_page_closes_as_soon_as_its_project_stops_being_public(listing, market, how):
    """At the change itself, not at the next payment: nothing is paid here."""
    project_id = listing.project_id
    ProjectListing.objects.create(project=market["bamboo"], enterprise=market["enterprise"])

    async def scenario():
        page = _socket(project_id)
        neighbour = _socket(market["bamboo"].pk)  # another public project's page stays open
        assert (await page.connect())[0] and (await neighbour.connect())[0]
        await database_sync_to_async(_withdraw)(market["rice"], how)
        closed = await page.receive_output(timeout=5)
        neighbour_silent = await neighbour.receive_nothing(timeout=0.5)
        await neighbour.disconnect()
        return closed, neighbour_silent

    closed, neighbour_silent = async_to_sync(scenario)()

    assert closed == {"type": "websocket.close", "code": 4404}
    assert neighbour_silent


def test_an_unpublish_that_rolls_back_leaves_the_page_open(listing, market):
    def unpublish_then_fail():
        try:
            with transaction.atomic():
                market["rice"].unpublish()
                raise RuntimeError("the change failed after the unpublish")
        except RuntimeError:
            pass

    async def scenario():
        page = _socket(listing.project_id)
        assert (await page.connect())[0]
        await database_sync_to_async(unpublish_then_fail)()
        silent = await page.receive_nothing(timeout=0.5)
        await page.disconnect()
        return silent

    assert async_to_sync(scenario)() is True
