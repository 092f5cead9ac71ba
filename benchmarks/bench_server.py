"""Loopback load test of `shfz-graph serve`: N concurrent clients run one named query for a fixed time.

Starts `python -m shfz_graph serve` on a free port of 127.0.0.1 (or uses --url), warms it up, then runs
--clients threads, each with one keep-alive HTTP connection, sending `GET /api/queries/<name>` until
--seconds have passed or --max-requests have been sent in all. Reports queries per second, latency
percentiles and errors, and prints a Markdown table row. Bounded in time and count; stops by itself.

    .venv/bin/python benchmarks/bench_server.py                 # 16 clients, 20 s, zones-by-sector
    .venv/bin/python benchmarks/bench_server.py --clients 4 --seconds 5 --query zones-by-area
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Tally:
    """What one client saw: latencies of successful requests (seconds) and the errors."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, log: Path, extra: list[str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SHFZ_GRAPH_LOG_LEVEL": "warning"}
    args = [sys.executable, "-m", "shfz_graph", *extra, "serve", "--port", str(port)]
    with log.open("wb") as sink:
        return subprocess.Popen(args, stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=REPO)


def wait_ready(
    url: str, process: subprocess.Popen[bytes] | None, log: Path | None, limit: float = 120
) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            output = log.read_text(errors="replace") if log else ""
            raise SystemExit(f"the server exited with {process.returncode}:\n{output}")
        try:
            with urllib.request.urlopen(url + "/sparql?query=ASK%7B%7D", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server at {url} did not answer within {limit:g} s")


def client(
    host: str, port: int, path: str, stop_at: float, budget: list[int], lock: threading.Lock, tally: Tally
) -> None:
    """Send requests over one keep-alive connection until the time is up or the shared budget is spent."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"Accept": "application/sparql-results+json", "Connection": "keep-alive"}
    while time.monotonic() < stop_at:
        with lock:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - started
            if response.status == 200 and body.startswith(b"{"):
                tally.latencies.append(elapsed)
            else:
                tally.errors.append(f"HTTP {response.status}")
        except (OSError, http.client.HTTPException) as exc:
            tally.errors.append(type(exc).__name__)
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.close()


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted values (0 for none)."""
    if not sorted_values:
        return 0.0
    rank = max(1, round(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default: 16)")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to run (default: 20)")
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="stop after this many (default: 200000)"
    )
    parser.add_argument(
        "--query", default="zones-by-sector", help="the named query (default: zones-by-sector)"
    )
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="query parameter")
    parser.add_argument("--url", help="benchmark a server already running here instead of starting one")
    parser.add_argument(
        "--store", choices=("memory", "oxigraph"), default="memory", help="store of the server"
    )
    args = parser.parse_args(argv)

    process = None
    log = None
    if args.url:
        url = args.url.rstrip("/")
    else:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = Path(tempfile.mkdtemp(prefix="bench-server-")) / "server.log"
        process = start_server(port, log, ["--store", args.store])
    try:
        wait_ready(url, process, log)
        parsed = urllib.parse.urlsplit(url)
        host, port_number = parsed.hostname or "127.0.0.1", parsed.port or 80
        query = urllib.parse.urlencode([tuple(p.split("=", 1)) for p in args.param])
        path = f"/api/queries/{args.query}" + (f"?{query}" if query else "")
        with urllib.request.urlopen(url + path, timeout=30) as response:  # warm-up, and fail early if wrong
            assert response.status == 200, response.status
        for _ in range(20):
            urllib.request.urlopen(url + path, timeout=30).read()

        tallies = [Tally() for _ in range(args.clients)]
        budget = [args.max_requests]
        lock = threading.Lock()
        started = time.monotonic()
        stop_at = started + args.seconds
        threads = [
            threading.Thread(
                target=client, args=(host, port_number, path, stop_at, budget, lock, t), daemon=True
            )
            for t in tallies
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 60)
        elapsed = time.monotonic() - started
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    latencies = sorted(x for t in tallies for x in t.latencies)
    errors = [e for t in tallies for e in t.errors]
    done = len(latencies)
    rate = done / elapsed if elapsed else 0.0
    p50, p95, p99 = (percentile(latencies, f) * 1000 for f in (0.50, 0.95, 0.99))
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"query: GET {path} ({args.store} store), {args.clients} clients, {elapsed:.1f} s")
    print(
        f"requests: {done} ok, {len(errors)} errors"
        + (f" ({', '.join(sorted(set(errors)))})" if errors else "")
    )
    print(f"throughput: {rate:.1f} queries/s; latency p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms")
    if latencies:
        print(f"mean {statistics.fmean(latencies) * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
    print()
    print("| server | query | clients | seconds | requests | queries/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| shfz-graph serve ({args.store}) | {args.query} | {args.clients} | {elapsed:.0f} | {done} | "
        f"{rate:.1f} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {len(errors)} |"
    )
    return 0 if not errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
