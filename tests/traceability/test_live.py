"""Live readings on the project page: the socket (through config.asgi and Redis) hears a device's post."""

import datetime
import json
import time

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from config.asgi import application
from tests.factories.traceability import device_with_token, readings
from tests.helpers import socket_headers

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _socket(project_id):
    return WebsocketCommunicator(application, f"/ws/trace/projects/{project_id}/", headers=socket_headers())


def _post(token, rows):
    return Client().post(
        "/api/trace/readings/",
        json.dumps({"readings": rows}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_an_open_project_page_hears_the_newest_public_values_a_device_posts(listing, alice):
    device, token = device_with_token(
        alice, listing, measures=("water_temperature", "salinity"), public=("water_temperature",)
    )
    start = (timezone.now() - datetime.timedelta(minutes=10)).replace(second=0, microsecond=0)
    rows = readings("water_temperature", start, 3, value=27.0, step=0.5) + readings("salinity", start, 3, value=12)

    async def scenario():
        page = _socket(listing.project_id)
        connected, _code = await page.connect()
        assert connected
        sent_at = time.perf_counter()
        response = await database_sync_to_async(_post)(token, rows)
        message = await page.receive_json_from(timeout=5)
        latency = time.perf_counter() - sent_at
        await page.disconnect()
        return response.status_code, message, latency

    status, message, latency = async_to_sync(scenario)()

    assert status == 201
    assert message["event"] == "trace.readings"
    payload = message["payload"]
    assert payload["project_id"] == listing.project_id and payload["device_id"] == device.pk
    assert list(payload["latest"]) == ["water_temperature"]  # salinity stays with the team
    assert payload["latest"]["water_temperature"][1] == 28.0
    assert latency < 5


def test_a_project_without_public_device_data_cannot_be_followed(listing, alice):
    device_with_token(alice, listing, measures=("ph",), public=())

    async def scenario():
        page = _socket(listing.project_id)
        connected, code = await page.connect()
        await page.disconnect()
        return connected, code

    assert async_to_sync(scenario)() == (False, 4404)


def _take_offline(project, how):
    if how == "unpublished":
        project.unpublish()
    else:  # still live, but behind a password: no longer public
        from wagtail.models import PageViewRestriction

        PageViewRestriction.objects.create(page=project, restriction_type="password", password="team-only")


@pytest.mark.parametrize("how", ["unpublished", "restricted"])
def test_an_open_page_hears_no_more_readings_once_the_project_is_no_longer_public(listing, alice, how):
    _device, token = device_with_token(alice, listing, measures=("water_temperature",), public=("water_temperature",))
    start = (timezone.now() - datetime.timedelta(minutes=10)).replace(second=0, microsecond=0)

    async def scenario():
        page = _socket(listing.project_id)
        connected, _code = await page.connect()
        assert connected
        first = await database_sync_to_async(_post)(token, readings("water_temperature", start, 1, value=26.0))
        heard = await page.receive_json_from(timeout=5)
        await database_sync_to_async(_take_offline)(listing.project, how)
        second = await database_sync_to_async(_post)(token, readings("water_temperature", start, 3, value=30.0))
        closed = await page.receive_output(timeout=5)
        silent = await page.receive_nothing(timeout=0.5)
        again = _socket(listing.project_id)
        reconnected, code = await again.connect()
        return first.status_code, heard, second.status_code, closed, silent, (reconnected, code)

    first, heard, second, closed, silent, reconnect = async_to_sync(scenario)()

    assert first == 201 and heard["payload"]["latest"]["water_temperature"][1] == 26.0
    assert second == 201  # the device's readings are still stored for the team
    assert closed == {"type": "websocket.close", "code": 4404}  # not the readings of 30.0
    assert silent
    assert reconnect == (False, 4404)


@pytest.mark.parametrize("how", ["unpublished", "restricted"])
def test_an_open_page_closes_when_the_project_stops_being_public_before_any_push(listing, alice, how):
    device_with_token(alice, listing, measures=("water_temperature",), public=("water_temperature",))

    async def scenario():
        page = _socket(listing.project_id)
        connected, _code = await page.connect()
        assert connected
        await database_sync_to_async(_take_offline)(listing.project, how)
        return await page.receive_output(timeout=5)

    assert async_to_sync(scenario)() == {"type": "websocket.close", "code": 4404}
