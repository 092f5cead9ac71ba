"""The serving path under wrk, ours against `oxigraph serve-read-only`, mode by mode, in turn.

- cold: light queries whose every text is new (a nonce in a VALUES block), as from pages with parameters,
  notebooks and other programs; no cache of ours can have seen the text.
- warm: the same light queries with one fixed text each, repeated (dashboards, pages): our answer cache
  holds them after their first answer.
- uncached: the warm mix against a second `serve` of ours started with `--answer-cache 0`: every request
  evaluated, so the per-request path itself is measured.
- revalidation: the warm mix sent with each answer's ETag in `If-None-Match`: a 304 with no body is the
  right answer (Oxigraph sends no ETag: its baseline is its warm run, answering in full).
- heavy: queries of milliseconds (a join on the subject over the largest predicates), every text new.

Every answer is checked by the wrk script (benchmarks/wrk.py): errors and wrong answers are counted.
Each mode runs on each server in turn, several rounds, and each side's median round counts.
"""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import wrk
from benchmarks.servers import Server, tree_cpu


@dataclass(frozen=True)
class Mode:
    """One load: which queries, new texts or not, which server of ours, and what it is compared with."""

    name: str
    fresh: bool
    baseline: str  # the Oxigraph run of the same texts
    target: float | None  # at least this many times Oxigraph's q/s (None: reported, no target)
    heavy: bool = False
    uncached: bool = False  # our server started with --answer-cache 0
    revalidate: bool = False


MODES = {
    "cold": Mode("cold", True, "cold", 0.7),
    "warm": Mode("warm", False, "warm", 2.0),
    "uncached": Mode("uncached", False, "warm", 0.7, uncached=True),
    "revalidation": Mode("revalidation", False, "warm", None, revalidate=True),
    "heavy": Mode("heavy", True, "heavy", 1.0, heavy=True),
}
OXIGRAPH_MODES = ("cold", "warm", "heavy")


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
    """Per mode: our side; per Oxigraph mode: Oxigraph's."""

    ours: dict[str, Side]
    oxigraph: dict[str, Side]
    connections: int
    seconds: float
    queries: int
    heavy_queries: int = 0
    floor: Side | None = None  # the warm mix answered by our HTTP stack alone (benchmarks.floor)

    def ratio(self, mode: str) -> float:
        base = self.oxigraph[MODES[mode].baseline].qps
        return self.ours[mode].qps / base if base else 0.0


def cpu_used(pid: int, before: dict[int, int], after: dict[int, int]) -> tuple[float, float]:
    """CPU seconds between two `tree_cpu` readings: of the process `pid`, and of its descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    own = (after.get(pid, 0) - before.get(pid, 0)) / tick
    rest = sum(t - before.get(p, 0) for p, t in after.items() if p != pid) / tick
    return own, rest


@dataclass
class Servers:
    """Ours (answer cache on), ours without the answer cache, and Oxigraph, on one store."""

    ours: Server
    uncached: Server
    oxigraph: Server
    floor: Server | None = None  # benchmarks.floor: uvicorn answering from a table, in the warm mode


def run(
    servers: Servers,
    light: list[wrk.LightQuery],
    heavy: list[wrk.LightQuery],
    etags: list[str],
    *,
    connections: int,
    seconds: float,
    rounds: int,
    work: Path,
    modes: tuple[str, ...] = tuple(MODES),
    progress: bool = True,
) -> Cold:
    """A short warm-up of each server in each mode, then `rounds` rounds: for each mode, ours, then
    Oxigraph (for the modes it has), for `seconds` each."""
    result = Cold({m: Side() for m in modes}, {}, connections, seconds, len(light), len(heavy))
    needed = {MODES[m].baseline for m in modes}
    result.oxigraph = {m: Side() for m in OXIGRAPH_MODES if m in needed}
    if servers.floor is not None and "warm" in modes:
        result.floor = Side()
    script = work / "light.lua"

    def load(server: Server, mode: Mode, how_long: float) -> wrk.WrkRun:
        return wrk.run(
            server.url,
            heavy if mode.heavy else light,
            fresh=mode.fresh,
            connections=connections,
            seconds=how_long,
            script=script,
            etags=etags if mode.revalidate else (),
        )

    plan: list[tuple[str, Server, Mode, Side]] = []
    for name in modes:
        mode = MODES[name]
        plan.append(("ours", servers.uncached if mode.uncached else servers.ours, mode, result.ours[name]))
        if name in result.oxigraph:
            plan.append(("oxigraph", servers.oxigraph, mode, result.oxigraph[name]))
        if name == "warm" and servers.floor is not None and result.floor is not None:
            plan.append(("uvicorn floor", servers.floor, mode, result.floor))
    for _, server, mode, _ in plan:
        load(server, mode, 2)
    for round_number in range(rounds):
        for who, server, mode, side in plan:
            before = tree_cpu(server.pid)
            done = load(server, mode, seconds)
            side.runs.append(done)
            side.cpu.append(cpu_used(server.pid, before, tree_cpu(server.pid)))
            if progress:
                print(
                    f"round {round_number + 1} {mode.name} {who}: {done.qps:.0f} q/s, "
                    f"p99 {done.p99 * 1000:.0f} ms, {done.wrong} wrong, {done.errors} errors"
                    + (f", {done.revalidated} revalidated" if mode.revalidate else ""),
                    flush=True,
                )
    return result
