"""Cold and repeated texts: light queries under wrk, ours against `oxigraph serve-read-only`, in turn.

Cold: every request's text is new (a nonce in a VALUES block), as from pages with parameters, notebooks
and other programs; no cache of ours can have seen it. Repeated: the same light queries, each with one
fixed text. Both servers get each mode in turn, several rounds, and each one's median round counts.
Every answer is checked by the wrk script (benchmarks/wrk.py): errors and wrong answers are counted.
"""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import wrk
from benchmarks.servers import Server, tree_cpu

MODES = ("cold", "repeated")


@dataclass
class Side:
    """One server in one mode: every round's wrk run, and the CPU seconds its processes used in it (the
    server process itself, and its descendants: our fork server and workers)."""

    runs: list[wrk.WrkRun] = field(default_factory=list)
    cpu: list[tuple[float, float]] = field(default_factory=list)

    def cpu_per_query(self) -> tuple[float, float]:
        """CPU seconds per answered request over every round: the server process's, and the rest's."""
        requests = sum(r.requests for r in self.runs)
        if not requests:
            return 0.0, 0.0
        return sum(c[0] for c in self.cpu) / requests, sum(c[1] for c in self.cpu) / requests

    @property
    def qps(self) -> float:
        return statistics.median(r.qps for r in self.runs) if self.runs else 0.0

    @property
    def median_run(self) -> wrk.WrkRun:
        return sorted(self.runs, key=lambda r: r.qps)[(len(self.runs) - 1) // 2]

    def total(self, name: str) -> int:
        return sum(int(getattr(r, name)) for r in self.runs)


@dataclass
class Cold:
    """Per mode ("cold", "repeated"): our side and Oxigraph's."""

    ours: dict[str, Side]
    oxigraph: dict[str, Side]
    connections: int
    seconds: float
    queries: int

    def ratio(self, mode: str) -> float:
        base = self.oxigraph[mode].qps
        return self.ours[mode].qps / base if base else 0.0


def cpu_used(pid: int, before: dict[int, int], after: dict[int, int]) -> tuple[float, float]:
    """CPU seconds between two `tree_cpu` readings: of the process `pid`, and of its descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    own = (after.get(pid, 0) - before.get(pid, 0)) / tick
    rest = sum(t - before.get(p, 0) for p, t in after.items() if p != pid) / tick
    return own, rest


def run(
    ours: Server,
    oxigraph: Server,
    queries: list[wrk.LightQuery],
    *,
    connections: int,
    seconds: float,
    rounds: int,
    work: Path,
    progress: bool = True,
) -> Cold:
    """A short warm-up of each server in each mode, then `rounds` rounds: for each mode, ours, then
    Oxigraph, for `seconds` each."""
    result = Cold({m: Side() for m in MODES}, {m: Side() for m in MODES}, connections, seconds, len(queries))
    script = work / "light.lua"
    for server in (ours, oxigraph):
        for mode in MODES:
            wrk.run(
                server.url, queries, fresh=mode == "cold", connections=connections, seconds=2, script=script
            )
    for round_number in range(rounds):
        for mode in MODES:
            for server, sides in ((ours, result.ours), (oxigraph, result.oxigraph)):
                before = tree_cpu(server.pid)
                done = wrk.run(
                    server.url,
                    queries,
                    fresh=mode == "cold",
                    connections=connections,
                    seconds=seconds,
                    script=script,
                )
                sides[mode].runs.append(done)
                sides[mode].cpu.append(cpu_used(server.pid, before, tree_cpu(server.pid)))
                if progress:
                    print(
                        f"round {round_number + 1} {mode} {server.name}: {done.qps:.0f} q/s, "
                        f"p99 {done.p99 * 1000:.0f} ms, {done.wrong} wrong, {done.errors} errors",
                        flush=True,
                    )
    return result
