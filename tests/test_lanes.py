"""Lanes to the workers: first come, first served; the spare only for those allowed it; none lost."""

from __future__ import annotations

import asyncio

from shfz_graph.workers.lanes import Lanes


def test_lanes_are_first_come_first_served_and_the_spare_only_for_those_allowed() -> None:
    async def scenario() -> list[str]:
        lanes = Lanes(1, spare=True)
        order: list[str] = []
        assert await lanes.acquire(spare_ok=True) == "regular"
        assert await lanes.acquire(spare_ok=True) == "spare"  # every regular lane taken: the spare

        async def waiter(name: str, spare_ok: bool) -> None:
            lane = await lanes.acquire(spare_ok=spare_ok)
            order.append(f"{name}:{lane}")

        tasks = [asyncio.create_task(waiter("a", False)), asyncio.create_task(waiter("b", True))]
        await asyncio.sleep(0)
        lanes.release("spare")  # "a" may not use it: it goes to "b", who came later
        await asyncio.sleep(0)
        lanes.release("regular")
        await asyncio.gather(*tasks)
        lanes.release("regular")
        lanes.release("spare")
        assert (lanes.regular_free, lanes.spare_free, list(lanes.waiters)) == (1, True, [])
        return order

    assert asyncio.run(scenario()) == ["b:spare", "a:regular"]


def test_a_cancelled_waiter_passes_its_lane_on() -> None:
    async def scenario() -> str:
        lanes = Lanes(1, spare=False)
        await lanes.acquire(spare_ok=False)
        first = asyncio.create_task(lanes.acquire(spare_ok=False))
        second = asyncio.create_task(lanes.acquire(spare_ok=False))
        await asyncio.sleep(0)
        lanes.release("regular")  # handed to `first` ...
        first.cancel()  # ... who is cancelled before it runs: `second` must get it
        lane = await asyncio.wait_for(second, 1)
        assert first.cancelled()
        return lane

    assert asyncio.run(scenario()) == "regular"
