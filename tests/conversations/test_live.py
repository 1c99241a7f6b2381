"""Conversation sockets through the real ASGI application (config.asgi) and the Redis channel layer."""

import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from config.asgi import application
from conversations import actions
from conversations.models import Message
from marketplace import actions as marketplace_actions
from tests.helpers import socket_headers

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _communicator(conversation_id, headers):
    return WebsocketCommunicator(application, f"/ws/conversations/{conversation_id}/", headers=headers)


def _connect_result(conversation_id, headers):
    async def scenario():
        communicator = _communicator(conversation_id, headers)
        connected, code = await communicator.connect()
        await communicator.disconnect()
        return connected, code

    return async_to_sync(scenario)()


def test_connecting_without_signing_in_is_refused(conversation):
    assert _connect_result(conversation.pk, socket_headers()) == (False, 4401)


def test_an_outsider_is_refused_and_so_is_a_conversation_that_does_not_exist(conversation, outsider, market):
    assert _connect_result(conversation.pk, socket_headers(outsider)) == (False, 4403)
    assert _connect_result(conversation.pk + 1000, socket_headers(market["dave"])) == (False, 4403)


def test_both_sides_receive_a_message_and_a_person_outside_receives_nothing(market, conversation, outsider):
    """Mallory has a conversation of her own open; Dave's message reaches Erin and Carol, never Mallory."""
    from accounts.models import Organisation
    from marketplace.models import CompanyProfile

    other_company = CompanyProfile.objects.create(
        organisation=outsider.organisations.get(kind=Organisation.Kind.COMPANY), unified_business_number="04595257"
    )
    interest = marketplace_actions.express_interest(outsider, other_company, market["rice"])
    marketplace_actions.advance_interest(market["erin"], interest, "accepted")
    interest.refresh_from_db()
    mallorys = interest.conversation
    erin_headers, mallory_headers = socket_headers(market["erin"]), socket_headers(outsider)
    client = Client()
    client.force_login(market["dave"])

    async def scenario():
        erin = _communicator(conversation.pk, erin_headers)
        mallory = _communicator(mallorys.pk, mallory_headers)
        assert (await erin.connect())[0] and (await mallory.connect())[0]
        # Sent over plain HTTP, as pages do; the socket only delivers.
        response = await database_sync_to_async(client.post)(
            reverse("conversations:send", kwargs={"pk": conversation.pk}),
            {"text": "明天 https://example.tw 見", "client_id": str(uuid.uuid4())},
            headers={"Accept": "application/json"},
        )
        delivered = await erin.receive_json_from(timeout=5)
        mallory_heard = not await mallory.receive_nothing(timeout=0.5)
        await erin.disconnect()
        await mallory.disconnect()
        return response.status_code, delivered, mallory_heard

    status, delivered, mallory_heard = async_to_sync(scenario)()

    assert status == 201
    assert delivered["event"] == "conversation.message"
    assert delivered["payload"]["author_name"] == "Dave"
    assert '<a href="https://example.tw" rel="nofollow">https://example.tw</a>' in delivered["payload"]["html"]
    assert mallory_heard is False


def test_a_message_sent_twice_is_stored_once_and_delivered_once(market, conversation):
    erin_headers = socket_headers(market["erin"])
    client_id = uuid.uuid4()

    async def scenario():
        erin = _communicator(conversation.pk, erin_headers)
        await erin.connect()
        for _attempt in range(2):
            await database_sync_to_async(actions.send_message)(
                market["dave"], conversation, text="只存一次", client_id=client_id
            )
        first = await erin.receive_json_from(timeout=5)
        second_delivery = not await erin.receive_nothing(timeout=0.5)
        await erin.disconnect()
        return first, second_delivery

    first, second_delivery = async_to_sync(scenario)()

    assert Message.objects.filter(client_id=client_id).count() == 1
    assert first["payload"]["id"] == Message.objects.get(client_id=client_id).pk
    assert second_delivery is False


def test_read_markers_are_delivered(market, conversation):
    message, _created = actions.send_message(market["dave"], conversation, text="讀了嗎", client_id=uuid.uuid4())
    dave_headers = socket_headers(market["dave"])

    async def scenario():
        dave = _communicator(conversation.pk, dave_headers)
        await dave.connect()
        await database_sync_to_async(actions.mark_read)(market["erin"], conversation)
        event = await dave.receive_json_from(timeout=5)
        await dave.disconnect()
        return event

    event = async_to_sync(scenario)()
    assert event["event"] == "conversation.read"
    assert (event["payload"]["user_id"], event["payload"]["last_read_id"]) == (market["erin"].pk, message.pk)


def test_someone_who_leaves_their_organisation_is_disconnected_on_the_next_event(market, conversation):
    dave_headers = socket_headers(market["dave"])

    async def scenario():
        dave = _communicator(conversation.pk, dave_headers)
        await dave.connect()
        await database_sync_to_async(
            Membership.objects.filter(user=market["dave"], organisation=market["company_org"]).delete
        )()
        await database_sync_to_async(actions.send_message)(
            market["erin"], conversation, text="還在嗎", client_id=uuid.uuid4()
        )
        output = await dave.receive_output(timeout=5)
        await dave.disconnect()
        return output

    assert async_to_sync(scenario)() == {"type": "websocket.close", "code": 4403}


def test_anything_sent_on_the_socket_gets_an_error_frame_and_stores_nothing(market, conversation):
    dave_headers = socket_headers(market["dave"])

    async def scenario():
        dave = _communicator(conversation.pk, dave_headers)
        await dave.connect()
        await dave.send_json_to({"text": "用 socket 送"})
        frame = await dave.receive_json_from(timeout=5)
        await dave.disconnect()
        return frame

    frame = async_to_sync(scenario)()
    assert frame["event"] == "error" and frame["payload"]["code"] == "send_over_http"
    assert not Message.objects.exists()


def test_removal_from_the_organisation_closes_the_socket_at_once(market, conversation):
    """#17.6: no event needed: removing Dave (accounts.actions.remove_member) closes his open conversation."""
    from accounts import actions as account_actions

    dave_headers = socket_headers(market["dave"])
    membership = Membership.objects.get(user=market["dave"], organisation=market["company_org"])

    async def scenario():
        dave = _communicator(conversation.pk, dave_headers)
        assert (await dave.connect())[0]
        await database_sync_to_async(account_actions.remove_member)(market["carol"], membership)
        output = await dave.receive_output(timeout=5)
        await dave.disconnect()
        return output

    assert async_to_sync(scenario)() == {"type": "websocket.close", "code": 4403}


@pytest.mark.parametrize(
    "frame",
    [{"text_data": "not json"}, {"bytes_data": b"\x00\xff"}, {"text_data": "[" * 100_000}],
    ids=["text", "binary", "nested"],
)
def test_a_frame_that_is_not_json_is_answered_and_the_socket_stays_open(market, conversation, frame):
    """It raised in the consumer: the socket dropped with an internal error and a server error was logged."""
    headers = socket_headers(market["erin"])

    async def scenario():
        communicator = _communicator(conversation.pk, headers)
        assert (await communicator.connect())[0]
        await communicator.send_to(**frame)
        refused = await communicator.receive_json_from(timeout=5)
        await communicator.send_json_to({"text": "still here"})
        answered = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return refused, answered

    refused, answered = async_to_sync(scenario)()
    assert refused["event"] == "error" and refused["payload"]["code"] == "not_json"
    assert answered["payload"]["code"] == "send_over_http", "the socket still answers"
