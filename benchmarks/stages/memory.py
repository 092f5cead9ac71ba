"""Suite stage: peak RSS of `serve` (in memory, and on disk at its second start) and of `oxigraph serve`."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.servers import Server, oxigraph_load, start_oxigraph
from benchmarks.stages.endpoints import dump_nquads, endpoint_text, start_ours


def run(path: Path, size: int, cache: Path, work: Path) -> dict[str, Any]:
    """Peak RSS of each server holding the same quads, after answering queries, and when it was ready."""
    text = endpoint_text()
    nquads = work / f"quads-{size}.nq"
    if not nquads.is_file():
        dump_nquads(path, cache, nquads)
    out: dict[str, Any] = {"size": size}
    disk = ("--store-path", str(work / f"store-{size}"))
    first = start_ours(path, cache, work, disk)  # fills the on-disk store; the second start reuses it
    try:
        first.wait(text, 1800)
    finally:
        first.stop()
    starters: list[tuple[str, Callable[[], Server]]] = [
        ("ours", lambda: start_ours(path, cache, work)),
        ("ours_disk", lambda: start_ours(path, cache, work, disk)),
        ("oxigraph", lambda: start_oxigraph(oxigraph_load(nquads, work), work)),
    ]
    for key, starter in starters:
        server = starter()
        try:
            started = time.monotonic()
            server.wait(text, 1200)
            out[f"{key}_ready"] = time.monotonic() - started
            for _ in range(20):
                server.wait(text, 60)
            out[key] = server.peak_rss_kb()
        finally:
            server.stop()
    return out
