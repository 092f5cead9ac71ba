"""The closure cache: one file per source hash, reasoner and package versions, and the only code that knows
its format (sorted N-Triples, written atomically). Callers ask it to read a closure into rdflib, to write
one, or to bulk-load one into an Oxigraph store without making rdflib terms."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph

from shfz_graph.files import write_atomic
from shfz_graph.reasoning.engines import package_version, resolve_reasoner

__all__ = ["FORMAT", "bulk_load", "bulk_load_dataset", "cache_file", "default_cache_dir", "read", "write"]

logger = logging.getLogger("shfz_graph.reasoning")

# Bump when the noise filter or the cache layout changes, so old cache files are not reused.
FORMAT = 1


def default_cache_dir() -> Path:
    """`$SHFZ_GRAPH_CACHE`, else `$XDG_CACHE_HOME/shfz-graph`, else `~/.cache/shfz-graph`."""
    explicit = os.environ.get("SHFZ_GRAPH_CACHE")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "shfz-graph"


def cache_file(source_hash: str, reasoner: str, cache_dir: Path | str | None = None) -> Path:
    """The cache file of a closure: one per source hash, concrete reasoner and versions of both packages."""
    from shfz_graph import __version__

    name = resolve_reasoner(reasoner)
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    stem = f"closure-v{FORMAT}-{source_hash}-{name}-{package_version(name)}-shfz-{__version__}"
    return directory / f"{stem}.nt"


def read(path: Path) -> Graph | None:
    """A cached closure, or None when there is none or it cannot be read (it is then recomputed)."""
    if not path.is_file():
        return None
    graph = Graph()
    try:
        graph.parse(path, format="nt")
    except Exception as exc:  # a damaged cache file is a miss, never a failure
        logger.warning("ignoring unreadable closure cache %s: %s", path, exc)
        return None
    return graph


def write(path: Path, graph: Graph) -> None:
    """Write a closure as sorted N-Triples, atomically (temp file + rename); a failure only costs speed."""
    lines = sorted(line for line in graph.serialize(format="nt", encoding="utf-8").splitlines() if line)
    data = b"".join(line + b"\n" for line in lines)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    except OSError as exc:
        logger.warning("cannot write closure cache %s: %s", path, exc)


def bulk_load(store: Any, path: Path, graph: str) -> bool:
    """Bulk-load a cached closure into the named graph `graph` of a `pyoxigraph.Store`, making no rdflib
    terms (at 10^6 triples they would cost gigabytes); False when there is no usable cache file (the graph
    is then left empty, for the caller to fill another way)."""
    import pyoxigraph

    if not path.is_file():
        return False
    target = pyoxigraph.NamedNode(graph)
    try:
        store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=target)
    except (SyntaxError, OSError):  # a damaged cache is a miss: reason again (closure() rewrites it)
        store.remove_graph(target)
        return False
    return True


def bulk_load_dataset(dataset: Dataset, path: Path, graph: str) -> bool:
    """`bulk_load` into the Oxigraph store under an rdflib Dataset (the `oxigraph` extra's oxrdflib store)."""
    return bulk_load(dataset.store._inner, path, graph)  # type: ignore[attr-defined]
