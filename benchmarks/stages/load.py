"""Suite stage: load a Turtle file into a store, ours against raw pyoxigraph and rdflib's parser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import Graph

from benchmarks.harness import capped, measure
from shfz_graph.graph import load
from shfz_graph.progress import progress


def run(files: dict[int, Path], quick: bool) -> list[dict[str, Any]]:
    """Per size: `load(store="oxigraph")`, `pyoxigraph.Store().load`, and rdflib's parser (capped)."""
    import pyoxigraph as ox

    rows = []
    for size, path in progress(files.items(), "load"):
        repeats = 1 if quick else (3 if size >= 10**6 else 5)

        def ours(path: Path = path) -> None:
            load(store="oxigraph", extra_sources=[path], reason=False).close()

        def raw(path: Path = path) -> None:
            ox.Store().load(path=str(path), format=ox.RdfFormat.TURTLE)

        def rdflib_parse(path: Path = path) -> None:
            Graph().parse(path, format="turtle")

        t_ours = measure(ours, repeats, budget=60)
        t_raw = measure(raw, repeats, budget=60)
        t_rdflib = capped(rdflib_parse, 60.0, 1 if size >= 10**5 else 3)
        rows.append({"size": size, "ours": t_ours, "raw": t_raw, "rdflib": t_rdflib})
    return rows
