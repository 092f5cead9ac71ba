"""Isolated stage: hostile queries from two clients while a third sends a light one.

One hostile query grows a value without bound, the other multiplies solutions; measured are the growth
of the server's PSS and the light query's latency (and whether its answers stay right).
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from dataclasses import dataclass, field

from benchmarks.client import http_get
from benchmarks.servers import Sampler, Server, pss_kib

#: The hostile query classes of tests/conftest.py (HOSTILE_QUERIES; tests/test_benchmarks.py checks that
#: they are the same), for the soak.
HOSTILE = {
    # one solution whose single value grows tenfold at each step, to about 10^10 characters
    "growth-of-one-value": (
        'SELECT (STRLEN(?j) AS ?n) WHERE { BIND("0123456789" AS ?a) '
        + " ".join(
            f"BIND(CONCAT({', '.join([f'?{prev}'] * 10)}) AS ?{name})"
            for prev, name in zip("abcdefghi", "bcdefghij", strict=True)
        )
        + " }"
    ),
    # solutions that multiply: every triple with every triple with every triple, counted
    "multiplied-solutions": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    # a property path over any predicate, from anything to anything, twice over
    "deep-property-path": (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:x>|!<urn:x>)* ?b . ?c (<urn:x>|!<urn:x>)* ?d }"
    ),
    # a sort over a product of every triple with every triple
    "huge-sort": "SELECT ?c ?f WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY DESC(STR(?c)) STR(?f) LIMIT 1",
    # one group per object, each with a concatenation over every triple
    "huge-aggregate": (
        "SELECT ?c (GROUP_CONCAT(STR(?f)) AS ?all) WHERE { ?a ?b ?c . ?d ?e ?f } GROUP BY ?c ORDER BY ?all"
    ),
}
GROWTH = HOSTILE["growth-of-one-value"]
CARTESIAN = HOSTILE["multiplied-solutions"]
LIGHT = "ASK { ?s ?p ?o }"
LIGHT_ANSWER = b'{"head":{},"boolean":true}'


@dataclass
class Hostile:
    """PSS idle and at its peak (KiB), the light query's p99 (seconds), and what each client got."""

    idle: int
    peak: int
    p99: float
    light_count: int
    light_errors: int
    outcomes: list[int] = field(default_factory=list)  # the statuses of the hostile answers


def run(server: Server, seconds: float) -> Hostile:
    """The two hostile clients in threads for `seconds`; the light one here, every 50 ms."""
    light_url = f"{server.url}?" + urllib.parse.urlencode({"query": LIGHT})
    idle = pss_kib(server.pid)
    sampler = Sampler(server.pid)
    stop_at = time.monotonic() + seconds
    outcomes: list[int] = []

    def hostile(query: str) -> None:
        url = f"{server.url}?" + urllib.parse.urlencode({"query": query})
        while time.monotonic() < stop_at:
            outcomes.append(http_get(url)[0])

    threads = [threading.Thread(target=hostile, args=(q,)) for q in (GROWTH, CARTESIAN)]
    for thread in threads:
        thread.start()
    latencies = []
    light_errors = 0
    while time.monotonic() < stop_at:
        started = time.monotonic()
        status, body = http_get(light_url)
        latencies.append(time.monotonic() - started)
        light_errors += status != 200 or body != LIGHT_ANSWER
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    peak = sampler.stop()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    return Hostile(idle, peak, p99, len(latencies), light_errors, outcomes)
