"""Isolated stage: each named query through a worker (`kg.answer`) against raw pyoxigraph, same store."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.harness import timed


@dataclass
class NamedRow:
    """Median seconds of ours and of raw pyoxigraph for one named query, or the error ours raised."""

    name: str
    ours: float = 0.0
    raw: float = 0.0
    error: str | None = None

    @property
    def ratio(self) -> float:
        return self.ours / self.raw if self.raw else math.inf


def _raw_call(store: Any, text: str, kind: str) -> Callable[[], object]:
    """Raw pyoxigraph: `Store.query(text)` serialized as JSON (N-Triples for graphs)."""
    import pyoxigraph as ox

    def raw() -> object:
        result = store.query(text, use_default_graph_as_union=True)
        if kind in ("CONSTRUCT", "DESCRIBE"):
            return result.serialize(format=ox.RdfFormat.N_TRIPLES)
        return result.serialize(format=ox.QueryResultsFormat.JSON)

    return raw


def run(
    kg: Any, store_path: Path, repeats: int, skip: list[str], show: Callable[[NamedRow], None]
) -> list[NamedRow]:
    """Every named query but the network ones and `skip`, ours then raw; `show` sees each row as it comes."""
    import pyoxigraph as ox

    from shfz_graph import catalog
    from shfz_graph.errors import ShfzError
    from shfz_graph.query import guard
    from shfz_graph.query.binding import bind_constants

    raw_store = ox.Store.read_only(str(store_path))
    rows = []
    for named in catalog.catalog():
        if named.network or named.name in skip:
            continue
        bindings = named.bind({})

        def ours(text: str = named.text, b: dict[str, Any] = bindings) -> object:
            return kg.answer(text, bindings=b, timeout=600, max_rows=10**9, max_bytes=1 << 34)

        try:
            row = NamedRow(named.name, ours=timed(ours, repeats))
        except ShfzError as exc:
            row = NamedRow(named.name, error=str(exc))
        else:
            raw = _raw_call(raw_store, bind_constants(named.text, bindings), guard.check(named.text).kind)
            row.raw = timed(raw, repeats)
        rows.append(row)
        show(row)
    return rows
