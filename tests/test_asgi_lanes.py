"""The lanes of a web process are handed out first come, first served (config.asgi_http.Lanes)."""

import asyncio

import pytest

from config.asgi_http import Lanes


async def _hold_briefly(lanes, name, order):
    lane = await lanes.take()
    order.append(name)
    await asyncio.sleep(0)
    lanes.give_back(lane)


def test_a_lane_given_back_goes_to_the_longest_waiter_not_to_a_request_arriving_meanwhile():
    async def scenario():
        lanes = Lanes(["only"])
        order = []
        held = await lanes.take()
        waiting = asyncio.create_task(_hold_briefly(lanes, "waited", order))
        await asyncio.sleep(0)  # it now waits for the lane
        # A request that arrives in the same turn of the loop as the lane comes back runs before the waiter wakes;
        # an asyncio.Queue let it take the lane and sent the waiter to the back of the line.
        arriving = asyncio.create_task(_hold_briefly(lanes, "arrived", order))
        lanes.give_back(held)
        await asyncio.wait_for(asyncio.gather(waiting, arriving), timeout=5)
        return order

    assert asyncio.run(scenario()) == ["waited", "arrived"]


def test_waiters_are_served_in_arrival_order_and_the_lane_is_free_afterwards():
    async def scenario():
        lanes = Lanes(["first", "second"])
        order = []
        held = [await lanes.take(), await lanes.take()]
        tasks = []
        for number in range(6):
            tasks.append(asyncio.create_task(_hold_briefly(lanes, number, order)))
            await asyncio.sleep(0)
        for lane in held:
            lanes.give_back(lane)
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=5)
        return order, sorted([await lanes.take(), await lanes.take()])

    order, free = asyncio.run(scenario())
    assert order == [0, 1, 2, 3, 4, 5]
    assert free == ["first", "second"]


@pytest.mark.parametrize("cancelled_after_handing", [False, True], ids=["while waiting", "after being handed one"])
def test_a_cancelled_waiter_passes_the_lane_on(cancelled_after_handing):
    async def scenario():
        lanes = Lanes(["only"])
        order = []
        held = await lanes.take()
        gone = asyncio.create_task(_hold_briefly(lanes, "gone", order))
        await asyncio.sleep(0)
        next_in_line = asyncio.create_task(_hold_briefly(lanes, "next", order))
        await asyncio.sleep(0)
        if cancelled_after_handing:
            lanes.give_back(held)  # handed to "gone", which is cancelled before it runs again
            gone.cancel()
        else:
            gone.cancel()
            await asyncio.sleep(0)
            lanes.give_back(held)
        await asyncio.wait_for(next_in_line, timeout=5)
        with pytest.raises(asyncio.CancelledError):
            await gone
        return order, await asyncio.wait_for(lanes.take(), timeout=5)

    assert asyncio.run(scenario()) == (["next"], "only")
