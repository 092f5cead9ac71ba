"""Loopback load test of `shfz-graph serve`: N concurrent clients run one named query for a fixed time.

    python -m benchmarks server                 # 16 clients, 20 s, zones-by-sector
    python -m benchmarks server --clients 4 --seconds 5 --query zones-by-area

Starts `shfz-graph serve` on a free port of 127.0.0.1 (or uses --url), warms it up, then runs --clients
threads, each with one keep-alive HTTP connection, sending `GET /api/queries/<name>` until --seconds have
passed or --max-requests have been sent in all. Reports queries per second, latency percentiles and
errors, and prints a Markdown table row. Bounded in time and count; stops by itself.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from benchmarks.client import Load, run_clients
from benchmarks.harness import percentile
from benchmarks.servers import Server, start_shfz

TABLE_HEADER = [
    "| server | query | clients | seconds | requests | queries/s | p50 ms | p95 ms | p99 ms | errors |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
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


def _server(args: argparse.Namespace) -> Server:
    if args.url:
        return Server("shfz-graph serve", None, args.url.rstrip("/") + "/sparql")
    return start_shfz(Path(tempfile.mkdtemp(prefix="bench-server-")), ["--store", args.store])


def _load(server: Server, args: argparse.Namespace) -> tuple[str, Load]:
    """Warm the server up on the named query (failing early if it does not answer), then load it."""
    server.wait("ASK {}", 120)
    base = server.url.rsplit("/sparql", 1)[0]
    parsed = urllib.parse.urlsplit(base)
    query = urllib.parse.urlencode([tuple(p.split("=", 1)) for p in args.param])
    path = f"/api/queries/{args.query}" + (f"?{query}" if query else "")
    with urllib.request.urlopen(base + path, timeout=30) as response:
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}")
    for _ in range(20):
        with urllib.request.urlopen(base + path, timeout=30) as response:
            response.read()
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    return path, run_clients(host, port, path, args.clients, args.seconds, args.max_requests)


def summary(args: argparse.Namespace, path: str, load: Load) -> list[str]:
    """What the clients saw, then the same as a row of a Markdown table."""
    latencies, errors = load.latencies, load.errors
    p50, p95, p99 = (percentile(latencies, f) * 1000 for f in (0.50, 0.95, 0.99))
    lines = [
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        f"query: GET {path} ({args.store} store), {args.clients} clients, {load.elapsed:.1f} s",
        f"requests: {len(latencies)} ok, {len(errors)} errors"
        + (f" ({', '.join(sorted(set(errors)))})" if errors else ""),
        f"throughput: {load.rate:.1f} queries/s; "
        f"latency p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms",
    ]
    if latencies:
        lines.append(f"mean {statistics.fmean(latencies) * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
    return [
        *lines,
        "",
        *TABLE_HEADER,
        f"| shfz-graph serve ({args.store}) | {args.query} | {args.clients} | {load.elapsed:.0f} | "
        f"{len(latencies)} | {load.rate:.1f} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {len(errors)} |",
    ]


def run(args: argparse.Namespace, command: str) -> int:
    """Load the server, print what the clients saw; exit 1 if any request failed."""
    server = _server(args)
    try:
        path, load = _load(server, args)
    finally:
        server.stop()
    print("\n".join(summary(args, path, load)))
    return 0 if not load.errors else 1
