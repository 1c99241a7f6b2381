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

    assert type(layer).__name__ == "RedisChannelLayer"
    assert async_to_sync(exchange)() == [{"type": "funding.progress", "raised": 500}] * 2
