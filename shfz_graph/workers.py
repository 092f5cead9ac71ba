"""Query worker processes seen from the parent: the template that forks them, and one worker's handle.

The template (`python -m shfz_graph.worker <socket fd>`) imports what a query needs once and forks each
worker, so workers share those pages and start in milliseconds. A worker holds the only write end of its
answer pipe, so its death makes that pipe readable (EOF) at once. `shfz_graph.pool` decides which worker
runs what, and when one is killed.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from shfz_graph import errors
from shfz_graph.errors import QueryLimitExceeded, ShfzError, WorkerFailure

__all__ = ["ForkedProcess", "WorkerHandle", "WorkerTemplate", "rebuild_error"]

_START_TIMEOUT = 60.0


class WorkerTemplate:
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
        self._number = 0  # of the last request sent

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
        """Send one request and return its answer. Each request carries a number the template echoes, and
        answers to other numbers are dropped: a call interrupted between its request and its answer
        (Ctrl-C) leaves that answer in the socket, and the next call must not take it for its own."""
        with self._lock:
            for attempt in (1, 2):
                if self._closed:
                    raise WorkerFailure("the query pool is closed")
                sock = self._sock if self._sock is not None else self._start()
                self._number += 1
                number = self._number
                try:
                    socket.send_fds(sock, [json.dumps([*request, number]).encode()], list(fds))
                    while data := sock.recv(1 << 16):
                        answer = json.loads(data)
                        if answer[-1] == number:
                            return answer[1]
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


class ForkedProcess:
    """A worker process forked by the template: the part of `subprocess.Popen` the pool uses."""

    def __init__(self, pid: int, template: WorkerTemplate) -> None:
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


class WorkerHandle:
    """One worker process, forked by the template, and our ends of its two pipes.

    The worker holds the only write end of its answer pipe, so its death makes that pipe readable (EOF)
    at once.
    """

    def __init__(self, template: WorkerTemplate, store_path: Path, max_memory: int | None) -> None:
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
        self.process = ForkedProcess(pid, template)
        self.send_conn = Connection(to_child_w, readable=False)
        self.recv_conn = Connection(from_child_r, writable=False)
        self.ready = False
        self._kill_lock = threading.Lock()
        self.killed = False
        self.in_use = False  # a query runs on it (the pool's lock guards this)
        self._poller = select.poll()  # kept: the answer pipe is watched for every query
        self._poller.register(from_child_r, select.POLLIN)

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
            raise rebuild_error(message)
        self.ready = True

    def receive(self, timeout: float | None) -> Any:
        """The next message, None on timeout; EOFError if the worker died."""
        # poll(2), not select(2): a busy server's descriptors go past select's 1024
        if not self._poller.poll(None if timeout is None else max(0.0, timeout) * 1000):
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

    def stop(self) -> None:
        """Stop the process now (SIGKILL) and reap it, leaving the pipes open; idempotent and thread-safe.

        Whoever waits on the answer pipe (a thread or an event loop) then sees its end-of-file. Closing the
        pipe from another thread instead would silently drop it from an event loop's watch list, and the
        query waiting on it would never end.
        """
        with self._kill_lock:
            if self.killed:
                return
            self.killed = True
            if self.process.poll() is None:
                self.process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired, WorkerFailure):
                self.process.wait(5)

    def kill(self) -> None:
        """Stop the process and close the pipes: only for the one running a query on it, or a worker
        nobody uses (each descriptor is closed once, even if two threads kill it at once)."""
        try:
            self.stop()
        finally:
            with self._kill_lock:
                self.send_conn.close()
                self.recv_conn.close()


def rebuild_error(message: tuple[Any, ...]) -> ShfzError:
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
