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
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import weakref
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from pathlib import Path
from types import TracebackType
from typing import Any

from shfz_graph import errors
from shfz_graph.errors import QueryLimitExceeded, QueryTimeout, ShfzError, WorkerFailure
from shfz_graph.worker import Answer, Job

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_MEMORY", "QueryPool", "default_size"]

DEFAULT_MAX_MEMORY = 1 << 30  # address space of one worker
DEFAULT_MAX_BYTES = 64 << 20  # one answer
DEFAULT_SPARE_BUDGET = 0.5  # seconds a query may run on the spare worker before it must wait its turn
_START_TIMEOUT = 60.0


def default_size() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class _Template:
    """The worker template process (`python -m shfz_graph.worker <socket fd>`) and our end of its socket.

    A fresh interpreter, not multiprocessing's spawn or fork server: those re-run the caller's main
    module in the child, which breaks scripts without a `__main__` guard. It imports what a query needs
    once and forks each worker from there, so workers share those pages and start in milliseconds. It
    is started on first use and again if it has died; calls are serialized by a lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._closed = False

    def _start(self) -> socket.socket:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "shfz_graph.worker", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env={**os.environ, "MALLOC_ARENA_MAX": "2"},
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        ours.settimeout(_START_TIMEOUT)
        try:
            greeting = json.loads(ours.recv(1 << 16) or b"null")
        except (OSError, ValueError):
            greeting = None
        if not (isinstance(greeting, list) and greeting[:1] == ["ready"]):
            ours.close()
            self._kill_process()
            raise WorkerFailure("the query worker template did not start")
        ours.settimeout(None)
        self._sock = ours
        return ours

    def _call(self, request: tuple[Any, ...], fds: tuple[int, ...] = ()) -> Any:
        with self._lock:
            for attempt in (1, 2):
                if self._closed:
                    raise WorkerFailure("the query pool is closed")
                sock = self._sock if self._sock is not None else self._start()
                try:
                    socket.send_fds(sock, [json.dumps(request).encode()], list(fds))
                    data = sock.recv(1 << 16)
                    if data:
                        return json.loads(data)[1]
                except OSError:
                    pass
                self._drop()  # the template died: start another once
                if attempt == 2:
                    raise WorkerFailure("the query worker template died")
            return None  # pragma: no cover - the loop returns or raises

    def spawn(self, fds: tuple[int, int], store_path: Path, max_memory: int | None) -> int:
        """Fork a worker with these pipe ends (its job pipe's read end, its answer pipe's write end)."""
        pid: int = self._call(("spawn", str(store_path), max_memory), fds)
        return pid

    def status(self, pid: int, wait: float) -> int | None:
        """A worker's exit status (-N: killed by signal N), waiting up to `wait` s; None if it still runs."""
        status: int | None = self._call(("status", pid, wait))
        return status

    def _drop(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        self._kill_process()

    def _kill_process(self) -> None:
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(5)
            self._process = None

    def close(self) -> None:
        """Stop the template for good; its workers die with it (PR_SET_PDEATHSIG)."""
        with self._lock:
            self._closed = True
            self._drop()


class _Forked:
    """A worker process forked by the template: the part of `subprocess.Popen` the pool uses."""

    def __init__(self, pid: int, template: _Template) -> None:
        self.pid = pid
        self.template = template
        self.returncode: int | None = None

    def wait(self, timeout: float) -> int:
        if self.returncode is None:
            self.returncode = self.template.status(self.pid, timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired(f"query worker {self.pid}", timeout)
        return self.returncode

    def poll(self) -> int | None:
        with contextlib.suppress(subprocess.TimeoutExpired, WorkerFailure):
            return self.wait(0)
        return self.returncode

    def kill(self) -> None:
        if self.returncode is None:  # never a process id the template has already reaped
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)


class _Worker:
    """One worker process, forked by the template, and our ends of its two pipes.

    The worker holds the only write end of its answer pipe, so its death makes that pipe readable (EOF)
    at once.
    """

    def __init__(self, template: _Template, store_path: Path, max_memory: int | None) -> None:
        self.max_memory = max_memory
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            pid = template.spawn((to_child_r, from_child_w), store_path, max_memory)
        except BaseException:
            for fd in (to_child_r, to_child_w, from_child_r, from_child_w):
                os.close(fd)
            raise
        os.close(to_child_r)
        os.close(from_child_w)
        self.process = _Forked(pid, template)
        self.send_conn = Connection(to_child_w, readable=False)
        self.recv_conn = Connection(from_child_r, writable=False)
        self.ready = False

    def wait_ready(self) -> None:
        """Read the worker's greeting (raises WorkerFailure if it could not open the store)."""
        if self.ready:
            return
        try:
            message = self.receive(_START_TIMEOUT)
        except (EOFError, OSError):
            message = None
        if message is None:
            how = self.how_it_ended()
            if self.max_memory is not None:
                raise QueryLimitExceeded(
                    "memory",
                    f"a query worker could not start within the memory limit of {self.max_memory >> 20} MiB "
                    f"({how})",
                )
            raise WorkerFailure(f"a query worker did not start ({how})")
        if message[0] != "ready":
            raise _rebuild(message)
        self.ready = True

    def receive(self, timeout: float | None) -> Any:
        """The next message, None on timeout; EOFError if the worker died."""
        if not wait([self.recv_conn], timeout):
            return None
        return self.recv_conn.recv()

    def how_it_ended(self) -> str:
        try:
            code = self.process.wait(0.5)
        except (subprocess.TimeoutExpired, WorkerFailure):
            return "no answer"
        if code < 0:
            return f"killed by {signal.Signals(-code).name}"
        return f"exit status {code}"

    def kill(self) -> None:
        """Stop the process now (SIGKILL), reap it and close the pipes."""
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired, WorkerFailure):
            self.process.wait(5)
        self.send_conn.close()
        self.recv_conn.close()


def _rebuild(message: tuple[Any, ...]) -> ShfzError:
    """The exception a worker reported, rebuilt in this process with its message and attributes."""
    _, name, text, attrs = message
    cls = getattr(errors, name, None)
    if cls is None:
        from shfz_graph import sparql

        cls = getattr(sparql, name, None)
    if not (isinstance(cls, type) and issubclass(cls, ShfzError)):
        return WorkerFailure(f"the query failed in its worker: {name}: {text}")
    exc: ShfzError = cls.__new__(cls)
    Exception.__init__(exc, text)
    for key, value in attrs.items():
        setattr(exc, key, value)
    return exc


def _set_once(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class _SpareExpired(Exception):
    """A query ran past the spare worker's budget (it goes back to wait for a regular worker)."""


class _Lanes:
    """First-come first-served lanes to the workers of one event loop: `size` regular lanes and, if
    `spare`, one spare lane that only a query finding every regular lane taken may use."""

    def __init__(self, size: int, *, spare: bool) -> None:
        self.regular_free = size
        self.spare_free = spare
        self.waiters: deque[tuple[asyncio.Future[str], bool]] = deque()

    async def acquire(self, *, spare_ok: bool) -> str:
        """ "regular" or "spare": the lane this caller now holds (release it with `release`)."""
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


def _kill_all(workers: set[_Worker], template: _Template) -> None:
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
        self._idle: list[_Worker] = []  # most recently used last
        self._all: set[_Worker] = set()
        self._lock = threading.Condition()
        self._closed = False
        self._loop_lanes: tuple[asyncio.AbstractEventLoop, _Lanes] | None = None
        if spare_budget <= 0:
            raise ShfzError(f"spare_budget must be positive (got {spare_budget})")
        self.spare = spare
        self.spare_budget = spare_budget
        self._spare_worker: _Worker | None = None
        self._template = _Template()
        # a pool dropped without close() leaves no process
        weakref.finalize(self, _kill_all, self._all, self._template)
        for _ in range(self.size):
            self._release(self._spawn())
        if spare:
            self._spare_worker = self._spawn()

    def _spawn(self) -> _Worker:
        worker = _Worker(self._template, self.store_path, self.max_memory)
        with self._lock:
            self._all.add(worker)
        return worker

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)
            self._lock.notify()

    def _acquire(self) -> _Worker:
        """A free worker, waiting for one; one that has opened the store is preferred to one starting."""
        with self._lock:
            while not self._idle and not self._closed:
                self._lock.wait()
            if self._closed:
                self._lock.notify()  # pass the news on to the next waiter
                raise WorkerFailure("the query was stopped: the query pool is closed")
            for i in range(len(self._idle) - 1, -1, -1):
                candidate = self._idle[i]
                if candidate.ready or candidate.recv_conn.poll():
                    return self._idle.pop(i)
            return self._idle.pop()

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker and, unless the pool is closing, put a fresh one in its place."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            closed = self._closed
        if not closed:
            self._release(self._spawn())

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
        (hostile or honest) hold every regular worker, and no query is refused for being long.
        """
        lanes = self._lanes()
        lane = await lanes.acquire(spare_ok=self.spare)
        if lane == "spare":
            budget = self.spare_budget if timeout is None else min(self.spare_budget, timeout)
            try:
                return await self._run_on(self._take_spare, lanes, lane, job, budget, spare=True)
            except _SpareExpired:
                timeout = None if timeout is None else timeout - budget
                if timeout is not None and timeout <= 0:
                    raise QueryTimeout(f"query took longer than the time limit of {budget:g} s") from None
            lane = await lanes.acquire(spare_ok=False)
        return await self._run_on(self._acquire, lanes, lane, job, timeout, spare=False)

    async def _run_on(
        self,
        take: Callable[[], _Worker],
        lanes: _Lanes,
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
            readable = loop.create_future()
            try:
                worker.send_conn.send(job)
                loop.add_reader(fd, _set_once, readable)
                try:
                    await asyncio.wait_for(readable, timeout)
                    answered = True
                except TimeoutError:
                    answered = False
                finally:
                    loop.remove_reader(fd)
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

    def _lanes(self) -> _Lanes:
        """The regular and spare lanes, for the event loop running now (made on first use in it)."""
        loop = asyncio.get_running_loop()
        if self._loop_lanes is None or self._loop_lanes[0] is not loop:
            self._loop_lanes = (loop, _Lanes(self.size, spare=self.spare))
        return self._loop_lanes[1]

    def _take_spare(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise WorkerFailure("the query was stopped: the query pool is closed")
            worker = self._spare_worker
            if worker is None:
                worker = self._spare_worker = self._spawn()
            return worker

    def _put_back_spare(self, worker: _Worker) -> None:
        """The spare stays where it is between queries (nothing to do)."""

    def _retire_spare(self, worker: _Worker) -> None:
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
        worker: _Worker,
        job: Job,
        reply: Any,
        timeout: float | None,
        *,
        put_back: Callable[[_Worker], None] | None = None,
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
        raise _rebuild(reply)

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
        for worker in workers:
            worker.kill()
        self._template.close()

    def __enter__(self) -> QueryPool:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
