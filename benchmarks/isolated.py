"""The query workers against their baselines, in the same run and on the same quads.

    python -m benchmarks isolated --triples 1000000 --seconds 20

Stages, each with its baseline (benchmarks/stages/):
- named: `kg.answer(...)` (a worker evaluates and Oxigraph serializes JSON) against raw pyoxigraph
  (`Store.read_only(...).query(text).serialize(JSON)` on the very same store, parameters written in);
- throughput: `shfz-graph serve` against `oxigraph serve-read-only` on the very same store, 16 concurrent
  keep-alive clients from ApacheBench (a C load generator, so the client is not the bottleneck);
  errors are ab's failed and non-2xx responses, wrong answers are answers whose length differs from
  the first (ab) and a first answer that differs from Oxigraph's; and memory: the proportional set size
  (PSS) of all of `serve`'s processes (the workers included) against `oxigraph serve-read-only`, sampled
  during the load;
- hostile: hostile queries from two clients (one value growing without bound, solutions that
  multiply) while a third sends a light query; the server's peak PSS growth and the light query's p99.

The numbers go into benchmarks/RESULTS.md between the markers `<!-- isolated:start -->` and
`<!-- isolated:end -->`. Everything listens on and talks to 127.0.0.1; every server is stopped by its
own process id. Needs `ab` (Debian apache2-utils) and `oxigraph` (pip install -e '.[bench]').
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import generate
from benchmarks.harness import ENDPOINT_QUERY, RESULTS
from benchmarks.report import isolated as report
from benchmarks.report.markdown import write_section
from benchmarks.servers import Server, start_oxigraph, start_shfz
from benchmarks.stages import hostile, named, throughput


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--rounds", type=int, default=3, help="endpoint runs of each server, in turn (the median counts)"
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--work", type=Path, help="keep data, stores and logs here")
    parser.add_argument("--no-write", action="store_true", help="print, but leave RESULTS.md alone")
    parser.add_argument(
        "--skip", action="append", default=[], metavar="NAME", help="a named query to leave out"
    )
    parser.add_argument(
        "--no-reasoning",
        action="store_true",
        help="leave the closure out (reasonable needs about 20 GB to reason over 10^6 synthetic triples)",
    )


def _setup(args: argparse.Namespace, command: str) -> report.IsolatedSetup:
    return report.IsolatedSetup(
        date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        command=command,
        machine=f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}",
        clients=args.clients,
        triples=args.triples,
        reasoning=not args.no_reasoning,
        seconds=args.seconds,
        workers=os.cpu_count() or 1,
    )


def data_file(work: Path, triples: int) -> Path:
    """The synthetic file (seed 1), written by generate.py in its own process unless `work` has it."""
    data = work / f"synthetic-{triples}.ttl"
    if not data.is_file():
        generator = [sys.executable, str(Path(generate.__file__)), "--triples", str(triples)]
        subprocess.run([*generator, "--seed", "1", "-o", str(data)], check=True)
    return data


def graph_store(work: Path, data: Path, reason: bool) -> tuple[Any, Path]:
    """Our graph with the synthetic data in the on-disk store `work/kg`, and the store the workers read."""
    cache = work / "cache"
    os.environ["SHFZ_GRAPH_CACHE"] = str(cache)
    from shfz_graph.graph import load

    kg = load(
        store="oxigraph",
        store_path=work / "kg",
        extra_sources=[data],
        cache_dir=cache,
        reason=reason,
        max_memory=8 << 30,  # the raw baseline has no limit either: give the worker room for the heavy ones
    )
    return kg, kg.query_store()


def shfz_options(
    args: argparse.Namespace, work: Path, data: Path, store_path: Path | None = None, timeout: float = 60
) -> tuple[list[str], list[str]]:
    """The options of `shfz-graph` and of its `serve` for a server over the benchmark's data (a second
    server needs its own `store_path`: an Oxigraph store has one writer; the query store is shared)."""
    store_path = store_path or work / "kg"
    options = ["--store", "oxigraph", "--store-path", str(store_path), "--data", str(data)]
    return options, ["--timeout", f"{timeout:g}", *(["--no-reasoning"] if args.no_reasoning else [])]


def start_servers(args: argparse.Namespace, work: Path, data: Path, store: Path) -> tuple[Server, Server]:
    options, serve_options = shfz_options(args, work, data)
    ours = start_shfz(work, options, serve_options)
    return ours, start_oxigraph(store, work, read_only=True)


def _endpoint_query() -> str:
    from shfz_graph import catalog
    from shfz_graph.query.binding import bind_constants

    query = catalog.get(ENDPOINT_QUERY)
    return bind_constants(query.text, query.bind({}))


def run(args: argparse.Namespace, command: str) -> int:
    """Measure every stage, print the section, and write it into RESULTS.md unless --no-write."""
    if shutil.which("ab") is None:
        raise SystemExit("needs ab: apt-get install apache2-utils")
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-isolated-"))
    work.mkdir(parents=True, exist_ok=True)
    setup = _setup(args, command)
    started = time.monotonic()
    data = data_file(work, args.triples)
    kg, store = graph_store(work, data, not args.no_reasoning)
    print(f"stores ready in {time.monotonic() - started:.0f} s: {store}", flush=True)
    rows = named.run(kg, store, args.repeats, args.skip, lambda r: print(report.named_row(r), flush=True))
    kg.close()
    text = _endpoint_query()
    ours, oxigraph = start_servers(args, work, data, store)
    try:
        ours.wait(text, 1200)
        oxigraph.wait(text, 1200)
        load = throughput.run(ours, oxigraph, text, args.clients, args.seconds, args.rounds)
        under_attack = hostile.run(ours, args.seconds)
    finally:
        ours.stop()
        oxigraph.stop()
    section = report.isolated_section(setup, ENDPOINT_QUERY, rows, load, under_attack)
    print(section)
    if not args.no_write:
        write_section(RESULTS, section)
    return 0
