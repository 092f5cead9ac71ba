"""Isolated stage: the endpoint under ApacheBench, ours against `oxigraph serve-read-only`, with their PSS.

The two servers are loaded in turn, several rounds, and each one's median round is what counts: on a
small machine one run of either can be off by a tenth. Wrong answers are answers whose length differs
from the first (ab), and a first answer of ours that differs from Oxigraph's.
"""

from __future__ import annotations

import json
import statistics
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from benchmarks.client import ab, http_get
from benchmarks.servers import Sampler, Server


@dataclass
class Throughput:
    """ApacheBench's numbers for each server, whether the first answers agree, and the peak PSS (KiB)."""

    ours: dict[str, Any]
    oxigraph: dict[str, Any]
    same: bool
    ours_pss: int
    oxigraph_pss: int
    rounds: list[tuple[float, float]] = field(default_factory=list)  # q/s of ours and Oxigraph per round


def bindings_set(body: bytes) -> list[str]:
    """The solutions of a JSON answer, in an order that does not depend on the server."""
    doc = json.loads(body)
    return sorted(json.dumps(b, sort_keys=True) for b in doc["results"]["bindings"])


def combine(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Several ApacheBench runs as one: the median run's q/s and latencies, every run's counts summed."""
    middle = sorted(runs, key=lambda r: r["qps"])[(len(runs) - 1) // 2]
    summed = {key: sum(r[key] for r in runs) for key in ("complete", "failed", "length", "non2xx")}
    return {**middle, **summed, "qps": statistics.median(r["qps"] for r in runs)}


def run(
    ours: Server, oxigraph: Server, text: str, clients: int, seconds: float, rounds: int = 3
) -> Throughput:
    """Compare the first answers, warm both servers up, then load each in turn, `rounds` times, while
    sampling its PSS (the peak over every round)."""
    qs = urllib.parse.urlencode({"query": text})
    ours_url, ox_url = f"{ours.url}?{qs}", f"{oxigraph.url}?{qs}"
    same = bindings_set(http_get(ours_url)[1]) == bindings_set(http_get(ox_url)[1])
    for _ in range(20):
        http_get(ours_url), http_get(ox_url)
    ours_runs, ox_runs = [], []
    ours_pss = ox_pss = 0
    for _ in range(rounds):
        sampler = Sampler(ours.pid)
        ours_runs.append(ab(ours_url, clients, seconds))
        ours_pss = max(ours_pss, sampler.stop())
        sampler = Sampler(oxigraph.pid)
        ox_runs.append(ab(ox_url, clients, seconds))
        ox_pss = max(ox_pss, sampler.stop())
    per_round = [(a["qps"], b["qps"]) for a, b in zip(ours_runs, ox_runs, strict=True)]
    return Throughput(combine(ours_runs), combine(ox_runs), same, ours_pss, ox_pss, per_round)
