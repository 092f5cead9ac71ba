"""A pool of query worker processes: every query runs outside the caller's process, under hard limits.

Each worker (`shfz_graph.worker`) opens the on-disk query store read-only and answers one job at a time.
The caller waits on the worker's answer pipe, whose end-of-file is also its death, so a worker that dies
(past its memory limit) is noticed at once, not at the timeout. Past the time limit the worker is killed,
not abandoned, and a fresh one takes its place; the other workers go on serving. Workers are forked from
a template process that has imported what a query needs, so they share those pages and start in
milliseconds.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from shfz_graph import defaults
from shfz_graph.errors import QueryLimitExceeded, QueryTimeout, ShfzError, WorkerFailure
from shfz_graph.lanes import Lanes
from shfz_graph.worker import Answer, Job
from shfz_graph.workers import WorkerHandle, WorkerTemplate, rebuild_error

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_MEMORY", "QueryPool", "default_size"]

DEFAULT_MAX_MEMORY = defaults.MAX_MEMORY
DEFAULT_MAX_BYTES = defaults.MAX_BYTES
DEFAULT_SPARE_BUDGET = 0.5  # seconds a query may run on the spare worker before it must wait its turn
default_size = defaults.workers


def _settle(future: asyncio.Future[bool], value: bool) -> None:
    """Settle `future` with `value` unless it already is (the answer and the timer race)."""
    if not future.done():
        future.set_result(value)


class _SpareExpired(Exception):
    """A query ran past the spare worker's budget (it goes back to wait for a regular worker)."""


def _kill_all(workers: set[WorkerHandle], template: WorkerTemplate) -> None:
    for worker in list(workers):
        worker.kill()
    template.close()


class QueryPool:
    """Worker processes over one on-disk store, each query under a time, memory and answer-size limit.

    Thread-safe: `run` may be called from many threads; a call waits for a free worker. `size` defaults
    to the number of cores; `max_memory` is each worker's address-space limit in bytes (None: none).
    """

    def __init__(
        self,
        store_path: Path | str,
        *,
        size: int | None = None,
        max_memory: int | None = DEFAULT_MAX_MEMORY,
        spare: bool = False,
        spare_budget: float = DEFAULT_SPARE_BUDGET,
    ) -> None:
        self.store_path = Path(store_path)
        self.size = size if size is not None else default_size()
        if self.size < 1:
            raise ShfzError(f"a query pool needs at least one worker (got {self.size})")
        if max_memory is not None and max_memory <= 0:
            raise ShfzError(f"max_memory must be positive, or None for no limit (got {max_memory})")
        self.max_memory = max_memory
        self._idle: list[WorkerHandle] = []  # most recently used last
        self._all: set[WorkerHandle] = set()
        self._lock = threading.Condition()
        self._closed = False
        self._loop_lanes: tuple[asyncio.AbstractEventLoop, Lanes] | None = None
        if spare_budget <= 0:
            raise ShfzError(f"spare_budget must be positive (got {spare_budget})")
        self.spare = spare
        self.spare_budget = spare_budget
        self._spare_worker: WorkerHandle | None = None
        self._slow: OrderedDict[int, None] = OrderedDict()  # hashes of texts past the spare's budget
        self._template = WorkerTemplate()
        # a pool dropped without close() leaves no process
        weakref.finalize(self, _kill_all, self._all, self._template)
        for _ in range(self.size):
            self._release(self._spawn())
        if spare:
            self._spare_worker = self._spawn()

    def _spawn(self) -> WorkerHandle:
        worker = WorkerHandle(self._template, self.store_path, self.max_memory)
        with self._lock:
            closed = self._closed
            if not closed:
                self._all.add(worker)
        if closed:  # the pool closed while this one was starting: close() did not see it
            worker.kill()
            raise WorkerFailure("the query was stopped: the query pool is closed")
        return worker

    def _release(self, worker: WorkerHandle) -> None:
        with self._lock:
            worker.in_use = False
            closed = self._closed
            if not closed:
                self._idle.append(worker)
                self._lock.notify()
        if closed:  # close() only stopped it, as a query was running on it
            worker.kill()

    def _acquire(self) -> WorkerHandle:
        """A free worker, waiting for one; one that has opened the store is preferred to one starting."""
        with self._lock:
            while not self._idle and not self._closed:
                self._lock.wait()
            if self._closed:
                self._lock.notify()  # pass the news on to the next waiter
                raise WorkerFailure("the query was stopped: the query pool is closed")
            chosen = len(self._idle) - 1
            for i in range(len(self._idle) - 1, -1, -1):
                candidate = self._idle[i]
                if candidate.ready or candidate.recv_conn.poll():
                    chosen = i
                    break
            worker = self._idle.pop(chosen)
            worker.in_use = True
            return worker

    def _retire(self, worker: WorkerHandle) -> None:
        """Kill a worker and, unless the pool is closing, put a fresh one in its place."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            closed = self._closed
        if not closed:
            self._release(self._spawn())  # WorkerFailure if the pool closes meanwhile

    def warm_up(self) -> None:
        """Wait until every worker has opened the store (fails early if the store cannot be opened)."""
        with self._lock:
            workers = list(self._idle)
            if self._spare_worker is not None:
                workers.append(self._spare_worker)
        for worker in workers:
            worker.wait_ready()

    def run(self, job: Job, *, timeout: float | None) -> Answer:
        """Run `job` in a free worker; QueryTimeout past `timeout` seconds, QueryLimitExceeded past the
        memory or answer-size limit (the worker is replaced), the query's own error otherwise."""
        worker = self._acquire()
        try:
            worker.wait_ready()
        except BaseException:
            self._retire(worker)
            raise
        try:
            worker.send_conn.send(job)
            reply = worker.receive(timeout)
        except (EOFError, OSError):
            how = worker.how_it_ended()
            self._retire(worker)
            raise self._death(how) from None
        except BaseException:  # e.g. KeyboardInterrupt while waiting: the query must not go on
            self._retire(worker)  # (a notebook user who interrupts a query runs the next one)
            raise
        return self._outcome(worker, job, reply, timeout)

    async def run_async(self, job: Job, *, timeout: float | None) -> Answer:
        """`run` for an asyncio event loop: waits for a free worker and for the answer without holding a
        thread (the answer pipe is watched by the loop). A cancelled call kills its worker.

        With a spare worker, a query that finds every worker busy runs on the spare at once, but only for
        `spare_budget` seconds: past that its spare is killed and replaced, and the query waits for a
        regular worker with the rest of its time. So quick queries keep being answered while long ones
        (hostile or honest) hold every regular worker, and no query is refused for being long. A query
        text once seen to run past the budget is not sent to the spare again.
        """
        lanes = self._lanes()
        lane = await lanes.acquire(spare_ok=self.spare and hash(job.text) not in self._slow)
        if lane == "spare":
            budget = self.spare_budget if timeout is None else min(self.spare_budget, timeout)
            try:
                return await self._run_on(self._take_spare, lanes, lane, job, budget, spare=True)
            except _SpareExpired:
                self._remember_slow(job.text)
                timeout = None if timeout is None else timeout - budget
                if timeout is not None and timeout <= 0:
                    raise QueryTimeout(f"query took longer than the time limit of {budget:g} s") from None
            lane = await lanes.acquire(spare_ok=False)
        started = time.monotonic()
        try:
            return await self._run_on(self._acquire, lanes, lane, job, timeout, spare=False)
        finally:
            if self.spare and time.monotonic() - started > self.spare_budget:
                self._remember_slow(job.text)

    def _remember_slow(self, text: str) -> None:
        """Keep a query that ran past the spare's budget off the spare from now on (it would only be
        killed there again, wasting the spare's time); the hashes of the most recent 1024 are kept (a
        text may be a megabyte; two texts sharing a hash only keep the other off the spare too)."""
        key = hash(text)
        self._slow[key] = None
        self._slow.move_to_end(key)
        if len(self._slow) > 1024:
            self._slow.popitem(last=False)

    async def _run_on(
        self,
        take: Callable[[], WorkerHandle],
        lanes: Lanes,
        lane: str,
        job: Job,
        timeout: float | None,
        *,
        spare: bool,
    ) -> Answer:
        """Run `job` on the worker `take` gives (the lane is held); the lane is given back at the end."""
        loop = asyncio.get_running_loop()
        retire = self._retire_spare if spare else self._retire
        try:
            worker = take()  # never waits: holding a lane means its worker is free
            try:
                if not worker.ready:
                    await loop.run_in_executor(None, worker.wait_ready)
            except BaseException:
                retire(worker)
                raise
            fd = worker.recv_conn.fileno()
            outcome: asyncio.Future[bool] = loop.create_future()  # True: answered; False: out of time
            try:
                worker.send_conn.send(job)
                loop.add_reader(fd, _settle, outcome, True)
                timer = None if timeout is None else loop.call_later(timeout, _settle, outcome, False)
                try:
                    answered = await outcome
                finally:
                    loop.remove_reader(fd)
                    if timer is not None:
                        timer.cancel()
                reply = None
                if answered:
                    # uvloop leaves a watched descriptor non-blocking, and the rest of a large answer may
                    # still be on its way: read it blocking
                    os.set_blocking(fd, True)
                    reply = worker.recv_conn.recv()
            except (EOFError, OSError):
                how = worker.how_it_ended()
                retire(worker)
                raise self._death(how) from None
            except BaseException:  # cancelled: the query must not go on
                retire(worker)
                raise
            if spare and reply is None:
                retire(worker)
                raise _SpareExpired
            if spare:
                return self._outcome(worker, job, reply, timeout, put_back=self._put_back_spare)
            return self._outcome(worker, job, reply, timeout)
        finally:
            lanes.release(lane)

    def _lanes(self) -> Lanes:
        """The regular and spare lanes, for the event loop running now (made on first use in it)."""
        loop = asyncio.get_running_loop()
        if self._loop_lanes is None or self._loop_lanes[0] is not loop:
            self._loop_lanes = (loop, Lanes(self.size, spare=self.spare))
        return self._loop_lanes[1]

    def _take_spare(self) -> WorkerHandle:
        with self._lock:
            if self._closed:
                raise WorkerFailure("the query was stopped: the query pool is closed")
            worker = self._spare_worker
            if worker is None:
                worker = self._spare_worker = self._spawn()
            worker.in_use = True
            return worker

    def _put_back_spare(self, worker: WorkerHandle) -> None:
        """The spare stays where it is between queries (killed if the pool closed meanwhile)."""
        with self._lock:
            worker.in_use = False
            closed = self._closed
        if closed:
            worker.kill()

    def _retire_spare(self, worker: WorkerHandle) -> None:
        """Kill the spare and start its successor now, so it is ready for the next quick query."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            if self._spare_worker is worker:
                self._spare_worker = None
            closed = self._closed
        if not closed:
            successor = self._spawn()
            with self._lock:
                if self._closed:
                    successor.kill()
                else:
                    self._spare_worker = successor

    def _outcome(
        self,
        worker: WorkerHandle,
        job: Job,
        reply: Any,
        timeout: float | None,
        *,
        put_back: Callable[[WorkerHandle], None] | None = None,
    ) -> Answer:
        """The answer in a worker's reply, or the error it stands for; the worker is put back or replaced."""
        spare = put_back is not None
        if reply is None:
            (self._retire_spare if spare else self._retire)(worker)
            raise QueryTimeout(f"query took longer than the time limit of {timeout:g} s")
        kind = reply[0]
        if kind == "limit" and reply[1] == "memory":
            # after a MemoryError its heap may be fragmented: start afresh
            (self._retire_spare if spare else self._retire)(worker)
        else:
            (put_back or self._release)(worker)
        if kind == "ok":
            answer: Answer = reply[1]
            return answer
        if kind == "limit":
            raise self._limit(reply[1], job)
        raise rebuild_error(reply)

    def _death(self, how: str) -> ShfzError:
        if self._closed:
            return WorkerFailure("the query was stopped: the server is shutting down")
        if self.max_memory is None:
            return WorkerFailure(f"the query worker died ({how})")
        return QueryLimitExceeded(
            "memory",
            f"query exceeded the memory limit of {self.max_memory >> 20} MiB and was stopped ({how})",
        )

    def _limit(self, which: str, job: Job) -> QueryLimitExceeded:
        if which == "memory":
            limit = "?" if self.max_memory is None else str(self.max_memory >> 20)
            return QueryLimitExceeded("memory", f"query exceeded the memory limit of {limit} MiB")
        return QueryLimitExceeded(
            "answer-bytes", f"the answer exceeded the size limit of {job.max_bytes} bytes"
        )

    def close(self) -> None:
        """Stop every worker now (queries still running fail with WorkerFailure); idempotent."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
            self._idle.clear()
            self._spare_worker = None
            self._lock.notify_all()  # wakes every caller still waiting for a worker
            busy = {worker for worker in workers if worker.in_use}
        for worker in workers:
            # a busy worker's pipes are closed by the query running on it, once it sees the death
            if worker in busy:
                worker.stop()
            else:
                worker.kill()
        self._template.close()

    def __enter__(self) -> QueryPool:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
