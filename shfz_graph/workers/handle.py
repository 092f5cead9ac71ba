"""One query worker seen from the parent: its process (signalled by pidfd) and our ends of its two pipes.

A worker holds the only write end of its answer pipe, so its death makes that pipe readable (EOF) at once.
The fork server (`forkserver`) is the worker's parent and reaps it; we signal it through a pidfd the fork
server handed us, which names this process and no other even after its id is reused.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import threading
from multiprocessing.connection import Connection
from typing import Any

from shfz_graph.errors import QueryLimitExceeded, WorkerFailure
from shfz_graph.workers.forkserver import START_TIMEOUT, ForkServer
from shfz_graph.workers.wire import rebuild_error

__all__ = ["ForkedProcess", "WorkerHandle"]


class ForkedProcess:
    """A worker process forked by the fork server: the part of `subprocess.Popen` the pool uses."""

    def __init__(self, pid: int, pidfd: int | None, server: ForkServer) -> None:
        self.pid = pid
        self.pidfd = pidfd
        self.server = server
        self.returncode: int | None = None
        self.killed_by_us = False

    def wait(self, timeout: float) -> int:
        if self.returncode is None:
            self.returncode = self.server.status(self.pid, timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired(f"query worker {self.pid}", timeout)
        return self.returncode

    def poll(self) -> int | None:
        with contextlib.suppress(subprocess.TimeoutExpired, WorkerFailure):
            return self.wait(0)
        return self.returncode

    def kill(self) -> None:
        """SIGKILL by pidfd (never another process that took the id); by id only where there is none."""
        self.killed_by_us = True
        if self.pidfd is not None:
            with contextlib.suppress(ProcessLookupError, OSError):
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
        elif self.returncode is None:  # pragma: no cover - Linux before 5.3
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def wait_gone(self, timeout: float) -> None:
        """Wait until the process has ended (its pidfd turns readable), without asking the fork server:
        a dead fork server cannot answer, and the one that replaced it does not know this process."""
        if self.pidfd is None:  # pragma: no cover - Linux before 5.3
            with contextlib.suppress(subprocess.TimeoutExpired, WorkerFailure):
                self.wait(timeout)
            return
        poller = select.poll()
        poller.register(self.pidfd, select.POLLIN)
        poller.poll(timeout * 1000)

    def close(self) -> None:
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None


class WorkerHandle:
    """One worker process, forked by the fork server, and our ends of its two pipes."""

    def __init__(self, server: ForkServer, store_path: str, max_memory: int | None) -> None:
        self.max_memory = max_memory
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            spawned = server.spawn((to_child_r, from_child_w), store_path, max_memory)
        except BaseException:
            for fd in (to_child_r, to_child_w, from_child_r, from_child_w):
                os.close(fd)
            raise
        os.close(to_child_r)
        os.close(from_child_w)
        self.process = ForkedProcess(spawned.pid, spawned.pidfd, server)
        self.generation = server.starts  # a worker of an earlier fork server died with it
        self.send_conn = Connection(to_child_w, readable=False)
        self.recv_conn = Connection(from_child_r, writable=False)
        self.ready = False
        self._kill_lock = threading.Lock()
        self.killed = False
        self._closed = False
        self._poller = select.poll()  # kept: the answer pipe is watched for every query
        self._poller.register(from_child_r, select.POLLIN)

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self) -> None:
        """Read the worker's greeting (raises WorkerFailure if it could not open the store)."""
        if self.ready:
            return
        try:
            message = self.receive(START_TIMEOUT)
        except (EOFError, OSError):
            message = None
        if message is None:
            how = self.how_it_ended()
            if self.max_memory is not None and "SIGABRT" in how:
                raise QueryLimitExceeded(
                    "memory",
                    f"a query worker could not start within the memory limit of {self.max_memory >> 20} MiB "
                    f"({how})",
                )
            raise WorkerFailure(f"a query worker did not start ({how})")
        if message[0] != "ready":
            raise rebuild_error(message)
        self.ready = True

    def died_idle(self) -> bool:
        """Whether a worker that owes us nothing has died: its answer pipe is readable, and holds its
        end-of-file (a worker still starting may have left its greeting there: that is read now)."""
        try:
            if not self._poller.poll(0):
                return False
            if self.ready:
                return True
            message = self.recv_conn.recv()
        except (EOFError, OSError, ValueError):
            return True
        if message[0] != "ready":
            return True
        self.ready = True
        return False

    def receive(self, timeout: float | None) -> Any:
        """The next message, None on timeout; EOFError if the worker died."""
        # poll(2), not select(2): a busy server's descriptors go past select's 1024
        if not self._poller.poll(None if timeout is None else max(0.0, timeout) * 1000):
            return None
        return self.recv_conn.recv()

    def exit_status(self, wait: float = 0.5) -> int | None:
        """Its exit status (-N: killed by signal N), waiting up to `wait` s; None if unknown."""
        try:
            return self.process.wait(wait)
        except (subprocess.TimeoutExpired, WorkerFailure):
            return None

    def how_it_ended(self) -> str:
        return describe_status(self.exit_status())

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
            self.process.kill()
            self.process.wait_gone(5.0)

    def kill(self) -> None:
        """Stop the process and close the pipes: only for the one running a query on it, or a worker
        nobody uses (each descriptor is closed once, even if two threads kill it at once)."""
        try:
            self.stop()
        finally:
            with self._kill_lock:
                if not self._closed:
                    self._closed = True
                    self.send_conn.close()
                    self.recv_conn.close()
                    self.process.close()


def describe_status(code: int | None) -> str:
    """An exit status in words: "killed by SIGKILL", "exit status 1", "no answer"."""
    if code is None:
        return "no answer"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"
