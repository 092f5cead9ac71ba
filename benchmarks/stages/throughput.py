"""Isolated stage: the endpoint under ApacheBench, ours against `oxigraph serve-read-only`, with their PSS.

Wrong answers are answers whose length differs from the first (ab), and a first answer of ours that
differs from Oxigraph's.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from typing import Any

from benchmarks.client import ab, http_get
from benchmarks.servers import Sampler, Server


@dataclass
class Throughput:
    """ApacheBench's numbers for each server, whether the first answers agree, and the peak PSS (KiB)."""

    ours: dict[str, Any]
    oxigraph: dict[str, Any]
    same: bool
    ours_pss: int
    oxigraph_pss: int


def bindings_set(body: bytes) -> list[str]:
    """The solutions of a JSON answer, in an order that does not depend on the server."""
    doc = json.loads(body)
    return sorted(json.dumps(b, sort_keys=True) for b in doc["results"]["bindings"])


def run(ours: Server, oxigraph: Server, text: str, clients: int, seconds: float) -> Throughput:
    """Compare the first answers, warm both servers up, then load each in turn while sampling its PSS."""
    qs = urllib.parse.urlencode({"query": text})
    ours_url, ox_url = f"{ours.url}?{qs}", f"{oxigraph.url}?{qs}"
    same = bindings_set(http_get(ours_url)[1]) == bindings_set(http_get(ox_url)[1])
    for _ in range(20):
        http_get(ours_url), http_get(ox_url)
    sampler = Sampler(ours.pid)
    load_ours = ab(ours_url, clients, seconds)
    ours_pss = sampler.stop()
    sampler = Sampler(oxigraph.pid)
    load_ox = ab(ox_url, clients, seconds)
    return Throughput(load_ours, load_ox, same, ours_pss, sampler.stop())
