"""The load clients: keep-alive HTTP client threads in this process, ApacheBench, and a single GET.

The threads serve `python -m benchmarks server` and the suite's endpoint stage; ApacheBench (Debian's
apache2-utils, a C load generator, so the client is not the bottleneck) serves the isolated run.
"""

from __future__ import annotations

import http.client
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

JSON = "application/sparql-results+json"


def http_get(url: str, accept: str = JSON, timeout: float = 120) -> tuple[int, bytes]:
    """Status and body of a GET (an HTTP error status is an answer too)."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@dataclass
class Tally:
    """What one client saw: latencies of successful requests (seconds) and the errors."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def client(
    host: str, port: int, path: str, stop_at: float, budget: list[int], lock: threading.Lock, tally: Tally
) -> None:
    """Send requests over one keep-alive connection until the time is up or the shared budget is spent."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"Accept": JSON, "Connection": "keep-alive"}
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


@dataclass
class Load:
    """What all the clients saw together: sorted latencies (seconds), errors, and the seconds it took."""

    latencies: list[float]
    errors: list[str]
    elapsed: float

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


def run_clients(host: str, port: int, path: str, clients: int, seconds: float, max_requests: int) -> Load:
    """`clients` threads send GET `path` for `seconds`, or until `max_requests` were sent in all."""
    tallies = [Tally() for _ in range(clients)]
    budget = [max_requests]
    lock = threading.Lock()
    started = time.monotonic()
    stop_at = started + seconds
    threads = [
        threading.Thread(target=client, args=(host, port, path, stop_at, budget, lock, t), daemon=True)
        for t in tallies
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.monotonic() - started
    latencies = sorted(x for t in tallies for x in t.latencies)
    return Load(latencies, [e for t in tallies for e in t.errors], elapsed)


def ab(url: str, clients: int, seconds: float) -> dict[str, Any]:
    """ApacheBench: keep-alive GETs for `seconds`; q/s, latency percentiles, failures."""
    done = subprocess.run(
        [
            "ab",
            "-k",
            "-c",
            str(clients),
            "-t",
            f"{seconds:g}",
            "-n",
            "10000000",
            "-H",
            f"Accept: {JSON}",
            url,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
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
