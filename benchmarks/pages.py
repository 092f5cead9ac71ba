"""Pages at any size: every page and listing of `shfz-graph serve` over a large synthetic graph.

    python -m benchmarks pages --triples 1000000            (writes the data with generate.py)
    python -m benchmarks pages --data /tmp/syn1m.nt         (the same data, already written)

Starts `shfz-graph --data FILE serve --no-reasoning` on a free port of 127.0.0.1, waits until it answers
a query, then asks each page of `benchmarks/stages/pages.py` (home, search, the listings, one page of each
kind) as a browser does: the first answer and the median of `--repeats` more; and samples the serving
process's resident memory meanwhile. Targets: every first answer within 1 s, growth under 100 MB. The
section goes into RESULTS.md between `<!-- pages:start -->` and `<!-- pages:end -->`; the server is
stopped by its own process id.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from benchmarks.harness import RESULTS
from benchmarks.isolated import data_file
from benchmarks.report import pages as report
from benchmarks.report.markdown import write_section
from benchmarks.servers import start_shfz
from benchmarks.stages import pages


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, help="a synthetic file already written (else generated)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--work", type=Path, help="keep data, caches and logs here")
    parser.add_argument("--no-write", action="store_true", help="print, but leave RESULTS.md alone")


def run(args: argparse.Namespace, command: str) -> int:
    """Serve the large graph, measure every page, print the section and write it unless --no-write."""
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-pages-"))
    work.mkdir(parents=True, exist_ok=True)
    data = args.data or data_file(work, args.triples)
    started = time.monotonic()
    server = start_shfz(work, ["--data", str(data)], ["--no-reasoning"])
    try:
        server.wait("ASK {}", 3600)
        setup = report.PagesSetup(
            date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            command=command,
            machine=f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}",
            triples=args.triples,
            ready=time.monotonic() - started,
        )
        print(f"server ready in {setup.ready:.0f} s", flush=True)
        measured = pages.run(server, args.repeats)
    finally:
        server.stop()
    section = report.pages_section(setup, measured)
    print(section)
    if not args.no_write:
        write_section(RESULTS, section, "pages")
    return 0
