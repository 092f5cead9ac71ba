"""Every measurement of the suite against its baseline in the same run; writes benchmarks/RESULTS.md.

    python -m benchmarks suite                       # 10^4, 10^5, 10^6 triples (about 25 minutes)
    python -m benchmarks suite --quick               # 10^4 only, fewer repeats (under 3 minutes)
    python -m benchmarks suite --sizes 10000,100000  # choose the sizes (the last one is the "large" size)

Needs the `bench` extra (`pip install -e '.[bench]'`): pyoxigraph, oxrdflib, reasonable, the `oxigraph`
server and rdflib-endpoint. Every server listens on 127.0.0.1 only and is stopped by its process id.
Timings are medians over repeats; a baseline that runs longer than its cap is stopped and reported as
"> cap". See benchmarks/README.md for what each measurement means.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.harness import ENDPOINT_QUERY, RESULTS, SEED, environment, synthetic_file
from benchmarks.report import suite as sections
from benchmarks.report.markdown import write_atomic
from benchmarks.stages import cli, endpoints, export, load, memory, queries, reason, validate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", help="comma-separated triple counts (default 10000,100000,1000000)")
    parser.add_argument("--quick", action="store_true", help="10^4 only, one repeat: a smoke run (< 3 min)")
    parser.add_argument(
        "--work", type=Path, help="folder for generated files and stores (default: a temp dir)"
    )
    parser.add_argument("-o", "--output", type=Path, default=RESULTS, help="default: benchmarks/RESULTS.md")


class _Clock:
    """Minutes per stage, in the order they ran."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, float]] = []
        self._last = time.perf_counter()

    def mark(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages.append((stage, now - self._last))
        self._last = now


def _endpoints(path: Path, size: int, cache: Path, work: Path, quick: bool) -> sections.Section:
    try:
        e = endpoints.run(path, size, cache, work, quick)
    except Exception as exc:  # keep what was measured so far
        e = {"size": size, "query": ENDPOINT_QUERY, "seconds": 0, "results": [], "api": f"failed: {exc}"}
    return sections.endpoints_section(e)


def run_all(sizes: list[int], work: Path, cache: Path, quick: bool) -> sections.Suite:
    """Every stage in turn, each adding its section and targets; a failed memory stage ends the run."""
    suite, clock = sections.Suite(), _Clock()
    large = max(sizes)
    medium = 100_000 if 100_000 in sizes else large
    files = {size: synthetic_file(size, work) for size in sizes}
    clock.mark("generate")
    suite.add(sections.generate_section(sizes))
    suite.add(sections.load_section(load.run(files, quick), large))
    clock.mark("load")
    suite.add(sections.reason_section(reason.run(files, quick)))
    clock.mark("reason")
    suite.add(sections.validate_section(validate.run(work, quick)))
    clock.mark("validate")
    for size in sorted({medium, large}):
        measured = queries.run(size, files[size], cache, quick, 60.0)
        suite.add(sections.queries_section(measured, large, queries.PROFILED_QUERY))
    clock.mark("queries")
    suite.add(sections.export_section(export.run(files, cache, quick)))
    clock.mark("export")
    suite.add(sections.cli_section(cli.run(cache, quick)))
    clock.mark("CLI")
    suite.add(_endpoints(files[medium], medium, cache, work, quick))
    clock.mark("endpoints")
    try:
        suite.add(sections.memory_section(memory.run(files[large], large, cache, work)))
    except Exception as exc:  # keep what was measured so far
        suite.add(sections.memory_failed_section(exc))
        clock.mark("memory")
        return suite
    clock.mark("memory")
    suite.add(sections.stages_section(clock.stages, os.getloadavg()))
    return suite


def run(args: argparse.Namespace, command: str) -> int:
    """Run every stage at the sizes asked for and write the report to --output."""
    if args.sizes:
        sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    else:
        sizes = [10_000] if args.quick else [10_000, 100_000, 1_000_000]
    started = time.perf_counter()
    work = args.work or Path(tempfile.mkdtemp(prefix="shfz-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    cache = work / "closure-cache"
    os.environ["SHFZ_GRAPH_CACHE"] = str(cache)
    suite = run_all(sizes, work, cache, args.quick)
    elapsed = time.perf_counter() - started
    text = sections.suite_document(environment(command), sizes, args.quick, elapsed, suite, SEED)
    write_atomic(args.output, text)
    print(f"wrote {args.output} in {(time.perf_counter() - started) / 60:.1f} min", file=sys.stderr)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0
