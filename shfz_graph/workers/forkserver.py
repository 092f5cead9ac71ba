"""The fork server: a process that imports what a query needs once, enters the sandbox, and forks workers.

Its loop runs in its own interpreter (`python -m shfz_graph.workers.forkserver <socket fd> [--network]`),
not multiprocessing's spawn or fork server: those re-run the caller's main module in the child, which
breaks scripts without a `__main__` guard. Unless started with `--network` it first enters the sandbox
(`sandbox.enter`), so it and every worker it forks can reach no network. Workers forked from it share its
imported modules (copy-on-write), so each costs the memory it dirties and starts in milliseconds.

Requests come over a SOCK_SEQPACKET socket as JSON arrays, each ending with a number its answer echoes:
("spawn", store path, memory limit) with the worker's two pipe ends attached, answered ("pid", pid) with a
pidfd of the worker attached where Linux has them, or ("error", message) if the fork failed; ("status",
pid, seconds), answered ("status", exit status or None). `ForkServer` is the parent's end.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from shfz_graph.errors import WorkerFailure

__all__ = ["ForkServer", "Spawned", "serve"]

log = logging.getLogger("shfz_graph.workers")

START_TIMEOUT = 60.0


class Spawned(tuple[int, "int | None"]):
    """A forked worker: its process id and, where the platform has them, a pidfd to signal it by."""

    @property
    def pid(self) -> int:
        return self[0]

    @property
    def pidfd(self) -> int | None:
        return self[1]


class ForkServer:
    """The parent's end of a fork server: started on first use and again if it died; calls serialized.

    `network=False` (the default) asks it to enter the sandbox; `sandbox_problem` then says why it could
    not (None when it did, or when the network was allowed).
    """

    def __init__(self, *, network: bool = False) -> None:
        self.network = network
        self.sandbox_problem: str | None = None
        self.sandboxed: bool | None = None  # known once it has started
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._closed = False
        self._number = 0  # of the last request sent
        self.starts = 0

    @property
    def pid(self) -> int | None:
        """The fork server's process id while it runs (for tests and operators)."""
        return self._process.pid if self._process is not None else None

    def _start(self) -> socket.socket:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        args = [sys.executable, "-m", "shfz_graph.workers.forkserver", str(theirs.fileno())]
        try:
            self._process = subprocess.Popen(
                [*args, "--network"] if self.network else args,
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
        ours.settimeout(START_TIMEOUT)
        try:
            greeting = json.loads(ours.recv(1 << 16) or b"null")
        except (OSError, ValueError):
            greeting = None
        if not (isinstance(greeting, list) and greeting[:1] == ["ready"]):
            ours.close()
            self._kill_process()
            raise WorkerFailure("the query worker template did not start")
        ours.settimeout(None)
        self.sandbox_problem = greeting[2]
        self.sandboxed = not self.network and greeting[2] is None
        self.starts += 1
        if self.starts > 1:
            log.warning(
                "the query workers' fork server had died; started another (pid %d)", self._process.pid
            )
        self._sock = ours
        return ours

    def start(self) -> None:
        """Start the fork server now if it is not running (to learn early whether it is sandboxed)."""
        with self._lock:
            if self._sock is None and not self._closed:
                self._start()

    def _call(self, request: tuple[Any, ...], fds: tuple[int, ...] = ()) -> tuple[Any, list[int]]:
        """Send one request and return its answer and the descriptors that came with it. Answers to other
        numbers are dropped: a call interrupted between its request and its answer (Ctrl-C) leaves that
        answer in the socket, and the next call must not take it for its own."""
        with self._lock:
            for attempt in (1, 2):
                if self._closed:
                    raise WorkerFailure("the query pool is closed")
                sock = self._sock if self._sock is not None else self._start()
                self._number += 1
                number = self._number
                try:
                    socket.send_fds(sock, [json.dumps([*request, number]).encode()], list(fds))
                    while True:
                        data, got, _, _ = socket.recv_fds(sock, 1 << 16, 1)
                        if not data:
                            break
                        answer = json.loads(data)
                        if answer[-1] == number:
                            return answer, got
                        for fd in got:
                            os.close(fd)
                except OSError:
                    pass
                self._drop()  # the fork server died: start another once
                if attempt == 2:
                    raise WorkerFailure("the query worker template died")
            raise AssertionError("unreachable")  # pragma: no cover

    def spawn(self, fds: tuple[int, int], store_path: str, max_memory: int | None) -> Spawned:
        """Fork a worker with these pipe ends (its job pipe's read end, its answer pipe's write end)."""
        answer, got = self._call(("spawn", store_path, max_memory), fds)
        if answer[0] == "error":
            for fd in got:
                os.close(fd)
            raise WorkerFailure(f"could not start a query worker: {answer[1]}")
        return Spawned((int(answer[1]), got[0] if got else None))

    def status(self, pid: int, wait: float) -> int | None:
        """A worker's exit status (-N: killed by signal N), waiting up to `wait` s; None if it still runs."""
        answer, got = self._call(("status", pid, wait))
        for fd in got:
            os.close(fd)
        status: int | None = answer[1]
        return status

    def _drop(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        self._kill_process()

    def _kill_process(self) -> None:
        """Let the fork server stop its workers and leave (its socket is closed), killing it if it has
        not within two seconds; either way it is reaped."""
        if self._process is not None:
            try:
                self._process.wait(2)
            except subprocess.TimeoutExpired:
                self._process.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._process.wait(5)
            self._process = None

    def close(self) -> None:
        """Stop the fork server for good (its workers are stopped by their handles)."""
        with self._lock:
            self._closed = True
            self._drop()


# -- inside the fork server ----------------------------------------------------------------------------


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (PR_SET_PDEATHSIG), so none is orphaned."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _forked_worker(
    sock: socket.socket, fds: list[int], store_path: str, max_memory: int | None, server_pid: int
) -> None:
    """The body of a worker forked from the fork server: it never returns into the server's loop."""
    code = 0
    try:
        sock.close()
        _die_with_parent()  # the fork server is single-threaded, so this follows the server itself
        if os.getppid() != server_pid:  # it died before the line above: nobody would stop us
            os._exit(1)
        from shfz_graph.workers import child

        child.main(
            Connection(fds[0], writable=False), Connection(fds[1], readable=False), store_path, max_memory
        )
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _reap(statuses: dict[int, int], live: set[int] | None = None) -> None:
    """Collect the exit statuses of workers that have ended (no zombies are left behind)."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if live is not None:
            live.discard(pid)
        statuses[pid] = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        while len(statuses) > 4096:  # the oldest first: nobody asks about a long-gone worker
            del statuses[next(iter(statuses))]


def _status(statuses: dict[int, int], live: set[int], pid: int, wait: float) -> int | None:
    """The exit status of worker `pid` (as subprocess gives it: -N for signal N), waiting up to `wait` s."""
    deadline = time.monotonic() + wait
    while True:
        _reap(statuses, live)
        if pid in statuses:  # kept: the pool may ask again (from another thread) after a first answer
            return statuses[pid]
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.005)


def _fork(sock: socket.socket, fds: list[int], request: list[Any]) -> tuple[tuple[Any, ...], list[int]]:
    """Fork one worker; the answer and the descriptors to send with it (the worker's pidfd)."""
    server_pid = os.getpid()
    try:
        pid = os.fork()
    except OSError as exc:  # EAGAIN past RLIMIT_NPROC, ENOMEM: say so, and keep serving
        return ("error", f"fork failed: {exc.strerror or exc}", request[-1]), []
    if pid == 0:
        _forked_worker(sock, fds, request[1], request[2], server_pid)
    pidfds = []
    with contextlib.suppress(OSError, AttributeError):
        pidfds.append(os.pidfd_open(pid))
    return ("pid", pid, request[-1]), pidfds


def serve(sock_fd: int, *, network: bool) -> None:
    """The fork server's loop: enter the sandbox unless `network`, import, then fork on request."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # No parent-death signal here: Linux sends it when the *thread* that started us ends, and the pool may
    # be started from a short-lived thread. The socket tells us instead: the parent's death closes it.
    sock = socket.socket(fileno=sock_fd)
    problem = None
    if not network:
        from shfz_graph.workers import sandbox

        problem = sandbox.enter()
    import pyoxigraph  # noqa: F401

    from shfz_graph.query import binding  # noqa: F401  (bound queries need it: imported once, shared)
    from shfz_graph.workers import child  # noqa: F401

    gc.freeze()  # keep the collector from touching (and so copying) the shared objects in every worker
    sock.send(json.dumps(["ready", os.getpid(), problem]).encode())
    statuses: dict[int, int] = {}
    live: set[int] = set()  # workers not yet reaped: ours to signal, as their ids cannot be reused
    sock.settimeout(1.0)  # wake up now and then to reap workers that died: no zombie waits for a request
    try:
        while True:
            try:
                data, fds, _, _ = socket.recv_fds(sock, 1 << 16, 2)
            except TimeoutError:
                _reap(statuses, live)
                continue
            except OSError:
                return
            if not data:
                return  # the pool closed its end
            request = json.loads(data)
            send: list[int] = []
            if request[0] == "spawn":
                reply, send = _fork(sock, fds, request)
                if reply[0] == "pid":
                    statuses.pop(reply[1], None)  # an id used again: the old status is not this one's
                    live.add(reply[1])
                for fd in fds:
                    os.close(fd)
            else:
                reply = ("status", _status(statuses, live, request[1], request[2]), request[-1])
            _reap(statuses, live)
            try:
                socket.send_fds(sock, [json.dumps(reply).encode()], send)
            finally:
                for fd in send:
                    os.close(fd)
    finally:  # the pool is gone or closing: no worker outlives us, and none is left unreaped
        for pid in live:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        for pid in live:
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)


if __name__ == "__main__":
    # Run the module's own copy, not this __main__ one, so that answers pickle as shfz_graph.workers.wire
    from shfz_graph.workers import forkserver

    forkserver.serve(int(sys.argv[1]), network="--network" in sys.argv[2:])
