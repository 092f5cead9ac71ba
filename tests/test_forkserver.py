"""The fork server: workers it forks hold only what they were handed, a failed fork is answered, and
nothing it forked outlives the pool."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from conftest import child_pids

from shfz_graph.graph import KnowledgeGraph
from shfz_graph.workers import forkserver
from shfz_graph.workers.supervisor import QueryPool


@pytest.fixture(scope="module")
def store_path(kg: KnowledgeGraph) -> Path:
    return kg.query_store()


def _descriptors(pid: int) -> dict[int, str]:
    found = {}
    for entry in Path(f"/proc/{pid}/fd").iterdir():
        try:
            found[int(entry.name)] = os.readlink(entry)
        except OSError:
            continue
    return found


def test_a_worker_holds_only_its_pipes_the_null_device_and_its_store(store_path: Path) -> None:
    with QueryPool(store_path, size=1) as pool:
        pool.warm_up()
        ((pid, _),) = pool.workers()
        held = _descriptors(pid)
    assert {held[0], held[1], held[2]} == {"/dev/null"}
    pipes = sorted(fd for fd, target in held.items() if target.startswith("pipe:"))
    assert len(pipes) == 2  # its job pipe's read end and its answer pipe's write end
    others = {fd: target for fd, target in held.items() if fd > 2 and fd not in pipes}
    outside = {
        fd: target
        for fd, target in others.items()
        if not target.startswith(str(store_path)) and not target.startswith("anon_inode:")
    }
    assert outside == {}  # no socket, no file of the server's: only the store it opened itself
    assert not any(target.startswith("socket:") for target in held.values())


def test_the_fork_server_reports_its_sandbox(store_path: Path) -> None:
    with QueryPool(store_path, size=1) as sandboxed, QueryPool(store_path, size=1, network=True) as open_:
        assert (sandboxed.sandboxed, sandboxed.sandbox_problem) == (True, None)
        assert (open_.sandboxed, open_.sandbox_problem) == (False, None)
        server = sandboxed.fork_server.pid
        assert server is not None
        own = os.readlink("/proc/self/ns/net")
        assert os.readlink(f"/proc/{server}/ns/net") != own
        assert os.readlink(f"/proc/{open_.fork_server.pid}/ns/net") == own


def test_a_failed_fork_is_answered_and_the_fork_server_lives_on(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    reply, fds = forkserver._fork(None, [], ["spawn", "/nowhere", None, 7])  # type: ignore[arg-type]
    assert (reply, fds) == (("error", "fork failed: Resource temporarily unavailable", 7), [])


def test_closing_the_pool_stops_and_reaps_every_worker_of_the_fork_server(store_path: Path) -> None:
    pool = QueryPool(store_path, size=2, spare=True)
    pool.warm_up()
    server = pool.fork_server.pid
    assert server is not None
    workers = [pid for pid, _ in pool.workers()]
    assert sorted(child_pids(server)) == sorted(workers)
    pool.close()
    time.sleep(0.1)
    assert [pid for pid in [server, *workers] if Path(f"/proc/{pid}").exists()] == []


def test_workers_die_with_their_fork_server(store_path: Path) -> None:
    with QueryPool(store_path, size=2) as pool:
        pool.warm_up()
        workers = [pid for pid, _ in pool.workers()]
        server = pool.fork_server.pid
        assert server is not None
        os.kill(server, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [pid for pid in workers if _running(pid)] == []


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
