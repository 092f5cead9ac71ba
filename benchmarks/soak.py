"""The soak: minutes of light load, hostile clients and a chaos client against one `shfz-graph serve`.

    python -m benchmarks soak --minutes 10

Builds the on-disk store as the isolated run does, asks it for the light queries' reference counts,
starts `shfz-graph serve` on it and runs benchmarks/stages/soak.py: wrk (a C load generator) with the
cold mix of benchmarks/wrk.py, hostile clients, and a chaos client that SIGKILLs a random idle worker
every few seconds, sampling the PSS of every serving process. Writes its section of RESULTS.md between
`<!-- soak:start -->` and `<!-- soak:end -->` and the chart `benchmarks/soak-pss.svg` beside it
(`--no-write` leaves both alone). Needs `wrk` (Debian's wrk).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

from benchmarks import isolated
from benchmarks.cold import light_queries, load_average, wrk_store
from benchmarks.harness import RESULTS
from benchmarks.report import soak as report
from benchmarks.report.markdown import write_atomic, write_section
from benchmarks.servers import start_shfz
from benchmarks.stages import soak

CHART = RESULTS.with_name("soak-pss.svg")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--minutes", type=float, default=10.0, help="how long (default: 10)")
    parser.add_argument("--triples", type=int, default=1000, help="synthetic triples (default: 1000)")
    parser.add_argument("--connections", type=int, default=4, help="wrk's connections (default: 4)")
    parser.add_argument("--hostile", type=int, default=2, help="hostile clients (default: 2)")
    parser.add_argument(
        "--chaos-every", type=float, default=3.0, help="seconds between kills; 0: none (default: 3)"
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="serve's query timeout (default: 10)")
    parser.add_argument("--work", type=Path, help="keep data, stores and logs here")
    parser.add_argument("--no-write", action="store_true", help="print, but leave RESULTS.md alone")
    parser.add_argument("--no-reasoning", action="store_true", help="leave the closure out")


def run(args: argparse.Namespace, command: str) -> int:
    """Run the soak, print its section, write it and the chart."""
    before = load_average()
    work, data, store = wrk_store(args, "bench-soak-")
    queries = light_queries(store, 48)
    options, serve_options = isolated.shfz_options(args, work, data, timeout=args.timeout)
    server = start_shfz(work, options, serve_options)
    try:
        server.wait(queries[0].template.replace("NONCE", "0"), 1200)
        seconds = args.minutes * 60
        result = soak.run(
            server,
            queries,
            seconds=seconds,
            connections=args.connections,
            hostile_clients=args.hostile,
            chaos_every=args.chaos_every,
            sample_every=max(0.5, seconds / 300),
            work=work,
        )
    finally:
        server.stop()
    setup = report.SoakSetup(
        date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        command=command,
        machine=f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}",
        data=f"our ontology and data, {args.triples:,} synthetic triples (`generate.py --seed 1`)"
        + ("" if args.no_reasoning else " and the OWL 2 RL closure (reasonable)")
        + ", in an on-disk Oxigraph store",
        connections=args.connections,
        hostile_clients=args.hostile,
        chaos_every=args.chaos_every,
        timeout=args.timeout,
        load_before=before,
        load_after=load_average(),
        chart=CHART.name,
    )
    section = report.soak_section(setup, result)
    print(section)
    if not args.no_write:
        write_atomic(CHART, report.chart(result.samples))
        write_section(RESULTS, section, "soak")
    return 0
