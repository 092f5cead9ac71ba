"""First-come first-served lanes to a pool's workers, for one event loop (see `supervisor`)."""

from __future__ import annotations

import asyncio
from collections import deque

__all__ = ["Lanes"]


class Lanes:
    """First-come first-served lanes to the workers of one event loop: `size` regular lanes and, if
    `spare`, one spare lane that only a query finding every regular lane taken may use."""

    def __init__(self, size: int, *, spare: bool) -> None:
        self.regular_free = size
        self.spare_free = spare
        self.waiters: deque[tuple[asyncio.Future[str], bool]] = deque()

    async def acquire(self, *, spare_ok: bool) -> str:
        """The lane ("regular" or "spare") this caller now holds; give it back with `release`."""
        if self.regular_free and not self.waiters:
            self.regular_free -= 1
            return "regular"
        if spare_ok and self.spare_free and not any(ok for _, ok in self.waiters):
            self.spare_free = False
            return "spare"
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        entry = (future, spare_ok)
        self.waiters.append(entry)
        try:
            return await future
        except BaseException:
            if entry in self.waiters:
                self.waiters.remove(entry)
            elif future.done() and not future.cancelled():
                self.release(future.result())  # handed a lane just as we were cancelled: pass it on
            raise

    def release(self, lane: str) -> None:
        """Give `lane` to the first waiter that may use it, or mark it free."""
        for entry in self.waiters:
            future, spare_ok = entry
            if future.done():
                continue
            if lane == "regular" or spare_ok:
                self.waiters.remove(entry)
                future.set_result(lane)
                return
        if lane == "regular":
            self.regular_free += 1
        else:
            self.spare_free = True
