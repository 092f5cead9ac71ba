"""The measuring harness: timings and their medians, ratios, percentiles, and how numbers are written.

Every stage times its own code and its baseline with these, so all of them count the same way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.metadata
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "RESULTS.md"
SEED = 1
ENDPOINT_QUERY = "zones-by-sector"


@dataclass
class Timing:
    """Seconds of each run (empty when it did not finish within `cap`)."""

    runs: list[float] = field(default_factory=list)
    cap: float | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None

    def text(self) -> str:
        if self.median is None:
            return f"> {self.cap:g} s" if self.cap is not None else "n/a"
        return secs(self.median)


def secs(seconds: float) -> str:
    """A duration as milliseconds under a second, else seconds."""
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def times(value: float | None, lower_bound: bool = False, unit: str = "x") -> str:
    """A ratio ("1.20x", "≥ 21.00x" for a lower bound), seconds (unit " s") or a count (unit "")."""
    if value is None:
        return "n/a"
    if unit == "":
        return f"{value:g}"
    return f"{'≥ ' if lower_bound else ''}{value:.2f}{unit}"


def label(size: int) -> str:
    """A size as a power of ten ("10^5") when it is one."""
    exponent = len(str(size)) - 1
    return f"10^{exponent}" if size == 10**exponent else f"{size:,}"


def measure(fn: Callable[[], object], repeats: int, *, warmup: bool = True, budget: float = 30.0) -> Timing:
    """Median of up to `repeats` runs (after one warm-up run), stopping early once `budget` seconds pass.

    A warm-up that takes more than half the budget is the one measurement (a slow run is warm anyway).
    """
    timing = Timing()
    if warmup:
        start = time.perf_counter()
        fn()
        took = time.perf_counter() - start
        if took > budget / 2:
            timing.runs.append(took)
            return timing
    spent = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        took = time.perf_counter() - start
        timing.runs.append(took)
        spent += took
        if spent > budget:
            break
    return timing


def timed(fn: Callable[[], object], repeats: int) -> float:
    """Median seconds over `repeats` runs after a warm-up (one run only when the warm-up took over 5 s)."""
    started = time.perf_counter()
    fn()  # warm-up
    if time.perf_counter() - started > 5:
        repeats = 1
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def capped(fn: Callable[[], object], cap: float, repeats: int = 1) -> Timing:
    """Time `fn` in a forked child (it sees this process's data), killed after `cap` seconds.

    For baselines that cannot be interrupted from inside (rdflib's engine and parser).
    """
    timing = Timing(cap=cap)
    for _ in range(repeats):
        took = _run_forked(fn, cap)
        if took is None:
            return timing
        timing.runs.append(took)
        if took * 2 > cap or took > 2.0:
            break
    return timing


def _run_forked(fn: Callable[[], object], cap: float) -> float | None:
    """Seconds `fn` took in a forked child, or None when it failed or was killed at `cap`."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        code = 0
        try:
            start = time.perf_counter()
            fn()
            os.write(write_end, f"{time.perf_counter() - start!r}".encode())
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    deadline = time.monotonic() + cap
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            data = os.read(read_end, 64)
            os.close(read_end)
            return float(data) if data else None
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(read_end)
    return None


def ratio(ours: Timing | float | None, base: Timing | float | None) -> float | None:
    """ours / base, None when either is missing or the base is zero."""
    a = ours.median if isinstance(ours, Timing) else ours
    b = base.median if isinstance(base, Timing) else base
    if a is None or b is None or b == 0:
        return None
    return a / b


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted values (0 for none)."""
    if not sorted_values:
        return 0.0
    rank = max(1, round(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def cli_command() -> list[str]:
    """How to run `shfz-graph`: the installed script next to this Python, else `python -m shfz_graph`."""
    script = Path(sys.executable).with_name("shfz-graph")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "shfz_graph"]


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def environment(command: str) -> list[str]:
    """The date, commit, command, machine and package versions, as report lines."""
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout.strip()
    packages = ", ".join(
        f"{p} {_version(p)}"
        for p in (
            *("rdflib", "pyoxigraph", "oxrdflib", "oxigraph", "owlrl", "reasonable", "pyshacl"),
            *("fastapi", "uvicorn", "rdflib-endpoint"),
        )
    )
    return [
        f"- Date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}; commit {commit or 'unknown'}",
        f"- Command: `{command}`",
        f"- Machine: {os.cpu_count()} CPUs (nproc), {cpu}, {ram} RAM, {platform.system()} "
        f"{platform.machine()}",
        f"- Python {platform.python_version()}; {packages}",
    ]


def synthetic_file(size: int, work: Path) -> Path:
    """The synthetic graph of `size` triples (seed SEED) in `work`, written by generate.py unless there."""
    from benchmarks import generate

    path = work / f"synthetic-{size}-seed{SEED}.ttl"
    if not path.is_file():
        generate.write(size, SEED, path)
    return path
