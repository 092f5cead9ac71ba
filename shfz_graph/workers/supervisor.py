"""The pool of query workers and its supervisor: every query runs outside the caller's process, under
hard limits, and the pool survives the failures of its own parts.

In the manner of gunicorn's arbiter, one owner keeps the worker table: a supervising thread restores the
number of workers (and the spare) whenever one leaves, backing off when forks fail, so no caller ever
forks or waits for a fork on an event loop. Each death is told by its cause:

- past the time limit we kill the worker: `QueryTimeout`;
- a `MemoryError` the worker reports, or an abort (SIGABRT: Rust's answer to a failed allocation) while a
  memory limit holds: `QueryLimitExceeded("memory")`;
- a crash (SIGSEGV, SIGBUS) while reading or running a query: the engine's stack ran out on a text nested
  or chained too deeply, a `QuerySyntaxError` (400) that says so;
- anything else (killed from outside, the fork server killed, an exit): `WorkerDied` (500), never a limit.

A worker found dead before it is handed a query (its answer pipe at end-of-file while idle, or a broken
job pipe) costs no query: it is replaced and the query goes to another.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from shfz_graph import defaults
from shfz_graph.errors import (
    QueryLimitExceeded,
    QuerySyntaxError,
    QueryTimeout,
    ShfzError,
    WorkerDied,
    WorkerFailure,
)
from shfz_graph.workers.forkserver import ForkServer
from shfz_graph.workers.handle import WorkerHandle, describe_status
from shfz_graph.workers.lanes import Lanes
from shfz_graph.workers.wire import Answer, Job, rebuild_error

__all__ = ["DEFAULT_SPARE_BUDGET", "QueryPool"]

log = logging.getLogger("shfz_graph.workers")

DEFAULT_SPARE_BUDGET = 0.5  # seconds a query may run on the spare worker before it must wait its turn
_BACKOFF = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0)  # seconds between failed attempts to start a worker
_WAIT_FOR_WORKER = 60.0  # longest a query waits for a worker when none can be started
_SPARE_REPLACEMENT = 0.25  # longest a query given the spare lane waits for a spare being replaced


def _settle(future: asyncio.Future[bool], value: bool) -> None:
    """Settle `future` with `value` unless it already is (the answer and the timer race)."""
    if not future.done():
        future.set_result(value)


class _SpareUnavailable(Exception):
    """The spare ran past its budget, or is being replaced: the query waits for a regular worker."""


class _DiedIdle(Exception):
    """The worker was dead before it got the job: the job goes to another worker, at no cost."""


def _stop_all(workers: dict[WorkerHandle, str], server: ForkServer, wake: threading.Event) -> None:
    for worker in list(workers):
        worker.kill()
    server.close()
    wake.set()


class QueryPool:
    """Worker processes over one on-disk store, each query under a time, memory and answer-size limit.

    Thread-safe: `run` may be called from many threads, `run_async` from one event loop. `size` defaults
    to the number of cores; `max_memory` is each worker's address-space limit in bytes (None: none);
    `network=True` starts the workers outside the sandbox (a local user's choice, never the server's).
    """

    def __init__(
        self,
        store_path: Path | str,
        *,
        size: int | None = None,
        max_memory: int | None = defaults.MAX_MEMORY,
        spare: bool = False,
        spare_budget: float = DEFAULT_SPARE_BUDGET,
        network: bool = False,
    ) -> None:
        self.store_path = Path(store_path)
        self.size = size if size is not None else defaults.workers()
        if self.size < 1:
            raise ShfzError(f"a query pool needs at least one worker (got {self.size})")
        if max_memory is not None and max_memory <= 0:
            raise ShfzError(f"max_memory must be positive, or None for no limit (got {max_memory})")
        if spare_budget <= 0:
            raise ShfzError(f"spare_budget must be positive (got {spare_budget})")
        self.max_memory = max_memory
        self.network = network
        self.spare = spare
        self.spare_budget = spare_budget
        # The worker table, its one owner: each live worker and its state, "idle", "busy", "spare" (idle
        # spare) or "spare-busy". `_idle` orders the idle regular workers, most recently used last.
        self._table: dict[WorkerHandle, str] = {}
        self._idle: list[WorkerHandle] = []
        self._lock = threading.Condition()
        self._closed = False
        self._spawn_error: str | None = None
        self._loop_lanes: tuple[asyncio.AbstractEventLoop, Lanes] | None = None
        self._slow: OrderedDict[int, None] = OrderedDict()  # hashes of texts past the spare's budget
        self._wake = threading.Event()  # something left the table: the supervisor replaces it
        self.fork_server = ForkServer(network=network)
        weakref.finalize(self, _stop_all, self._table, self.fork_server, self._wake)  # dropped unclosed
        self.fork_server.start()
        for _ in range(self.size):
            self._add(self._spawn(), "idle")
        if spare:
            self._add(self._spawn(), "spare")
        threading.Thread(
            target=_supervise, args=(weakref.ref(self), self._wake), name="shfz-query-supervisor", daemon=True
        ).start()

    # -- what the pool is -----------------------------------------------------------------------------

    @property
    def sandboxed(self) -> bool:
        """Whether the workers run in the network sandbox (False with `network=True`, or where none could
        be made: see `sandbox_problem`)."""
        return bool(self.fork_server.sandboxed)

    @property
    def sandbox_problem(self) -> str | None:
        """Why no sandbox could be made (None if it was, or if the network was allowed)."""
        return self.fork_server.sandbox_problem

    def workers(self) -> list[tuple[int, str]]:
        """(process id, state) of every live worker: "idle", "busy", "spare" or "spare-busy"."""
        with self._lock:
            return sorted((worker.pid, state) for worker, state in self._table.items())

    # -- the table: every change goes through these ----------------------------------------------------

    def _spawn(self) -> WorkerHandle:
        return WorkerHandle(self.fork_server, str(self.store_path), self.max_memory)

    def _add(self, worker: WorkerHandle, state: str) -> None:
        with self._lock:
            if not self._closed:
                self._table[worker] = state
                if state == "idle":
                    self._idle.append(worker)
                self._lock.notify()
                return
        worker.kill()  # the pool closed while it was starting

    def _set(self, worker: WorkerHandle, state: str) -> None:
        """Move a worker to `state` (the caller holds the lock)."""
        self._table[worker] = state
        if state == "idle":
            self._idle.append(worker)
            self._lock.notify()

    def _release(self, worker: WorkerHandle) -> None:
        """A query is done with `worker`: it is free again (killed if the pool closed meanwhile)."""
        with self._lock:
            if worker in self._table:
                self._set(worker, "spare" if self._table[worker] == "spare-busy" else "idle")
                return
        worker.kill()

    def _remove(self, worker: WorkerHandle) -> None:
        """Take a worker out of the table and have the supervisor replace it; the caller kills it."""
        with self._lock:
            self._table.pop(worker, None)
            if worker in self._idle:
                self._idle.remove(worker)
        self._wake.set()

    def _retire(self, worker: WorkerHandle) -> None:
        """Remove and kill a worker (blocking: up to a few seconds while its process is reaped)."""
        self._remove(worker)
        worker.kill()

    def _retire_soon(self, worker: WorkerHandle) -> None:
        """Remove a worker now and kill it in a thread: for an event loop, which must never wait."""
        self._remove(worker)
        threading.Thread(target=worker.kill, name="shfz-query-worker-kill", daemon=True).start()

    def _drop_dead_idle(self) -> None:
        """Remove workers that died while nobody used them (found each round, not only when picked)."""
        with self._lock:
            dead = [w for w, state in self._table.items() if state in ("idle", "spare") and w.died_idle()]
            for worker in dead:
                del self._table[worker]
                if worker in self._idle:
                    self._idle.remove(worker)
        for worker in dead:
            worker.kill()

    def _replace(self, failures: int) -> int:
        """Start what is missing of `size` regular workers and the spare; the failures in a row after it
        (a failed fork, a fork server that cannot start: the supervisor backs off and tries again)."""
        while True:
            with self._lock:
                if self._closed:
                    return 0
                regular = sum(1 for state in self._table.values() if state in ("idle", "busy"))
                spares = len(self._table) - regular
                missing = "idle" if regular < self.size else "spare" if self.spare and not spares else None
            if missing is None:
                self._spawn_error = None
                return 0
            try:
                worker = self._spawn()
            except Exception as exc:
                self._spawn_error = str(exc)
                log.warning("could not start a query worker (attempt %d): %s", failures + 1, exc)
                with self._lock:
                    self._lock.notify_all()  # waiters learn of it, and give up if nothing is left
                return failures + 1
            self._add(worker, missing)

    # -- taking a worker --------------------------------------------------------------------------------

    def _take_idle(self) -> WorkerHandle | None:
        """A free regular worker, now (the caller holds the lock); one that has opened the store first."""
        while self._idle:
            chosen = len(self._idle) - 1
            for i in range(len(self._idle) - 1, -1, -1):
                candidate = self._idle[i]
                if candidate.ready or candidate.recv_conn.poll():
                    chosen = i
                    break
            worker = self._idle.pop(chosen)
            if worker.died_idle():  # found dead while idle: costs no query
                self._table.pop(worker, None)
                self._wake.set()
                threading.Thread(target=worker.kill, daemon=True).start()
                continue
            self._table[worker] = "busy"
            return worker
        return None

    def _acquire(self, wait: float | None = _WAIT_FOR_WORKER) -> WorkerHandle:
        """A free worker, waiting up to `wait` s for one (WorkerFailure if none comes, or none can start)."""
        deadline = None if wait is None else time.monotonic() + wait
        with self._lock:
            while True:
                if self._closed:
                    self._lock.notify()  # pass the news on to the next waiter
                    raise WorkerFailure("the query was stopped: the query pool is closed")
                worker = self._take_idle()
                if worker is not None:
                    return worker
                if self._spawn_error is not None and not self._table:
                    raise WorkerFailure(f"no query worker could be started: {self._spawn_error}")
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    why = self._spawn_error or "every worker stayed busy"
                    raise WorkerFailure(f"no query worker became free in time ({why})")
                self._lock.wait(left)

    def _take_spare(self) -> WorkerHandle:
        with self._lock:
            if self._closed:
                raise WorkerFailure("the query was stopped: the query pool is closed")
            for worker, state in list(self._table.items()):
                if state != "spare":
                    continue
                if worker.died_idle():
                    self._table.pop(worker)
                    self._wake.set()
                    threading.Thread(target=worker.kill, daemon=True).start()
                    break
                self._table[worker] = "spare-busy"
                return worker
        raise _SpareUnavailable

    def warm_up(self) -> None:
        """Wait until every worker has opened the store (fails early if the store cannot be opened)."""
        with self._lock:
            workers = list(self._table)
        for worker in workers:
            worker.wait_ready()

    # -- running ---------------------------------------------------------------------------------------

    def run(self, job: Job, *, timeout: float | None) -> Answer:
        """Run `job` in a free worker; QueryTimeout past `timeout` seconds, QueryLimitExceeded past the
        memory or answer-size limit (the worker is replaced), the query's own error otherwise."""
        for _ in range(3):
            worker = self._acquire()
            try:
                self._start(worker)
                self._send(worker, job)
            except _DiedIdle:
                self._retire(worker)
                continue
            except BaseException:
                self._retire(worker)
                raise
            try:
                reply = worker.receive(timeout)
            except (EOFError, OSError):
                status = worker.exit_status()
                self._retire(worker)
                raise self._death(worker, status) from None
            except BaseException:  # e.g. KeyboardInterrupt while waiting: the query must not go on
                self._retire(worker)  # (a notebook user who interrupts a query runs the next one)
                raise
            return self._outcome(worker, job, reply, timeout, self._retire)
        raise WorkerDied("the query's workers kept dying before they could take it")

    @staticmethod
    def _start(worker: WorkerHandle) -> None:
        """Wait for a worker's greeting; _DiedIdle if it died before it (its fork server was killed, say):
        the query goes to another. A worker that cannot start within its limits is the query's error."""
        try:
            worker.wait_ready()
        except QueryLimitExceeded:
            raise
        except WorkerFailure:
            raise _DiedIdle from None

    @staticmethod
    def _send(worker: WorkerHandle, job: Job) -> None:
        """Hand `job` to `worker`; _DiedIdle if it was already dead (nothing of the job ran)."""
        if worker.died_idle():
            raise _DiedIdle
        try:
            worker.send_conn.send(job)
        except (BrokenPipeError, ConnectionResetError):
            raise _DiedIdle from None

    async def run_async(self, job: Job, *, timeout: float | None) -> Answer:
        """`run` for an asyncio event loop: waits for a free worker and for the answer without holding a
        thread (the answer pipe is watched by the loop), and never blocks the loop. A cancelled call
        kills its worker.

        With a spare worker, a query that finds every worker busy runs on the spare at once, but only for
        `spare_budget` seconds: past that its spare is killed and replaced, and the query waits for a
        regular worker with the rest of its time. So quick queries keep being answered while long ones
        (hostile or honest) hold every regular worker, and no query is refused for being long. A query
        text once seen to run past the budget is not sent to the spare again.
        """
        lanes = self._lanes()
        lane = await lanes.acquire(spare_ok=self.spare and hash(job.text) not in self._slow)
        if lane == "spare":
            await self._spare_ready(_SPARE_REPLACEMENT)  # a spare being replaced is back in milliseconds
            budget = self.spare_budget if timeout is None else min(self.spare_budget, timeout)
            started = time.monotonic()
            try:
                return await self._run_on(self._take_spare, lanes, lane, job, budget, spare=True)
            except _SpareUnavailable:
                spent = time.monotonic() - started
                if spent >= budget * 0.99:
                    self._remember_slow(job.text)
                timeout = None if timeout is None else timeout - spent
                if timeout is not None and timeout <= 0:
                    raise QueryTimeout(f"query took longer than the time limit of {budget:g} s") from None
            lane = await lanes.acquire(spare_ok=False)
        started = time.monotonic()
        try:
            return await self._run_on(self._take_regular, lanes, lane, job, timeout, spare=False)
        finally:
            if self.spare and time.monotonic() - started > self.spare_budget:
                self._remember_slow(job.text)

    async def _acquire_in_thread(self, loop: asyncio.AbstractEventLoop) -> WorkerHandle:
        """`_acquire` in a thread; a worker it takes after the caller was cancelled is given back."""
        future = loop.run_in_executor(None, self._acquire)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            future.add_done_callback(
                lambda f: self._release(f.result()) if not f.cancelled() and f.exception() is None else None
            )
            raise

    async def _spare_ready(self, wait: float) -> None:
        """Wait up to `wait` s for the spare to be in the table (the supervisor replaces a killed one in
        milliseconds); a quick query is better served by it than by a wait behind long ones."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            with self._lock:
                if self._closed or any(state == "spare" for state in self._table.values()):
                    return
            self._wake.set()
            await asyncio.sleep(0.002)

    def _take_regular(self) -> WorkerHandle:
        with self._lock:
            worker = self._take_idle() if not self._closed else None
        if worker is None:
            raise _NoIdleWorker
        return worker

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
        try:
            for _ in range(3):
                try:
                    worker = take()
                except _NoIdleWorker:  # being replaced: wait for one in a thread, never on the loop
                    worker = await self._acquire_in_thread(loop)
                try:
                    if not worker.ready:
                        await loop.run_in_executor(None, self._start, worker)
                    self._send(worker, job)
                except _DiedIdle:
                    self._retire_soon(worker)
                    continue
                except BaseException:
                    self._retire_soon(worker)
                    raise
                return await self._await_answer(loop, worker, job, timeout, spare=spare)
            raise WorkerDied("the query's workers kept dying before they could take it")
        finally:
            lanes.release(lane)

    async def _await_answer(
        self,
        loop: asyncio.AbstractEventLoop,
        worker: WorkerHandle,
        job: Job,
        timeout: float | None,
        *,
        spare: bool,
    ) -> Answer:
        """Wait on the loop for `worker`'s answer to `job`, or its death, or the end of its time."""
        fd = worker.recv_conn.fileno()
        outcome: asyncio.Future[bool] = loop.create_future()  # True: answered; False: out of time
        try:
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
            self._remove(worker)
            status = await loop.run_in_executor(None, worker.exit_status)
            await loop.run_in_executor(None, worker.kill)
            raise self._death(worker, status) from None
        except BaseException:  # cancelled: the query must not go on
            self._retire_soon(worker)
            raise
        if spare and reply is None:
            self._retire_soon(worker)
            raise _SpareUnavailable
        return self._outcome(worker, job, reply, timeout, self._retire_soon)

    def _lanes(self) -> Lanes:
        """The regular and spare lanes, for the event loop running now (made on first use in it)."""
        loop = asyncio.get_running_loop()
        if self._loop_lanes is None or self._loop_lanes[0] is not loop:
            self._loop_lanes = (loop, Lanes(self.size, spare=self.spare))
        return self._loop_lanes[1]

    def _outcome(
        self,
        worker: WorkerHandle,
        job: Job,
        reply: Any,
        timeout: float | None,
        retire: Callable[[WorkerHandle], None],
    ) -> Answer:
        """The answer in a worker's reply, or the error it stands for; the worker is put back or replaced."""
        if reply is None:
            retire(worker)
            raise QueryTimeout(f"query took longer than the time limit of {timeout:g} s")
        kind = reply[0]
        if kind == "limit" and reply[1] == "memory":
            retire(worker)  # after a MemoryError its heap may be fragmented: start afresh
        else:
            self._release(worker)
        if kind == "ok":
            answer: Answer = reply[1]
            return answer
        if kind == "limit":
            raise self._limit(reply[1], job)
        raise rebuild_error(reply)

    def _death(self, worker: WorkerHandle, status: int | None) -> ShfzError:
        """The error for a worker that died under a query, by what its exit status says of the cause."""
        how = describe_status(status)
        if worker.generation != self.fork_server.starts:
            how = "its fork server died, and took it along"
        if self._closed:
            return WorkerFailure("the query was stopped: the server is shutting down")
        if status in (-signal.SIGSEGV, -signal.SIGBUS):
            return QuerySyntaxError(
                "the query is too complex for the engine: its worker crashed reading or running it "
                f"({how}); deeply nested groups or brackets, or very long chains of operators or path "
                "steps, do this"
            )
        if self.max_memory is not None and status == -signal.SIGABRT:
            return QueryLimitExceeded(
                "memory",
                f"query exceeded the memory limit of {self.max_memory >> 20} MiB and was stopped ({how})",
            )
        log.warning("a query worker died under a query (%s)", how)
        return WorkerDied(f"the query's worker died ({how})")

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
            table = dict(self._table)
            self._table.clear()
            self._idle.clear()
            self._lock.notify_all()  # wakes every caller still waiting for a worker
        self._wake.set()
        for worker, state in table.items():
            # a busy worker's pipes are closed by the query running on it, once it sees the death
            if state in ("busy", "spare-busy"):
                worker.stop()
            else:
                worker.kill()
        self.fork_server.close()

    def __enter__(self) -> QueryPool:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class _NoIdleWorker(Exception):
    """No regular worker is idle right now (one is being replaced)."""


def _supervise(pool_ref: weakref.ref[QueryPool], wake: threading.Event) -> None:
    """The supervisor's thread: keeps the pool's workers while the pool lives (it holds no reference to
    the pool between rounds, so a pool dropped without close() is still collected, and stops it)."""
    failures = 0
    while True:
        wake.wait(_BACKOFF[min(failures, len(_BACKOFF) - 1)] if failures else 1.0)
        wake.clear()
        pool = pool_ref()
        if pool is None:
            return
        pool._drop_dead_idle()
        failures = pool._replace(failures)
        if pool._closed:
            return
        del pool
