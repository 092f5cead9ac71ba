"""The serving path: new, repeated, uncached, revalidated and heavy queries, wrk, against Oxigraph.

    python -m benchmarks cold --triples 1000 --seconds 10

Builds the on-disk store as the isolated run does (our data, synthetic triples, the closure), asks it
for the queries' reference counts, starts `shfz-graph serve` twice (with its answer cache, and with
`--answer-cache 0`) and `oxigraph serve-read-only` on it, and loads each in turn with wrk
(benchmarks/wrk.py; a C load generator with our Lua script, so the client is not the bottleneck): the
modes of benchmarks/stages/cold.py. Then the bytes on the wire of a few larger answers with and without
compression (benchmarks/stages/wire.py). Writes its section of RESULTS.md between `<!-- cold:start -->`
and `<!-- cold:end -->` (`--no-write` leaves the file alone). Needs `wrk` (Debian's wrk) and `oxigraph`
(pip install -e '.[bench]').
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from benchmarks import isolated, wrk
from benchmarks.harness import RESULTS
from benchmarks.report import cold as report
from benchmarks.report.markdown import write_section
from benchmarks.servers import start_floor, start_shfz
from benchmarks.stages import budget, cold, wire


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--triples", type=int, default=1000, help="synthetic triples (default: 1000)")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per wrk run (default: 10)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each server and mode, in turn")
    parser.add_argument("--queries", type=int, default=48, help="light queries in the mix (at most 64)")
    parser.add_argument("--work", type=Path, help="keep data, stores and logs here")
    parser.add_argument("--no-write", action="store_true", help="print, but leave RESULTS.md alone")
    parser.add_argument("--no-reasoning", action="store_true", help="leave the closure out")
    parser.add_argument(
        "--modes",
        default=",".join(cold.MODES),
        help=f"which loads, comma-separated (default: all: {','.join(cold.MODES)})",
    )
    parser.add_argument("--heavy", type=int, default=8, help="heavy queries in their mix (default: 8)")


def load_average() -> str:
    """The load average of the last 1, 5 and 15 minutes."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def light_queries(store: Path, how_many: int) -> list[wrk.LightQuery]:
    """The light queries with their counts, read from the on-disk store the servers open."""
    return reference_queries(store, how_many, 0)[0]


def reference_queries(
    store: Path, how_many: int, heavy: int
) -> tuple[list[wrk.LightQuery], list[wrk.LightQuery]]:
    """The light and the heavy queries with their counts, read from the on-disk store the servers open."""
    import pyoxigraph as ox

    reference = ox.Store.read_only(str(store))
    try:
        return wrk.light_queries(reference, how_many), wrk.heavy_queries(reference, heavy) if heavy else []
    finally:
        del reference


def etags_of(url: str, queries: list[wrk.LightQuery]) -> list[str]:
    """The ETag of each fixed text's answer, asked for as wrk asks (the same URL, JSON, no
    Accept-Encoding)."""
    tags = []
    for number, query in enumerate(queries):
        text = query.template.replace(wrk.NONCE, str(number))
        request = urllib.request.Request(
            # spelled as the Lua script spells it: a tag names the answer to one URL
            url + "?query=" + urllib.parse.quote(text, safe=""),
            headers={"Accept": wrk.JSON},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            tag = response.headers.get("ETag")
        if not tag:
            raise RuntimeError(f"no ETag on the answer to {text!r}")
        tags.append(tag)
    return tags


def wrk_store(args: argparse.Namespace, prefix: str) -> tuple[Path, Path, Path]:
    """For a wrk benchmark (this one, the soak): its work folder, the data file and the on-disk store
    built from it (wrk must be installed)."""
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk: apt-get install wrk")
    work = args.work or Path(tempfile.mkdtemp(prefix=prefix))
    work.mkdir(parents=True, exist_ok=True)
    data = isolated.data_file(work, args.triples)
    kg, store = isolated.graph_store(work, data, not args.no_reasoning)
    kg.close()
    return work, data, store


def run(args: argparse.Namespace, command: str) -> int:
    """Start both servers on one store, load each in turn, print the section and write it."""
    before = load_average()
    work, data, store = wrk_store(args, "bench-cold-")
    modes = tuple(m for m in args.modes.split(",") if m)
    unknown = [m for m in modes if m not in cold.MODES]
    if unknown:
        raise SystemExit(f"unknown mode(s) {', '.join(unknown)}; choose from {', '.join(cold.MODES)}")
    light, heavy = reference_queries(store, args.queries, args.heavy)
    spent = budget.run(store, light)  # before any server starts: the CPU counted is the pool's alone
    ours, oxigraph = isolated.start_servers(args, work, data, store)
    options, serve_options = isolated.shfz_options(args, work, data, store_path=work / "kg-uncached")
    uncached = start_shfz(work, options, [*serve_options, "--answer-cache", "0"])
    floor = start_floor([q.count for q in light], work)
    try:
        probe = light[0].template.replace(wrk.NONCE, "0")
        for server in (ours, uncached, oxigraph, floor):
            server.wait(probe, 1200)
        result = cold.run(
            cold.Servers(ours, uncached, oxigraph, floor),
            light,
            heavy,
            etags_of(ours.url, light),
            connections=args.connections,
            seconds=args.seconds,
            rounds=args.rounds,
            work=work,
            modes=modes,
        )
        on_the_wire = wire.run(ours.url, oxigraph.url)
    finally:
        ours.stop()
        uncached.stop()
        oxigraph.stop()
        floor.stop()
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
    section = report.cold_section(setup, result, on_the_wire, spent)
    print(section)
    if not args.no_write:
        write_section(RESULTS, section, "cold")
    return 0
