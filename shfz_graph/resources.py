"""Where the product files live: the copy bundled in the installed wheel, else the source checkout."""

from __future__ import annotations

from pathlib import Path

from shfz_graph.errors import InputError

_PACKAGE_DIR = Path(__file__).resolve().parent


def search_roots() -> list[Path]:
    """Directories that may hold `ontology/`, `data/`, `queries/`, in order of preference."""
    return [_PACKAGE_DIR / "_bundled", _PACKAGE_DIR.parent]


def _directory(kind: str) -> Path:
    """The first `kind/` directory found under the search roots (the wheel's bundle wins over a checkout)."""
    roots = search_roots()
    for root in roots:
        candidate = root / kind
        if candidate.is_dir():
            return candidate
    tried = ", ".join(str(root / kind) for root in roots)
    raise InputError(f"directory {kind}/ not found (looked in {tried})")


def _file(kind: str, name: str) -> Path:
    """A file of the product, which must exist, so a missing one is reported by name and not later."""
    path = _directory(kind) / name
    if not path.is_file():
        raise InputError("file not found", path=path)
    return path


def ontology_path() -> Path:
    """The OWL ontology `ontology/shfz.ttl`."""
    return _file("ontology", "shfz.ttl")


def shapes_path() -> Path:
    """The SHACL shapes `ontology/shapes.ttl` (the data contract)."""
    return _file("ontology", "shapes.ttl")


def context_path() -> Path:
    """The JSON-LD context `ontology/context.jsonld` used for compact exports."""
    return _file("ontology", "context.jsonld")


def data_paths() -> list[Path]:
    """The instance data files `data/*.ttl`, sorted by name so graphs load in a stable order."""
    return sorted(path for path in _directory("data").glob("*.ttl") if path.is_file())


def queries_dir() -> Path:
    """The directory of named queries `queries/*.rq`."""
    return _directory("queries")
