"""Where the graph's triples are kept: an rdflib Dataset in memory, or in Oxigraph (the `oxigraph` extra).

An on-disk Oxigraph store is reused as it is when its sidecar metadata (`<store>.meta.json`) records the
same sources; otherwise it is emptied and filled again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rdflib import Dataset

from shfz_graph.errors import InputError, MissingExtraError
from shfz_graph.files import write_atomic
from shfz_graph.loading import sources as sources_module
from shfz_graph.loading.sources import Source
from shfz_graph.vocab import prefixes

__all__ = ["new_dataset", "open_oxigraph", "read_meta", "write_meta"]

_META_FORMAT = 1
_PREFIXES = prefixes("shfz", "qudt", "unit", "vann")


def new_dataset(store: Any = "default") -> Dataset:
    """An empty Dataset whose default graph is the union of its named graphs, with our prefixes bound."""
    dataset = Dataset(store=store, default_union=True)
    for prefix, namespace in _PREFIXES.items():
        dataset.bind(prefix, namespace)
    return dataset


def open_oxigraph(
    store_path: Path | str | None, sources: Sequence[Source], source_hash: str
) -> tuple[Dataset, str | None]:
    """An Oxigraph-backed dataset holding the sources, and the reasoner of the inferences it already holds.

    In memory, the sources are parsed. On disk, the store is reused as it is when its sidecar metadata
    (`<store_path>.meta.json`) records the same source hash; otherwise it is emptied and filled again.
    """
    try:
        import pyoxigraph
        from oxrdflib.store import OxigraphStore
    except ImportError as exc:
        raise MissingExtraError("oxigraph", (exc.name or "pyoxigraph").split(".")[0]) from exc

    if store_path is None:
        dataset = new_dataset("Oxigraph")
        for source in sources:
            sources_module.parse_into(dataset.graph(source.graph), source.path, source.format)
        return dataset, None

    path = Path(store_path)
    if path.exists() and (not path.is_dir() or (any(path.iterdir()) and not (path / "CURRENT").is_file())):
        raise InputError("exists and is not an Oxigraph store directory", path=path)
    try:
        inner = pyoxigraph.Store(str(path))
    except OSError as exc:
        raise InputError(f"cannot open the Oxigraph store: {exc}", path=path) from exc
    dataset = new_dataset(OxigraphStore(store=inner))
    meta = read_meta(path)
    try:
        if (
            meta.get("format") == _META_FORMAT
            and meta.get("source_hash") == source_hash
            and meta.get("graphs") == [source.name for source in sources]
        ):
            reasoner = meta.get("reasoner")
            return dataset, reasoner if isinstance(reasoner, str) else None
        _meta_path(path).unlink(missing_ok=True)
        inner.clear()
        for source in sources:
            sources_module.parse_into(dataset.graph(source.graph), source.path, source.format)
        write_meta(path, sources, source_hash, None)
    except BaseException:
        dataset.close()
        raise
    return dataset, None


def _meta_path(store_path: Path) -> Path:
    """The sidecar file recording what an on-disk store holds (beside the store, not inside it)."""
    return store_path.with_name(store_path.name + ".meta.json")


def read_meta(store_path: Path) -> dict[str, Any]:
    """The sidecar metadata of a store, or {} when missing or unreadable."""
    try:
        meta = json.loads(_meta_path(store_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def write_meta(store_path: Path, sources: Sequence[Source], source_hash: str, reasoner: str | None) -> None:
    """Record, atomically, which sources and which reasoner's closure an on-disk store holds."""
    meta = {
        "format": _META_FORMAT,
        "source_hash": source_hash,
        "graphs": [source.name for source in sources],
        "reasoner": reasoner,
    }
    write_atomic(_meta_path(store_path), json.dumps(meta, indent=2).encode("utf-8"))
