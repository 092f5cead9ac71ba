"""The cold path: light queries whose text is new on every request, against `oxigraph serve-read-only`.

    python -m benchmarks cold --triples 1000 --seconds 10

Builds the on-disk store as the isolated run does (our data, synthetic triples, the closure), asks it
for the light queries' reference counts, starts `shfz-graph serve` and `oxigraph serve-read-only` on it,
and loads each in turn with wrk (benchmarks/wrk.py; a C load generator with our Lua script, so the
client is not the bottleneck): new texts, then repeated texts (benchmarks/stages/cold.py). Writes its
section of RESULTS.md between `<!-- cold:start -->` and `<!-- cold:end -->` (`--no-write` leaves the
file alone). Needs `wrk` (Debian's wrk) and `oxigraph` (pip install -e '.[bench]').
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks import isolated, wrk
from benchmarks.harness import RESULTS
from benchmarks.report import cold as report
from benchmarks.report.markdown import write_section
from benchmarks.stages import cold


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--triples", type=int, default=1000, help="synthetic triples (default: 1000)")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per wrk run (default: 10)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each server and mode, in turn")
    parser.add_argument("--queries", type=int, default=48, help="light queries in the mix (at most 64)")
    parser.add_argument("--work", type=Path, help="keep data, stores and logs here")
    parser.add_argument("--no-write", action="store_true", help="print, but leave RESULTS.md alone")
    parser.add_argument("--no-reasoning", action="store_true", help="leave the closure out")


def load_average() -> str:
    """The load average of the last 1, 5 and 15 minutes."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def light_queries(store: Path, how_many: int) -> list[wrk.LightQuery]:
    """The light queries with their counts, read from the on-disk store the servers open."""
    import pyoxigraph as ox

    reference = ox.Store.read_only(str(store))
    try:
        return wrk.light_queries(reference, how_many)
    finally:
        del reference


def run(args: argparse.Namespace, command: str) -> int:
    """Start both servers on one store, load each in turn, print the section and write it."""
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk: apt-get install wrk")
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-cold-"))
    work.mkdir(parents=True, exist_ok=True)
    before = load_average()
    data = isolated.data_file(work, args.triples)
    kg, store = isolated.graph_store(work, data, not args.no_reasoning)
    kg.close()
    queries = light_queries(store, args.queries)
    ours, oxigraph = isolated.start_servers(args, work, data, store)
    try:
        probe = queries[0].template.replace(wrk.NONCE, "0")
        ours.wait(probe, 1200)
        oxigraph.wait(probe, 1200)
        result = cold.run(
            ours,
            oxigraph,
            queries,
            connections=args.connections,
            seconds=args.seconds,
            rounds=args.rounds,
            work=work,
        )
    finally:
        ours.stop()
        oxigraph.stop()
    setup = report.ColdSetup(
        date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        command=command,
        machine=f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}",
        data=f"our ontology and data, {args.triples:,} synthetic triples (`generate.py --seed 1`)"
        + ("" if args.no_reasoning else " and the OWL 2 RL closure (reasonable)")
        + ", in one on-disk Oxigraph store that both servers open read-only",
        load_before=before,
        load_after=load_average(),
    )
    section = report.cold_section(setup, result)
    print(section)
    if not args.no_write:
        write_section(RESULTS, section, "cold")
    return 0
