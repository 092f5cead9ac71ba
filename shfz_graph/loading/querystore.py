"""The on-disk Oxigraph store that query workers open read-only: built once per source hash and reasoner.

Workers share it through the operating system's page cache instead of each holding a copy of the graph.
It is built in a temporary folder beside its final place and renamed into place when complete, so a
crash never leaves a half-built store where a worker would open it; two processes building the same store
at once both succeed, and one of the two copies is kept.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shfz_graph import formats, reasoning
from shfz_graph.errors import InputError, MissingExtraError
from shfz_graph.loading.sources import Source
from shfz_graph.vocab import GRAPH_INFERRED

__all__ = ["STORE_FORMAT", "StoreDescription", "ensure_store", "is_ready", "store_dir"]


@dataclass(frozen=True)
class StoreDescription:
    """What a query store is built from: the sources and their hash, the reasoner (None: no closure),
    where caches live, and how to get a named graph held in memory (for sources Oxigraph cannot parse
    itself, and a closure that is not in the cache)."""

    sources: Sequence[Source]
    source_hash: str
    reasoner: str | None
    cache_dir: Path | str | None
    graph: Callable[[str], Any]


STORE_FORMAT = 1
_READY = "shfz-ready"  # written last, inside the folder, before the rename
#: Source formats Oxigraph loads itself, by rdflib parser name (JSON-LD goes through our own parser,
#: which refuses remote contexts).
_OX_FORMATS = {
    str(f.rdflib): str(f.oxigraph) for f in formats.formats(formats.RDF, quads=False) if f.name != "json-ld"
}


def store_dir(kg: StoreDescription) -> Path:
    """Where the query store of `kg` lives: one folder per source hash, reasoner and package version."""
    from shfz_graph import __version__

    base = Path(kg.cache_dir) if kg.cache_dir is not None else reasoning.default_cache_dir()
    reasoner = kg.reasoner or "none"
    return base / f"store-v{STORE_FORMAT}-{kg.source_hash}-{reasoner}-shfz-{__version__}"


def is_ready(kg: StoreDescription) -> bool:
    """Whether the query store of `kg` is built and complete."""
    return (store_dir(kg) / _READY).is_file()


def ensure_store(kg: StoreDescription) -> Path:
    """The path of a complete on-disk store holding the described named graphs (built now if missing)."""
    target = store_dir(kg)
    if (target / _READY).is_file():
        return target
    try:
        import pyoxigraph
    except ImportError as exc:  # pragma: no cover - pyoxigraph is a core dependency
        raise MissingExtraError("oxigraph", "pyoxigraph") from exc
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    except OSError as exc:
        raise InputError(f"cannot create the query store: {exc.strerror or exc}", path=target) from exc
    try:
        store = pyoxigraph.Store(str(building))
        _fill(store, kg)
        store.flush()
        store.optimize()
        del store  # closes the database before the folder moves
        (building / _READY).write_text(kg.source_hash + "\n", encoding="utf-8")
        try:
            building.rename(target)
        except OSError:
            if not (target / _READY).is_file():  # neither a finished store from another process
                shutil.rmtree(target, ignore_errors=True)
                building.rename(target)
    except OSError as exc:
        raise InputError(f"cannot build the query store: {exc.strerror or exc}", path=target) from exc
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)
    return target


def _fill(store: object, kg: StoreDescription) -> None:
    """Bulk-load every named graph of `kg` into `store`: sources parsed by Oxigraph, the closure from its
    cache file (both without rdflib terms), anything else serialised from the live graph."""
    import pyoxigraph

    assert isinstance(store, pyoxigraph.Store)
    for source in kg.sources:
        graph = pyoxigraph.NamedNode(str(source.graph))
        fmt = _OX_FORMATS.get(source.format)
        if fmt is not None:
            store.bulk_load(path=str(source.path), format=getattr(pyoxigraph.RdfFormat, fmt), to_graph=graph)
        else:  # JSON-LD goes through our own parser, which refuses remote contexts
            _load_rdflib_graph(store, kg.graph(source.name), graph)
    if kg.reasoner is None:
        return
    cache = reasoning.cache_file(kg.source_hash, kg.reasoner, kg.cache_dir)
    if not reasoning.cache.bulk_load(store, cache, str(GRAPH_INFERRED)):
        _load_rdflib_graph(store, kg.graph("inferred"), pyoxigraph.NamedNode(str(GRAPH_INFERRED)))


def _load_rdflib_graph(store: object, graph: object, target: object) -> None:
    """Copy an rdflib graph into a named graph of the store, through N-Triples."""
    import pyoxigraph
    from rdflib import Graph

    assert isinstance(store, pyoxigraph.Store) and isinstance(graph, Graph)
    data = graph.serialize(format="nt", encoding="utf-8")
    store.bulk_load(input=data, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=target)  # type: ignore[arg-type]
