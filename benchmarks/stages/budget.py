"""The least a light request can cost in our design, part by part, measured beside the wrk runs.

A request of ours needs three things Oxigraph's server does not split apart: an HTTP stack in Python
(its floor is `benchmarks/floor.py`, measured by the warm mode), a round trip to a sandboxed worker
process (the safety design: no network, a memory limit, a query that can be killed), and Oxigraph's own
evaluation. This stage measures the last two in CPU time: the pool's round trip for a job that asks
nothing (`ASK {}`, both processes), and Oxigraph evaluating each light query in process (query and JSON
answer). With the floor, their sum is what a request costs here before any code of ours runs.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks import wrk
from benchmarks.servers import tree_cpu


@dataclass
class Budget:
    """CPU microseconds per request: the pool's round trip (caller, worker), and Oxigraph's evaluation."""

    hop_caller: float
    hop_worker: float
    evaluation: float

    @property
    def hop(self) -> float:
        return self.hop_caller + self.hop_worker


def _cpu_per_call(call: object, count: int) -> float:
    started = time.process_time()
    for _ in range(count):
        call()  # type: ignore[operator]
    return (time.process_time() - started) / count * 1e6


def run(store: Path, queries: list[wrk.LightQuery], *, jobs: int = 3000, rounds: int = 3) -> Budget:
    """The median round of each measurement (`jobs` round trips, every light query evaluated
    `jobs // len(queries)` times)."""
    import pyoxigraph as ox

    from shfz_graph.workers import execute
    from shfz_graph.workers.supervisor import QueryPool

    texts = [q.template.replace(wrk.NONCE, str(i)) for i, q in enumerate(queries)]
    reference = ox.Store.read_only(str(store))
    json = ox.QueryResultsFormat.JSON

    def evaluate_all() -> None:
        for text in texts:
            reference.query(text, use_default_graph_as_union=True).serialize(format=json)  # type: ignore[arg-type]

    evaluate_all()
    repeats = max(1, jobs // len(texts))
    evaluations = sorted(_cpu_per_call(evaluate_all, repeats) / len(texts) for _ in range(rounds))
    caller, worker = [], []
    tick = os.sysconf("SC_CLK_TCK")
    with QueryPool(str(store), size=1, spare=False) as pool:
        pool.warm_up()
        job = execute.make_job("ASK {}")
        pool.run(job, timeout=10)
        for _ in range(rounds):
            before = tree_cpu(os.getpid())
            caller.append(_cpu_per_call(lambda: pool.run(job, timeout=10), jobs))
            after = tree_cpu(os.getpid())
            spent = sum(t - before.get(pid, 0) for pid, t in after.items() if pid != os.getpid())
            worker.append(spent / tick / jobs * 1e6)
    middle = (rounds - 1) // 2
    return Budget(sorted(caller)[middle], sorted(worker)[middle], evaluations[middle])
