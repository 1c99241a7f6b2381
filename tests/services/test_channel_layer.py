import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

pytestmark = pytest.mark.redis


def test_groups_deliver_through_redis_to_every_member():
    layer = get_channel_layer()

    async def exchange():
        first, second = await layer.new_channel(), await layer.new_channel()
        await layer.group_add("project-1", first)
        await layer.group_add("project-1", second)
        await layer.group_send("project-1", {"type": "funding.progress", "raised": 500})
        received = [await layer.receive(first), await layer.receive(second)]
        await layer.group_discard("project-1", first)
        await layer.group_discard("project-1", second)
        return received

    assert type(layer).__name__ == "RedisPubSubChannelLayer"
    assert async_to_sync(exchange)() == [{"type": "funding.progress", "raised": 500}] * 2


def test_one_group_send_reaches_the_members_of_every_server_process_and_no_one_who_left():
    """Each layer instance stands for one server process: the webhook's process publishes once, and every
    process hands the event to its own members; a channel discarded from the group hears nothing more."""
    from channels.layers import channel_layers

    def process_layer():
        return channel_layers.make_backend("default")

    first_process, second_process, webhook_process = process_layer(), process_layer(), process_layer()

    async def exchange():
        first, second = await first_process.new_channel(), await second_process.new_channel()
        leaving = await second_process.new_channel()
        for layer, channel in ((first_process, first), (second_process, second), (second_process, leaving)):
            await layer.group_add("project.7", channel)
        await second_process.group_discard("project.7", leaving)
        await webhook_process.group_send("project.7", {"type": "live.event", "raised": 700})
        received = [await first_process.receive(first), await second_process.receive(second)]
        await second_process.send(leaving, {"type": "direct"})  # a specific channel still works after leaving
        heard_by_leaving = await second_process.receive(leaving)
        for layer, channel in ((first_process, first), (second_process, second)):
            await layer.group_discard("project.7", channel)
        for layer in (first_process, second_process, webhook_process):
            await layer.flush()
        return received, heard_by_leaving

    received, heard_by_leaving = async_to_sync(exchange)()

    assert received == [{"type": "live.event", "raised": 700}] * 2
    assert heard_by_leaving == {"type": "direct"}
