"""Query workers (issue 9): every measurement against its baseline in the same run, on the same quads.

    python benchmarks/bench_isolated.py --triples 1000000 --seconds 20

Stages, each with its baseline:
- named queries: `kg.answer(...)` (a worker evaluates and Oxigraph serializes JSON) against raw pyoxigraph
  (`Store.read_only(...).query(text).serialize(JSON)` on the very same store, parameters written in);
- endpoint: `shfz-graph serve` against `oxigraph serve-read-only` on the very same store, 16 concurrent
  keep-alive clients from ApacheBench (a C load generator, so the client is not the bottleneck);
  errors are ab's failed and non-2xx responses, wrong answers are answers whose length differs from
  the first (ab) and a first answer that differs from Oxigraph's;
- memory: the proportional set size (PSS) of all of `serve`'s processes (the workers included) against
  `oxigraph serve-read-only`, sampled during the load;
- hostile load: hostile queries from two clients (one value growing without bound, solutions that
  multiply) while a third sends a light query; the server's peak PSS growth and the light query's p99.

The numbers go into benchmarks/RESULTS.md between the markers `<!-- isolated:start -->` and
`<!-- isolated:end -->`. Everything listens on and talks to 127.0.0.1; every server is stopped by its
own process id. Needs `ab` (Debian apache2-utils) and `oxigraph` (pip install -e '.[bench]').
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "RESULTS.md"
START, END = "<!-- isolated:start -->", "<!-- isolated:end -->"
ENDPOINT_QUERY = "zones-by-sector"
GROWTH = (
    'SELECT (STRLEN(?j) AS ?n) WHERE { BIND("0123456789" AS ?a) '
    + " ".join(
        f"BIND(CONCAT({', '.join([f'?{prev}'] * 10)}) AS ?{name})"
        for prev, name in zip("abcdefghi", "bcdefghij", strict=True)
    )
    + " }"
)
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIGHT = "ASK { ?s ?p ?o }"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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


def get(url: str, accept: str = "application/sparql-results+json", timeout: float = 120) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_answering(url: str, process: subprocess.Popen[bytes], limit: float = 1200) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            if get(url, timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"no answer from {url} within {limit:g} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def ab(url: str, clients: int, seconds: float) -> dict[str, Any]:
    """ApacheBench: keep-alive GETs for `seconds`; q/s, latency percentiles, failures."""
    done = subprocess.run(
        ["ab", "-k", "-c", str(clients), "-t", f"{seconds:g}", "-n", "10000000", "-H",
         "Accept: application/sparql-results+json", url],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    out = done.stdout

    def number(pattern: str, default: float = 0.0) -> float:
        match = re.search(pattern, out)
        return float(match.group(1)) if match else default

    return {
        "qps": number(r"Requests per second:\s+([\d.]+)"),
        "complete": int(number(r"Complete requests:\s+(\d+)")),
        "failed": int(number(r"Failed requests:\s+(\d+)")),
        "length": int(number(r"Length: (\d+)")),
        "non2xx": int(number(r"Non-2xx responses:\s+(\d+)")),
        "p50": number(r"\n\s+50%\s+(\d+)"),
        "p99": number(r"\n\s+99%\s+(\d+)"),
    }


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


def bindings_set(body: bytes) -> list[str]:
    doc = json.loads(body)
    return sorted(json.dumps(b, sort_keys=True) for b in doc["results"]["bindings"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=16)
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
    args = parser.parse_args(argv)
    for tool in ("ab",):
        if shutil.which(tool) is None:
            raise SystemExit("needs ab: apt-get install apache2-utils")
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-isolated-"))
    work.mkdir(parents=True, exist_ok=True)
    command = "python benchmarks/bench_isolated.py " + " ".join(argv if argv is not None else sys.argv[1:])
    lines = [START, "## Query workers (issue 9)", ""]
    lines += [
        f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; command: `{command}`",
        f"- Machine: {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}; "
        f"load generator: ApacheBench ({args.clients} keep-alive clients)",
        f"- Data: our ontology and data, {args.triples:,} synthetic triples (`generate.py --seed 1`)"
        + ("" if args.no_reasoning else " and the OWL 2 RL closure (reasonable)")
        + ", in one on-disk Oxigraph store that both servers open read-only",
        "",
    ]
    stage = time.monotonic()

    # -- data and stores ------------------------------------------------------------------------------
    data = work / f"synthetic-{args.triples}.ttl"
    if not data.is_file():
        subprocess.run(
            [sys.executable, str(REPO / "benchmarks" / "generate.py"), "--triples", str(args.triples),
             "--seed", "1", "-o", str(data)],
            check=True,
        )  # fmt: skip
    cache = work / "cache"
    os.environ["SHFZ_GRAPH_CACHE"] = str(cache)
    from shfz_graph import catalog, querystore, sparql
    from shfz_graph.errors import ShfzError
    from shfz_graph.graph import load

    kg = load(
        store="oxigraph",
        store_path=work / "kg",
        extra_sources=[data],
        cache_dir=cache,
        reason=not args.no_reasoning,
        max_memory=8 << 30,  # the raw baseline has no limit either: give the worker room for the heavy ones
    )
    store_path = querystore.ensure_store(kg)
    print(f"stores ready in {time.monotonic() - stage:.0f} s: {store_path}", flush=True)

    # -- named queries --------------------------------------------------------------------------------
    import pyoxigraph as ox

    from shfz_graph.binding import bind_constants

    raw_store = ox.Store.read_only(str(store_path))
    rows = []
    worst = (0.0, "")
    for named in catalog.catalog():
        if named.network or named.name in args.skip:
            continue
        bindings = named.bind({})
        raw_text = bind_constants(named.text, bindings)

        def ours(text: str = named.text, b: dict[str, Any] = bindings) -> object:
            return kg.answer(text, bindings=b, timeout=600, max_rows=10**9, max_bytes=1 << 34)

        kind = sparql.check(named.text).kind

        def raw(text: str = raw_text, kind: str = kind) -> object:
            result = raw_store.query(text, use_default_graph_as_union=True)
            if kind in ("CONSTRUCT", "DESCRIBE"):
                return result.serialize(format=ox.RdfFormat.N_TRIPLES)
            return result.serialize(format=ox.QueryResultsFormat.JSON)

        try:
            t_ours = timed(ours, args.repeats)
        except ShfzError as exc:
            rows.append(f"| {named.name} | {exc} | | |")
            print(rows[-1], flush=True)
            continue
        t_raw = timed(raw, args.repeats)
        ratio = t_ours / t_raw if t_raw else float("inf")
        worst = max(worst, (ratio, named.name))
        rows.append(f"| {named.name} | {t_ours * 1000:.1f} ms | {t_raw * 1000:.1f} ms | {ratio:.2f}x |")
        print(rows[-1], flush=True)
    kg.close()

    # -- endpoint, memory -----------------------------------------------------------------------------
    query = catalog.get(ENDPOINT_QUERY)
    text = bind_constants(query.text, query.bind({}))
    qs = urllib.parse.urlencode({"query": text})
    env = {**os.environ, "SHFZ_GRAPH_LOG_LEVEL": "warning"}
    port = free_port()
    serve_args = [sys.executable, "-m", "shfz_graph", "--store", "oxigraph", "--store-path", str(work / "kg"),
                  "--data", str(data), "serve", "--port", str(port), "--timeout", "60",
                  *(["--no-reasoning"] if args.no_reasoning else [])]  # fmt: skip
    ours_server = subprocess.Popen(serve_args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ours_url = f"http://127.0.0.1:{port}/sparql?{qs}"
    oport = free_port()
    ox_args = [oxigraph, "serve-read-only", "--location", str(store_path), "--bind", f"127.0.0.1:{oport}",
               "--union-default-graph"]  # fmt: skip
    ox_server = subprocess.Popen(ox_args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ox_url = f"http://127.0.0.1:{oport}/query?{qs}"
    try:
        wait_answering(ours_url, ours_server)
        wait_answering(ox_url, ox_server)
        ours_answer, ox_answer = get(ours_url)[1], get(ox_url)[1]
        same = bindings_set(ours_answer) == bindings_set(ox_answer)
        for _ in range(20):
            get(ours_url), get(ox_url)
        ours_sampler = Sampler(ours_server.pid)
        load_ours = ab(ours_url, args.clients, args.seconds)
        ours_pss = ours_sampler.stop()
        ox_sampler = Sampler(ox_server.pid)
        load_ox = ab(ox_url, args.clients, args.seconds)
        ox_pss = ox_sampler.stop()

        # -- hostile load -----------------------------------------------------------------------------
        light_url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": LIGHT})
        idle = pss_kib(ours_server.pid)
        sampler = Sampler(ours_server.pid)
        stop_at = time.monotonic() + args.seconds
        outcomes: list[int] = []

        def hostile(query: str) -> None:
            url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": query})
            while time.monotonic() < stop_at:
                outcomes.append(get(url)[0])

        threads = [threading.Thread(target=hostile, args=(q,)) for q in (GROWTH, CARTESIAN)]
        for thread in threads:
            thread.start()
        latencies = []
        light_errors = 0
        while time.monotonic() < stop_at:
            started = time.monotonic()
            status, body = get(light_url)
            latencies.append(time.monotonic() - started)
            light_errors += status != 200 or body != b'{"head":{},"boolean":true}'
            time.sleep(0.05)
        for thread in threads:
            thread.join()
        peak = sampler.stop()
        latencies.sort()
        p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    finally:
        stop(ours_server)
        stop(ox_server)

    workers = os.cpu_count() or 1
    limit_mib = 1024 * workers
    ratio_qps = load_ours["qps"] / load_ox["qps"] if load_ox["qps"] else 0.0
    wrong = load_ours["length"] + (0 if same else 1)
    growth_mib = (peak - idle) / 1024
    errors = load_ours["failed"] - load_ours["length"] + load_ours["non2xx"]
    lines += [
        "| target | measured | baseline | ratio / value | limit | verdict |",
        "|---|---|---|---:|---:|---|",
        f"| every named query within 1.5x raw pyoxigraph (worst: {worst[1]}) | | | {worst[0]:.2f}x | ≤ 1.5 | "
        f"{'met' if worst[0] <= 1.5 else '**missed**'} |",
        f"| endpoint q/s, {args.clients} clients, at least 0.7x `oxigraph serve-read-only` | "
        f"{load_ours['qps']:.0f} q/s | {load_ox['qps']:.0f} q/s | {ratio_qps:.2f}x | ≥ 0.7 | "
        f"{'met' if ratio_qps >= 0.7 else '**missed**'} |",
        f"| endpoint errors (failed + non-2xx) | {errors} | {load_ox['failed'] + load_ox['non2xx']} | | 0 | "
        f"{'met' if errors == 0 else '**missed**'} |",
        f"| endpoint wrong answers (length differs from the first, or first differs from Oxigraph's) | "
        f"{wrong} | | | 0 | {'met' if wrong == 0 else '**missed**'} |",
        f"| PSS of all of `serve`'s processes at most 3x `oxigraph serve-read-only` | "
        f"{ours_pss / 1024:.0f} MiB | {ox_pss / 1024:.0f} MiB | {ours_pss / max(ox_pss, 1):.2f}x | ≤ 3 | "
        f"{'met' if ours_pss <= 3 * ox_pss else '**missed**'} |",
        f"| hostile load: growth of `serve`'s PSS at most the worker limit times the workers | "
        f"{growth_mib:.0f} MiB | {idle / 1024:.0f} MiB idle | {growth_mib:.0f} MiB | ≤ {limit_mib} MiB | "
        f"{'met' if growth_mib <= limit_mib else '**missed**'} |",
        f"| hostile load: p99 of a light query | {p99 * 1000:.0f} ms | | {p99 * 1000:.0f} ms | ≤ 1000 ms | "
        f"{'met' if p99 <= 1.0 and light_errors == 0 else '**missed**'} |",
        "",
        f"Endpoint query: `{ENDPOINT_QUERY}` with its default written in, JSON results; ours p50/p99 "
        f"{load_ours['p50']:.0f}/{load_ours['p99']:.0f} ms over {load_ours['complete']:,} requests, Oxigraph "
        f"{load_ox['p50']:.0f}/{load_ox['p99']:.0f} ms over {load_ox['complete']:,}. Hostile stage: "
        f"{args.seconds:g} s, {len(outcomes)} hostile answers (statuses {sorted(set(outcomes))}), "
        f"{len(latencies)} light queries, {light_errors} of them wrong or failed.",
        "",
        "| named query | ours (`kg.answer`, worker + JSON) | raw pyoxigraph (query + JSON) | ratio |",
        "|---|---:|---:|---:|",
        *rows,
        END,
    ]
    text_out = "\n".join(lines) + "\n"
    print(text_out)
    if not args.no_write:
        current = RESULTS.read_text(encoding="utf-8") if RESULTS.is_file() else "# Benchmark results\n"
        if START in current and END in current:
            head, _, rest = current.partition(START)
            _, _, tail = rest.partition(END)
            current = head + text_out.rstrip("\n") + tail
        else:
            title, _, body = current.partition("\n")
            current = f"{title}\n\n{text_out}\n{body.lstrip()}"
        RESULTS.write_text(current, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
