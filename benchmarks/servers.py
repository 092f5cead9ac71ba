"""The servers a benchmark talks to, each started on a free port of 127.0.0.1 and stopped by its own id.

One starter per server: `shfz-graph serve`, `oxigraph serve` (or `serve-read-only`) and rdflib-endpoint;
plus what is read off their processes in /proc (their children, peak RSS, PSS, CPU time, and the PSS of a
process tree sampled in a thread).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness import REPO, cli_command


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A SPARQL server: the process this benchmark started (None for one given by URL) and its endpoint."""

    name: str
    process: subprocess.Popen[bytes] | None
    url: str  # the SPARQL query endpoint
    log: Path | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def wait(self, query: str, limit: float) -> None:
        """Until the endpoint answers `query` with 200; RuntimeError if the process exits or time runs out."""
        deadline = time.monotonic() + limit
        probe = self.url + "?" + urllib.parse.urlencode({"query": query})
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                output = self.log.read_text(errors="replace")[-2000:] if self.log else ""
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}: {output}")
            try:
                request = urllib.request.Request(probe, headers={"Accept": "application/sparql-results+json"})
                with urllib.request.urlopen(request, timeout=30) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer within {limit:g} s")

    def stop(self) -> None:
        """Stop the process this benchmark started (by its id): SIGTERM, then SIGKILL after 15 s."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def peak_rss_kb(self) -> int:
        """VmHWM (peak resident set) of the server process, in KiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0


def _spawn(args: list[str], log: Path, env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        return subprocess.Popen(args, stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=REPO)


def start_shfz(
    work: Path,
    options: Sequence[str] = (),
    serve_options: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Server:
    """`shfz-graph OPTIONS serve --port P SERVE_OPTIONS`, logging to `work`, with `env` added."""
    port = free_port()
    args = [*cli_command(), *options, "serve", "--port", str(port), *serve_options]
    environment = {**os.environ, "SHFZ_GRAPH_LOG_LEVEL": "warning", **(env or {})}
    process = _spawn(args, work / f"serve-{port}.log", environment)
    return Server("shfz-graph serve", process, f"http://127.0.0.1:{port}/sparql", work / f"serve-{port}.log")


def oxigraph_command() -> str:
    """The `oxigraph` server from PyPI (the bench and test extras): on PATH or next to this Python."""
    return shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))


def oxigraph_load(nquads: Path, work: Path) -> Path:
    """A new on-disk Oxigraph store in `work` holding the quads of `nquads` (`oxigraph load`)."""
    location = Path(tempfile.mkdtemp(prefix="oxigraph-", dir=work))
    subprocess.run(
        [oxigraph_command(), "load", "--location", str(location), "--file", str(nquads)],
        check=True,
        capture_output=True,
    )
    return location


def start_oxigraph(location: Path, work: Path, *, read_only: bool = False) -> Server:
    """`oxigraph serve` (or `serve-read-only`) of the store at `location`, union default graph."""
    mode = "serve-read-only" if read_only else "serve"
    port = free_port()
    args = [oxigraph_command(), mode, "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    log = work / f"oxigraph-{port}.log"
    process = _spawn([*args, "--union-default-graph"], log)
    return Server(f"oxigraph {mode}", process, f"http://127.0.0.1:{port}/query", log)


def start_floor(counts: list[int], work: Path) -> Server:
    """`benchmarks.floor` on uvicorn with httptools and uvloop, as `serve` runs: our HTTP stack's floor."""
    port = free_port()
    table = work / "floor-counts.json"
    table.write_text(json.dumps(counts), encoding="utf-8")
    args = [
        sys.executable,
        "-m",
        "uvicorn",
        "benchmarks.floor:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    args += ["--http", "httptools", "--loop", "uvloop", "--no-access-log", "--log-level", "warning"]
    log = work / f"floor-{port}.log"
    process = _spawn(args, log, {**os.environ, "SHFZ_BENCH_COUNTS": str(table)})
    return Server("uvicorn floor", process, f"http://127.0.0.1:{port}/sparql", log)


_RDFLIB_ENDPOINT = """
import sys, uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint
dataset = Dataset(default_union=True)
dataset.parse(sys.argv[1], format="nquads")
app = SparqlEndpoint(graph=dataset, cors_enabled=False)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def start_rdflib_endpoint(nquads: Path, work: Path) -> Server | None:
    """rdflib-endpoint over the quads of `nquads`, or None when it is not installed (the bench extra)."""
    if importlib.util.find_spec("rdflib_endpoint") is None:
        return None
    port = free_port()
    log = work / f"rdflib-endpoint-{port}.log"
    process = _spawn([sys.executable, "-c", _RDFLIB_ENDPOINT, str(nquads), str(port)], log)
    return Server("rdflib-endpoint", process, f"http://127.0.0.1:{port}/", log)


def children(pid: int) -> list[int]:
    """The child processes of `pid`, read from /proc (none once it is gone)."""
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def processes(server: int) -> tuple[list[int], list[int]]:
    """The long-lived serving processes (the server and its children: the fork server) and the workers
    (every process further down)."""
    long_lived = [server, *children(server)]
    workers: list[int] = []
    todo = [c for p in long_lived[1:] for c in children(p)]
    while todo:
        current = todo.pop()
        workers.append(current)
        todo += children(current)
    return long_lived, workers


def pss(pid: int) -> int:
    """The PSS of one process in KiB (0 once it is gone)."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)


def cpu_ticks(pid: int) -> int | None:
    """utime + stime of a process, None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def parent(pid: int) -> int | None:
    """The parent process id of `pid`, None once it is gone."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def tree_cpu(pid: int) -> dict[int, int]:
    """CPU ticks (utime + stime) of `pid` and of each of its descendants, by process id."""
    long_lived, below = processes(pid)
    found = {p: cpu_ticks(p) for p in [*long_lived, *below]}
    return {p: t for p, t in found.items() if t is not None}


def pss_kib(pid: int) -> int:
    """PSS of a process and its descendants (KiB)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return total


class Sampler:
    """Samples the PSS of a process tree every 0.2 s in a thread; `peak` after `stop`."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, pss_kib(self.pid))
            time.sleep(0.2)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak
