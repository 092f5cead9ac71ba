"""Soak: light load from wrk, hostile clients and a chaos client that kills idle workers, for minutes.

The light load is the cold mix of benchmarks/wrk.py (every text new, every answer checked). The hostile
clients (a few threads) send the hostile query classes of tests/conftest.py (`HOSTILE` in
benchmarks/stages/hostile.py) one after the other, each running to a limit of ours. The chaos client
SIGKILLs a random idle worker every few seconds: the workers are the children of the fork server, itself
the server's child; a worker that used no CPU time over a short look is taken as idle, and when none is,
the least busy one is killed (and counted apart). Idle is a guess: CPU time is counted in ticks of 10 ms,
so a worker answering short queries can show none over the look. A light query whose worker was killed
under it is answered 500 "the query's worker died" and counted apart from errors.
Meanwhile the PSS of every serving process is sampled: the long-lived ones (the server and its direct
children, the fork server) and all of them (the workers too).
"""

from __future__ import annotations

import collections
import os
import random
import signal
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import wrk
from benchmarks.client import http_get
from benchmarks.servers import Server, children, cpu_ticks, parent, processes, pss
from benchmarks.stages.hostile import HOSTILE


@dataclass
class Sample:
    """The PSS (KiB) of the serving processes at one moment, seconds from the start."""

    seconds: float
    total: int  # the server, the fork server and every worker
    long_lived: int  # the server and the fork server
    workers: int


@dataclass
class Soak:
    """What the soak saw: the light load's checked answers, the hostile answers, the kills, the samples."""

    seconds: float
    light: wrk.WrkRun
    hostile: dict[str, int] = field(default_factory=dict)  # "status message" -> answers
    kills: int = 0  # workers killed that had used no CPU time over a short look
    busy_kills: int = 0  # none was idle: the least busy worker was killed
    samples: list[Sample] = field(default_factory=list)
    answers_after: bool = False  # a light query answered right once the load stopped
    workers_before: int = 0
    workers_after: int = 0


def sample(server: int, started: float) -> Sample:
    long_lived, workers = processes(server)
    kept = sum(pss(p) for p in long_lived)
    return Sample(time.monotonic() - started, kept + sum(pss(p) for p in workers), kept, len(workers))


def kill_a_worker(server: int, look: float, rng: random.Random) -> str | None:
    """SIGKILL one worker: a random one of those that used no CPU time over `look` seconds ("idle"), else
    the one that used least ("least busy": a light query on it may fail); by pidfd, after checking it is
    still a child of the fork server. None when there was no worker to kill."""
    before = {pid: cpu_ticks(pid) for pid in processes(server)[1]}
    time.sleep(look)
    used = {
        pid: after - ticks
        for pid, ticks in before.items()
        if ticks is not None and (after := cpu_ticks(pid)) is not None
    }
    if not used:
        return None
    idle = sorted(pid for pid, ticks in used.items() if ticks == 0)
    victim = rng.choice(idle) if idle else min(used, key=lambda pid: used[pid])
    expected_parent = parent(victim)
    try:
        handle = os.pidfd_open(victim)
    except OSError:
        return None
    try:
        if parent(victim) != expected_parent or expected_parent not in children(server):
            return None
        signal.pidfd_send_signal(handle, signal.SIGKILL)
    except OSError:
        return None
    finally:
        os.close(handle)
    return "idle" if idle else "least busy"


def outcome(status: int, body: bytes) -> str:
    """An answer as "status message": the first line of the body, cut short."""
    if status == 200 or not body.strip():
        return str(status)
    message = body.decode("utf-8", "replace").strip().splitlines()[0]
    return f"{status} {message[:90]}".strip()


def _hostile_client(url: str, offset: int, stop: threading.Event, outcomes: collections.Counter[str]) -> None:
    queries = list(HOSTILE.values())
    index = offset
    while not stop.is_set():
        query = queries[index % len(queries)]
        index += 1
        status, body = http_get(f"{url}?" + urllib.parse.urlencode({"query": query}), timeout=120)
        outcomes[outcome(status, body)] += 1


def run(
    server: Server,
    queries: list[wrk.LightQuery],
    *,
    seconds: float,
    connections: int,
    hostile_clients: int,
    chaos_every: float,
    sample_every: float,
    work: Path,
    seed: int = 1,
) -> Soak:
    """The soak: wrk for `seconds` in a thread, hostile clients in threads, the chaos client and the PSS
    sampler here; then whether the server still answers right and has its workers back."""
    rng = random.Random(seed)
    started = time.monotonic()
    stop = threading.Event()
    statuses: collections.Counter[str] = collections.Counter()
    light: list[wrk.WrkRun] = []
    workers_before = len(processes(server.pid)[1])

    def load() -> None:
        light.append(
            wrk.run(
                server.url,
                queries,
                fresh=True,
                connections=connections,
                seconds=seconds,
                script=work / "soak.lua",
            )
        )

    loader = threading.Thread(target=load)
    loader.start()
    hostile = [
        threading.Thread(target=_hostile_client, args=(server.url, i, stop, statuses))
        for i in range(hostile_clients)
    ]
    for thread in hostile:
        thread.start()
    samples: list[Sample] = []
    kills = busy_kills = 0
    next_kill = started + chaos_every
    next_sample = started
    while loader.is_alive():
        now = time.monotonic()
        if now >= next_sample:
            samples.append(sample(server.pid, started))
            next_sample += sample_every
        if chaos_every > 0 and now >= next_kill and now - started < seconds:
            killed = kill_a_worker(server.pid, 0.1, rng)
            kills += killed == "idle"
            busy_kills += killed == "least busy"
            next_kill += chaos_every
        time.sleep(0.05)
    loader.join()
    stop.set()
    for thread in hostile:
        thread.join()
    result = Soak(seconds, light[0], dict(sorted(statuses.items())), kills, busy_kills, samples)
    result.workers_before = workers_before
    probe = queries[0].template.replace(wrk.NONCE, "7")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        result.workers_after = len(processes(server.pid)[1])
        if result.workers_after == workers_before:
            break
        time.sleep(0.2)
    status, body = http_get(f"{server.url}?" + urllib.parse.urlencode({"query": probe}))
    result.answers_after = status == 200 and f'"value":"{queries[0].count}"'.encode() in body
    return result
