"""Suite stage: SPARQL endpoints holding the same quads, 16 concurrent clients on loopback.

`shfz-graph serve` against `oxigraph serve` and rdflib-endpoint (when installed), the same query text
over the SPARQL protocol; then `python -m benchmarks server` against the same `serve`, on the
named-query API.
"""

from __future__ import annotations

import subprocess
import sys
import urllib.parse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.client import run_clients
from benchmarks.harness import ENDPOINT_QUERY, REPO, percentile
from benchmarks.servers import Server, oxigraph_load, start_oxigraph, start_rdflib_endpoint, start_shfz
from shfz_graph import catalog
from shfz_graph.graph import load

CLIENTS = 16


def endpoint_text() -> str:
    """The endpoint query with its default parameter bound by VALUES."""
    from benchmarks.stages.queries import with_values

    query = catalog.get(ENDPOINT_QUERY)
    return with_values(query.text, query.bind({}))


def start_ours(path: Path, cache: Path, work: Path, options: Sequence[str] = ()) -> Server:
    """`shfz-graph --store oxigraph OPTIONS --data FILE serve --timeout 60` with the closure cache."""
    return start_shfz(
        work,
        ["--store", "oxigraph", *options, "--data", str(path)],
        ["--timeout", "60"],
        {"SHFZ_GRAPH_CACHE": str(cache)},
    )


def dump_nquads(path: Path, cache: Path, target: Path) -> None:
    """Our graph with `path` and its closure (the very quads `serve` holds) as N-Quads, for the baselines."""
    import pyoxigraph as ox

    kg = load(store="oxigraph", extra_sources=[path], cache_dir=cache)
    inner = kg.dataset.store._inner  # type: ignore[attr-defined]
    inner.dump(output=str(target), format=ox.RdfFormat.N_QUADS)
    kg.close()


def load_test(server: Server, query: str, clients: int, seconds: float) -> dict[str, Any]:
    """`clients` threads on keep-alive connections send the query for `seconds`."""
    parsed = urllib.parse.urlsplit(server.url)
    path = parsed.path + "?" + urllib.parse.urlencode({"query": query})
    load = run_clients(parsed.hostname or "127.0.0.1", parsed.port or 80, path, clients, seconds, 200_000)
    return {
        "server": server.name,
        "requests": len(load.latencies),
        "qps": len(load.latencies) / load.elapsed,
        "p50": percentile(load.latencies, 0.5),
        "p99": percentile(load.latencies, 0.99),
        "errors": len(load.errors),
        "error_kinds": sorted(set(load.errors)),
    }


def named_query_api(server: Server, seconds: float) -> str:
    """`python -m benchmarks server` against the same server, on /api/queries/<name>: its table row."""
    base = server.url.rsplit("/sparql", 1)[0]
    args = [sys.executable, "-m", "benchmarks", "server", "--url", base, "--seconds", f"{seconds:g}"]
    args += ["--query", ENDPOINT_QUERY, "--clients", str(CLIENTS)]
    done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=seconds + 180, cwd=REPO)
    rows = [line for line in done.stdout.splitlines() if line.startswith("| shfz-graph")]
    return rows[-1] if rows else f"(python -m benchmarks server failed: {done.stderr.strip()[-300:]})"


def run(path: Path, size: int, cache: Path, work: Path, quick: bool) -> dict[str, Any]:
    """Each server in turn: started, warmed up, loaded for 3 s (quick) or 10 s, stopped."""
    text = endpoint_text()
    nquads = work / f"quads-{size}.nq"
    dump_nquads(path, cache, nquads)
    seconds = 3.0 if quick else 10.0
    results = []
    api_row = ""
    starters: list[Callable[[], Server | None]] = [
        lambda: start_ours(path, cache, work),
        lambda: start_oxigraph(oxigraph_load(nquads, work), work),
        lambda: start_rdflib_endpoint(nquads, work),
    ]
    for starter in starters:
        server = starter()
        if server is None:
            continue
        try:
            server.wait(text, 600)
            for _ in range(10):  # warm-up
                server.wait(text, 60)
            results.append(load_test(server, text, CLIENTS, seconds))
            if server.name == "shfz-graph serve":
                api_row = named_query_api(server, seconds)
        finally:
            server.stop()
    return {"size": size, "query": ENDPOINT_QUERY, "seconds": seconds, "results": results, "api": api_row}
