"""Suite stage: export of the asserted graphs, `kg.export` on each store against pyoxigraph and rdflib."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.harness import measure
from shfz_graph.graph import load
from shfz_graph.progress import progress


def ox_serialize(store: Any, fmt: Any) -> bytes:
    """pyoxigraph's own serializer over every quad of a store, as triples."""
    import pyoxigraph as ox

    data = ox.serialize((q.triple for q in store.quads_for_pattern(None, None, None)), format=fmt)
    assert data is not None
    return data


def run(files: dict[int, Path], cache: Path, quick: bool) -> list[dict[str, Any]]:
    """N-Triples and Turtle at each size up to 10^5."""
    import pyoxigraph as ox

    rows = []
    sizes = [s for s in files if s <= 10**5]
    for size in progress(sizes, "export"):
        kg = load(store="oxigraph", extra_sources=[files[size]], reason=False, cache_dir=cache)
        memory = load(store="memory", extra_sources=[files[size]], reason=False, cache_dir=cache)
        inner = kg.dataset.store._inner  # type: ignore[attr-defined]
        repeats = 1 if quick or size >= 10**5 else 3
        for fmt, ox_format in (("nt", ox.RdfFormat.N_TRIPLES), ("turtle", ox.RdfFormat.TURTLE)):
            rows.append(
                {
                    "size": size,
                    "format": fmt,
                    "ours_ox": measure(partial(kg.export, fmt), repeats, warmup=False, budget=60),
                    "ours_memory": measure(partial(memory.export, fmt), repeats, warmup=False, budget=60),
                    "raw": measure(partial(ox_serialize, inner, ox_format), repeats, warmup=False),
                    "rdflib": measure(
                        partial(memory.dataset.serialize, format="nt" if fmt == "nt" else "turtle"),
                        1,
                        warmup=False,
                        budget=60,
                    ),
                }
            )
        kg.close()
        memory.close()
    return rows
